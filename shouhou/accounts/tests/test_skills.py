"""Skills (技能, issue 10) on people and on work-order types: the account form, the users API (skills out,
skill_ids in), the type editor's basic step, deleting a skill, and refusals (another company's skill,
bad names) that change nothing."""

import pytest
from django.urls import reverse

from shouhou.accounts import skills as skill_services
from shouhou.accounts.factories import AccountsFactory
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, client_for, make_company, make_user


@pytest.fixture
def two_skills(owner):
    accounts = AccountsFactory(owner)
    return accounts.skill(name="空调维修"), accounts.skill(name="高压电工证")


def test_the_account_form_sets_skills(tenant, owner, two_skills):
    aircon, high_voltage = two_skills
    user = make_user(tenant, name="李工", roles=("engineer",))
    admin = client_for(owner)
    form = admin.get(reverse("accounts:user_edit", args=[user.pk])).content.decode()
    assert f'name="skill_ids" value="{aircon.pk}"' in form and "高压电工证" in form
    response = admin.post(reverse("accounts:user_edit", args=[user.pk]), {
        "name": "李工", "phone": user.phone, "email": "", "service_phone": "", "job_title": "",
        "skill_ids": [aircon.pk, high_voltage.pk]})
    assert response.status_code == 302
    assert set(user.skills.values_list("name", flat=True)) == {"空调维修", "高压电工证"}
    page = admin.get(reverse("accounts:skills")).content.decode()
    assert "空调维修" in page and "1 person" in page


def test_creating_an_account_with_skills(tenant, owner, two_skills):
    aircon, _high = two_skills
    response = client_for(owner).post(reverse("accounts:user_create"), {
        "name": "新工程师", "phone": "13912300001", "skill_ids": [aircon.pk]})
    assert response.status_code == 302
    from shouhou.accounts.models import User

    assert list(User.objects.get(phone="13912300001").skills.all()) == [aircon]


def test_the_users_api_reads_and_writes_skills(tenant, owner, two_skills):
    aircon, high_voltage = two_skills
    user = make_user(tenant, name="接口工程师", roles=("engineer",))
    api = api_client_for(owner)
    response = api.patch(f"/api/v1/users/{user.pk}", {"skill_ids": [high_voltage.pk]}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["skills"] == [{"id": high_voltage.pk, "name": "高压电工证"}]
    response = api.patch(f"/api/v1/users/{user.pk}", {"job_title": "组长"}, content_type="application/json")
    assert response.json()["skills"] == [{"id": high_voltage.pk, "name": "高压电工证"}], "omitted: kept"
    response = api.post("/api/v1/users", {"name": "接口新人", "phone": "13912300002", "skill_ids": [aircon.pk]},
                        content_type="application/json")
    assert response.status_code == 201 and response.json()["skills"] == [{"id": aircon.pk, "name": "空调维修"}]
    listed = api.get("/api/v1/skills").json()
    assert [item["name"] for item in listed["results"]] == ["空调维修", "高压电工证"]


def test_another_companys_skill_is_refused_and_nothing_changes(tenant, owner, two_skills):
    aircon, _high = two_skills
    user = make_user(tenant, name="不变工程师", roles=("engineer",))
    skill_services.set_user_skills(actor=owner, user=user, skill_ids=[aircon.pk])
    other_tenant, other_owner = make_company()
    with tenant_context(other_tenant):
        foreign = skill_services.save_skill(actor=other_owner, name="外司技能")
    api = api_client_for(owner)
    response = api.patch(f"/api/v1/users/{user.pk}", {"skill_ids": [foreign.pk], "job_title": "改了"},
                         content_type="application/json")
    assert response.status_code == 400
    user.refresh_from_db()
    assert list(user.skills.all()) == [aircon] and user.job_title == ""
    response = api.post("/api/v1/users", {"name": "外司", "phone": "13912300003", "skill_ids": [foreign.pk]},
                        content_type="application/json")
    assert response.status_code == 400
    assert not user.__class__.objects.filter(phone="13912300003").exists()


def test_moving_a_skill(tenant, owner, two_skills):
    aircon, high_voltage = two_skills
    response = client_for(owner).post(reverse("accounts:skill_move", args=[high_voltage.pk]), {"direction": "up"})
    assert response.status_code == 302
    assert [s.name for s in skill_services.skills()] == ["高压电工证", "空调维修"]
