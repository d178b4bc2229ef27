"""忘记密码: a new password by an SMS code sent to the account's mobile phone (issue 15).

Sign-in finds the user by phone, e-mail or account across all companies (backends.find_login_user), and a
phone number belongs to one user at most (User.phone is unique), so the code is asked for by phone alone.

Rules, each tested in tests/test_password_reset.py:
- the answer to "send me a code" is the same whether an account uses the number or not (a row is written
  either way; only a real, enabled account of an active company gets an SMS);
- at most one code a minute and five an hour per number and per IP address (settings.PASSWORD_RESET_*);
- a code lives ten minutes, is stored only as a keyed hash, and five wrong tries burn it;
- the new password passes Django's validators; the reset signs the user out everywhere (his session rows
  are deleted), unlocks a locked login and writes the system log (core.audit).

accounts sits below messaging, which owns the SMS adapter: messaging registers the sender here
(`register_sender`, in its AppConfig.ready), like every lower-floor registry (architecture §15).
"""

import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import DomainError, ValidationFailed
from shouhou.core.validators import normalize_phone, validate_mobile

from .models import PasswordResetCode, Session, User

logger = logging.getLogger("shouhou.accounts")

WRONG_CODE = gettext_lazy("The code is wrong or has expired. Check it, or ask for a new one.")
_sender = None


class TooManyCodes(DomainError):
    code = "rate_limited"
    status = 429
    default_message = gettext_lazy("Too many codes were asked for. Try again later.")


def register_sender(send):
    """`send(user, content)` delivers a text to the user's mobile phone (messaging registers its SMS adapter)."""
    global _sender
    _sender = send


def clean_phone(value):
    phone = normalize_phone(value)[:20]
    try:
        validate_mobile(phone)
    except Exception:
        raise ValidationFailed(details={"phone": [_("Enter a valid mainland mobile number (11 digits starting with 1).")]})
    return phone


def _hash(row_id, phone, code):
    return salted_hmac("shouhou.accounts.password_reset", f"{row_id}:{phone}:{code}",
                       algorithm="sha256").hexdigest()


def _check_limits(phone, ip, now):
    interval = settings.PASSWORD_RESET_CODE_INTERVAL
    per_hour = settings.PASSWORD_RESET_CODES_PER_HOUR
    for field, value in (("phone", phone), ("ip", ip)):
        if value is None:
            continue
        recent = PasswordResetCode.objects.filter(**{field: value}, created_at__gt=now - timedelta(hours=1))
        last = recent.order_by("-created_at").values_list("created_at", flat=True).first()
        if last is not None and (now - last).total_seconds() < interval:
            wait = max(1, int(interval - (now - last).total_seconds()))
            raise TooManyCodes(_("A code was sent less than a minute ago. Ask again in %(s)s seconds.") % {"s": wait})
        if recent.count() >= per_hour:
            raise TooManyCodes()


def request_code(*, phone, ip=None):
    """Ask for a code for `phone`: the same answer (None) whether or not an account uses it."""
    phone = clean_phone(phone)
    now = timezone.now()
    with transaction.atomic():
        # one request at a time per number: two parallel requests must not both pass the limits
        list(PasswordResetCode.objects.select_for_update().filter(phone=phone, created_at__gt=now - timedelta(hours=1)))
        _check_limits(phone, ip, now)
        user = (User.objects.select_related("tenant").filter(phone=phone, is_active=True, tenant__is_active=True)
                .first())
        row = PasswordResetCode.objects.create(
            phone=phone, ip=ip, user=user, created_at=now,
            expires_at=now + timedelta(minutes=settings.PASSWORD_RESET_CODE_MINUTES))
        code = f"{secrets.randbelow(10**6):06d}"
        row.code_hash = _hash(row.pk, phone, code)
        row.save(update_fields=["code_hash"])
        # earlier codes of the number stop working: only the newest one counts
        PasswordResetCode.objects.filter(phone=phone, used_at=None).exclude(pk=row.pk).update(used_at=now)
    if user is not None and _sender is not None:
        content = _("Your Shouhou password reset code is %(code)s. It is valid for %(m)s minutes. If you did not "
                    "ask for it, ignore this message.") % {"code": code, "m": settings.PASSWORD_RESET_CODE_MINUTES}
        try:
            _sender(user, content)
        except Exception:  # the answer stays the same: saying "not sent" would tell that the account exists
            logger.exception("The password reset code could not be sent")


def reset_password(*, phone, code, new_password, request=None):
    """Set a new password with the newest code of `phone`; returns the user. Wrong, expired, burnt or no
    code, or no account: the same WRONG_CODE field error."""
    phone = clean_phone(phone)
    code = (code or "").strip()[:12]
    now = timezone.now()
    with transaction.atomic():
        row = (PasswordResetCode.objects.select_for_update(of=("self",)).select_related("user", "user__tenant")
               .filter(phone=phone, used_at=None, expires_at__gt=now).order_by("-created_at").first())
        if row is None:
            raise ValidationFailed(details={"code": [WRONG_CODE]})
        right = hmac.compare_digest(row.code_hash, _hash(row.pk, phone, code)) and row.user is not None
        if not right:
            row.attempts += 1
            if row.attempts >= settings.PASSWORD_RESET_MAX_TRIES:
                row.used_at = now
            row.save(update_fields=["attempts", "used_at"])
    if not right:  # outside the block above: the counted try is kept when the error is raised
        raise ValidationFailed(details={"code": [WRONG_CODE]})
    user = row.user
    from .services import _check_password

    try:
        _check_password(new_password, user)
    except ValidationFailed as exc:
        raise ValidationFailed(details={"new_password": exc.details["password"]})
    with transaction.atomic():
        row = PasswordResetCode.objects.select_for_update().get(pk=row.pk)
        if row.used_at is not None:  # used by a parallel request meanwhile
            raise ValidationFailed(details={"code": [WRONG_CODE]})
        row.used_at = now
        row.save(update_fields=["used_at"])
        user.set_password(new_password)
        user.failed_logins, user.locked_until = 0, None
        user.save(update_fields=["password", "failed_logins", "locked_until", "updated_at"])
        Session.objects.filter(user=user).delete()  # signed out everywhere
        log(SystemLog.Kind.LOGIN, user=user, tenant=user.tenant, request=request,
            action=_("Reset the password with an SMS code"))
    return user
