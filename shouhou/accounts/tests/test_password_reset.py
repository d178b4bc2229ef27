"""忘记密码 (issue 15): a new password by an SMS code — each rule of accounts.password_reset."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shouhou.accounts.models import PasswordResetCode, Session, User
from shouhou.core.audit import SystemLog
from shouhou.core.testing import client_for, make_user
from shouhou.messaging.models import SmsMessage
from shouhou.messaging.sms import ConsoleSmsGateway

NEW = "Nieuw-wachtwoord-42"
SENT = "If an account uses this number, a code has been sent to it by SMS."
WRONG = "The code is wrong or has expired."


@pytest.fixture(autouse=True)
def _clean_outbox():
    ConsoleSmsGateway.sent.clear()
    yield


@pytest.fixture
def user(company):
    tenant, _owner = company
    return make_user(tenant, name="重置者", phone="13912345678")


def ask(client, phone, ip="10.0.0.1"):
    return client.post(reverse("accounts:password_forgot"), {"phone": phone}, REMOTE_ADDR=ip)


def last_code(phone="13912345678"):
    texts = [content for to, content in ConsoleSmsGateway.sent if to == phone]
    return re.search(r"\d{6}", texts[-1]).group(0) if texts else None


def reset(client, code, password=NEW, phone="13912345678", password2=None):
    return client.post(reverse("accounts:password_reset"), {
        "phone": phone, "code": code, "new_password": password, "new_password2": password2 or password})


def test_the_login_pages_link_to_forgot_password(db):
    for url in (reverse("accounts:login"), reverse("mobile:login")):
        assert reverse("accounts:password_forgot") in Client().get(url).content.decode()


def test_a_code_resets_the_password_and_signs_out_everywhere(user):
    elsewhere = client_for(user)
    assert elsewhere.get("/").status_code == 200 and Session.objects.filter(user=user).exists()
    client = Client()
    answer = ask(client, user.phone)
    assert answer.status_code == 302 and answer["Location"] == reverse("accounts:password_reset")
    code = last_code()
    assert code and SmsMessage.all_tenants.filter(tenant=user.tenant, purpose="password_reset").count() == 1
    page = client.get(reverse("accounts:password_reset"))
    assert SENT in page.content.decode() and 'value="13912345678"' in page.content.decode()
    done = reset(client, code)
    assert done.status_code == 302 and done["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert not Session.objects.filter(user=user).exists()
    assert elsewhere.get("/").status_code == 302  # signed out
    assert SystemLog.all_tenants.filter(user=user, action="Reset the password with an SMS code").exists()
    assert Client().post(reverse("accounts:login"), {"username": user.phone, "password": NEW}).status_code == 302
    again = reset(Client(), code, password="Another-pass-77")  # a code works once
    assert again.status_code == 400 and WRONG in again.content.decode()


def test_the_answer_is_the_same_whether_an_account_exists_or_not(user):
    known, unknown = ask(Client(), user.phone, ip="10.0.0.2"), ask(Client(), "13800000000", ip="10.0.0.3")
    assert known.status_code == unknown.status_code == 302 and known["Location"] == unknown["Location"]
    assert [to for to, _ in ConsoleSmsGateway.sent] == [user.phone]  # only the real account gets an SMS
    # a guessed code for the number without an account: the same error as a wrong one
    for phone in ("13800000000", user.phone):
        answer = reset(Client(), "000000", phone=phone)
        assert answer.status_code == 400 and WRONG in answer.content.decode()
    # the limits count alike too
    assert ask(Client(), "13800000000", ip="10.0.0.4").status_code == 429
    assert ask(Client(), user.phone, ip="10.0.0.5").status_code == 429


def test_a_disabled_account_gets_no_code_but_the_same_answer(user):
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert ask(Client(), user.phone).status_code == 302 and not ConsoleSmsGateway.sent


def test_one_code_a_minute_and_five_an_hour_per_phone(user):
    assert ask(Client(), user.phone, ip="10.1.0.1").status_code == 302
    too_soon = ask(Client(), user.phone, ip="10.1.0.2")
    assert too_soon.status_code == 429 and "seconds" in too_soon.content.decode()
    PasswordResetCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    for n in range(4):
        assert ask(Client(), user.phone, ip=f"10.1.1.{n}").status_code == 302
        PasswordResetCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    sixth = ask(Client(), user.phone, ip="10.1.2.1")
    assert sixth.status_code == 429 and "Too many codes" in sixth.content.decode()
    assert len(ConsoleSmsGateway.sent) == 5
    PasswordResetCode.objects.update(created_at=timezone.now() - timedelta(minutes=61))
    assert ask(Client(), user.phone, ip="10.1.2.2").status_code == 302


def test_one_code_a_minute_and_five_an_hour_per_ip(user, company):
    tenant, _owner = company
    phones = [make_user(tenant, phone=f"1391000000{n}").phone for n in range(6)]
    assert ask(Client(), phones[0], ip="10.2.0.1").status_code == 302
    assert ask(Client(), phones[1], ip="10.2.0.1").status_code == 429
    for phone in phones[1:5]:
        PasswordResetCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
        assert ask(Client(), phone, ip="10.2.0.1").status_code == 302
    PasswordResetCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert ask(Client(), phones[5], ip="10.2.0.1").status_code == 429
    assert ask(Client(), phones[5], ip="10.2.0.9").status_code == 302


def test_codes_expire_after_ten_minutes(user):
    client = Client()
    ask(client, user.phone)
    code = last_code()
    PasswordResetCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    answer = reset(client, code)
    assert answer.status_code == 400 and WRONG in answer.content.decode()
    row = PasswordResetCode.objects.get()
    assert (row.expires_at - row.created_at) <= timedelta(minutes=10, seconds=1)


def test_five_wrong_tries_burn_the_code(user):
    client = Client()
    ask(client, user.phone)
    code = last_code()
    wrong = "111111" if code != "111111" else "222222"
    for _ in range(5):
        assert reset(client, wrong).status_code == 400
    answer = reset(client, code)  # the right code, too late
    assert answer.status_code == 400 and WRONG in answer.content.decode()
    user.refresh_from_db()
    assert not user.check_password(NEW)


def test_codes_are_stored_hashed_and_a_new_code_replaces_the_old(user):
    client = Client()
    ask(client, user.phone)
    first = last_code()
    row = PasswordResetCode.objects.get()
    assert first not in row.code_hash and len(row.code_hash) == 64
    PasswordResetCode.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    ask(client, user.phone)
    second = last_code()
    if first != second:
        assert reset(client, first).status_code == 400
    assert reset(client, second).status_code == 302


def test_the_new_password_must_pass_the_validators_and_the_code_still_works(user):
    client = Client()
    ask(client, user.phone)
    code = last_code()
    weak = reset(client, code, password="12345678")
    assert weak.status_code == 400 and "entirely numeric" in weak.content.decode()
    mismatch = reset(client, code, password=NEW, password2=NEW + "x")
    assert mismatch.status_code == 400 and "do not match" in mismatch.content.decode()
    assert reset(client, code).status_code == 302


@pytest.mark.parametrize("phone", ["", "12345", "1391234567\x00", "abc", "139123456789999999999999"])
def test_bad_phone_numbers_are_a_clear_error(db, phone):
    answer = ask(Client(), phone)
    assert answer.status_code == 400
    if "\x00" not in phone:  # control characters are refused before the view (core.text_guard)
        assert "valid mainland mobile number" in answer.content.decode()
    assert not PasswordResetCode.objects.exists()


def test_a_reset_unlocks_a_locked_login(user):
    User.objects.filter(pk=user.pk).update(locked_until=timezone.now() + timedelta(minutes=30), failed_logins=3)
    client = Client()
    ask(client, user.phone)
    assert reset(client, last_code()).status_code == 302
    user.refresh_from_db()
    assert user.locked_until is None and user.failed_logins == 0
