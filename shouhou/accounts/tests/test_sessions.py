"""The session read that brings its user along (accounts.sessions, docs/benchmarks.md): one statement for
session, user, company and the header's values — and every check Django made before still made."""

from django.urls import reverse

from shouhou.accounts.models import Session, WorkStatus
from shouhou.accounts.services import set_active
from shouhou.core.testing import client_for, make_user
from shouhou.messaging.services import mark_read, notify


def test_the_session_row_names_its_user(tenant, owner):
    client_for(owner)
    assert Session.objects.filter(user=owner).exists()


def test_a_simple_page_reads_session_user_company_and_header_in_one_statement(tenant, owner,
                                                                              django_assert_max_num_queries):
    client = client_for(owner)
    client.get(reverse("core:help"))  # the grants are cached outside tests' transactions only: read here
    with django_assert_max_num_queries(2):  # the session with everything the shell shows; the roles
        response = client.get(reverse("core:help"))
    assert response.status_code == 200


def test_the_header_shows_the_unread_count_and_work_statuses_loaded_with_the_session(tenant, owner):
    engineer = make_user(tenant)
    client = client_for(engineer)
    notify(users=[engineer], title="一")
    notify(users=[engineer], title="二")
    response = client.get(reverse("core:help"))
    assert response.context["unread_notifications"] == 2
    assert [s.name for s in response.context["work_status_choices"]] == [s.name for s in WorkStatus.objects.all()]
    mark_read(user=engineer)
    assert client.get(reverse("core:help")).context["unread_notifications"] == 0


def test_a_deactivated_user_is_signed_out_on_the_next_request(tenant, owner):
    engineer = make_user(tenant)
    client = client_for(engineer)
    assert client.get(reverse("core:help")).status_code == 200
    set_active(actor=owner, users=[engineer], active=False)
    response = client.get(reverse("core:help"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_a_changed_password_ends_the_other_sessions(tenant, owner):
    engineer = make_user(tenant)
    client = client_for(engineer)
    engineer.set_password("Another-pass-2026")
    engineer.save()
    response = client.get(reverse("core:help"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
