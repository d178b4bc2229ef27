"""Ranked candidates (派单推荐, issue 10): who may take an order (WOSET-D3 hidden statuses, ACC-06 team rule,
required skills), the ranking by distance, load and clashes with reasons in words, the distance fallback
(fresh reported position → team location → unknown; road distance when configured), WOSET-D4 hidden
positions, the API's shape and 404, and a pinned statement count independent of the number of people."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shouhou.accounts import skills as skill_services
from shouhou.accounts.factories import AccountsFactory
from shouhou.accounts.models import User
from shouhou.core import geo
from shouhou.core.errors import ValidationFailed
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import api_client_for, make_team, make_user
from shouhou.workorders.queries.candidates import ranked_candidates
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import locations

from .conftest import make_customer
from .test_services import set_setting

PINNED_STATEMENTS = 6  # required skills, roles with access, the people, the located teams, their members, the loads
ORDER_AT = (31.230416, 121.473701)  # the world's customer address (上海 人民广场)


def place(user, lat, lng, *, hours_ago=0):
    """The user's last reported position, `hours_ago` old."""
    locations.report_location(user=user, latitude=str(lat), longitude=str(lng))
    if hours_ago:
        User.objects.filter(pk=user.pk).update(last_located_at=timezone.now() - timedelta(hours=hours_ago))


def by_id(candidates):
    return {c.user_id: c for c in candidates}


def north(km):
    """A point `km` north of the order's address."""
    return ORDER_AT[0] + km / 111.195, ORDER_AT[1]


@pytest.fixture
def order(world):
    return world.make_order()


def test_required_skills_leave_out_whoever_lacks_one(world, owner):
    accounts = AccountsFactory(owner)
    aircon = accounts.skill(name="空调维修", users=[world.engineer, world.engineer2])
    high_voltage = accounts.skill(name="高压电工证", users=[world.engineer])
    order_type = world.make_type(required_skill_ids=[aircon.pk, high_voltage.pk])
    order = world.make_order(order_type)
    found = by_id(ranked_candidates(world.dispatcher, order))
    assert world.engineer.pk in found and world.engineer2.pk not in found
    assert "Has the required skills: 空调维修、高压电工证" in found[world.engineer.pk].reasons


def test_a_type_without_required_skills_lists_everyone(world, order):
    found = by_id(ranked_candidates(world.dispatcher, order))
    assert {world.engineer.pk, world.engineer2.pk} <= set(found)
    assert not any("skills" in r for c in found.values() for r in c.reasons)


def test_hidden_work_statuses_are_left_out(world, tenant, owner, order):
    from shouhou.accounts import services as account_services

    away = AccountsFactory(owner).work_status(name="外出培训")
    account_services.set_work_status(user=world.engineer2, status_id=away.pk)
    set_setting(tenant, "workorder.hide_statuses", [away.pk])
    found = by_id(ranked_candidates(world.dispatcher, order))
    assert world.engineer.pk in found and world.engineer2.pk not in found


def test_dispatch_by_service_team_keeps_to_the_team(world, tenant):
    outsider = make_user(tenant, roles=("engineer",), name="外部工程师")
    east = make_team(tenant, name="华东", members=[world.engineer])
    set_setting(tenant, "team.dispatch_by_team", True)
    order = world.make_order(customer=make_customer(tenant, service_team=east))
    found = by_id(ranked_candidates(world.dispatcher, order))
    assert world.engineer.pk in found
    assert outsider.pk not in found and world.engineer2.pk not in found


def test_the_current_assignee_is_not_a_candidate(world):
    order = world.assigned()
    assert world.engineer.pk not in by_id(ranked_candidates(world.dispatcher, order))


def test_nearest_first_with_the_distance_in_words(world, order):
    place(world.engineer, *north(12))
    place(world.engineer2, *north(1.5))
    ranked = [c for c in ranked_candidates(world.dispatcher, order) if c.user_id in (world.engineer.pk,
                                                                                        world.engineer2.pk)]
    assert [c.user_id for c in ranked] == [world.engineer2.pk, world.engineer.pk]
    near = ranked[0]
    assert near.distance_km == pytest.approx(1.5, abs=0.01) and near.distance_kind == "straight"
    assert "1.5 km away (straight line, from the last reported position)" in near.reasons
    assert ranked[0].score > ranked[1].score


def test_a_stale_position_falls_back_to_the_team_location(world, owner, order):
    from shouhou.accounts import services as account_services

    account_services.save_team(actor=owner, team=world.team, name=world.team.name, latitude=str(north(3)[0]),
                               longitude=str(north(3)[1]))
    place(world.engineer, *north(0.5), hours_ago=5)  # older than the default 4 h
    place(world.engineer2, *north(0.5), hours_ago=1)
    found = by_id(ranked_candidates(world.dispatcher, order))
    stale, fresh = found[world.engineer.pk], found[world.engineer2.pk]
    assert stale.position_source == "team" and stale.distance_km == pytest.approx(3, abs=0.01)
    assert f"3.0 km away (straight line, from the team location ({world.team.name}))" in stale.reasons
    assert fresh.position_source == "reported" and fresh.distance_km == pytest.approx(0.5, abs=0.01)


def test_the_freshness_is_a_company_setting(world, tenant, order):
    set_setting(tenant, "workorder.position_fresh_hours", 8)
    place(world.engineer, *north(0.5), hours_ago=5)
    assert by_id(ranked_candidates(world.dispatcher, order))[world.engineer.pk].position_source == "reported"


def test_no_position_at_all_is_ranked_after_the_located(world, order):
    place(world.engineer2, *north(20))
    found = by_id(ranked_candidates(world.dispatcher, order))
    unknown = found[world.engineer.pk]
    assert unknown.distance_km is None
    assert "Distance unknown: no recent position and no team location" in unknown.reasons
    assert found[world.engineer2.pk].score > unknown.score


def test_an_order_without_a_position_says_so(world, tenant):
    order = world.make_order(customer=make_customer(tenant, latitude="", longitude=""))
    place(world.engineer, *north(1))
    reasons = by_id(ranked_candidates(world.dispatcher, order))[world.engineer.pk].reasons
    assert "Distance unknown: the order's address has no position" in reasons


def test_road_distance_through_the_map_adapter_when_configured(world, order, settings):
    settings.MAPS_ROAD_DISTANCE = True
    place(world.engineer, *north(10))
    found = by_id(ranked_candidates(world.dispatcher, order))[world.engineer.pk]
    assert found.distance_kind == "road"
    assert found.distance_km == pytest.approx(10 * geo.ROAD_FACTOR, abs=0.02)
    assert "13.0 km away (by road, from the last reported position)" in found.reasons


def test_road_distance_falls_back_to_the_straight_line_when_the_adapter_fails(world, order, settings, monkeypatch):
    settings.MAPS_ROAD_DISTANCE = True
    monkeypatch.setattr(geo.FakeMaps, "road_distance_km", lambda self, a, b: None)
    place(world.engineer, *north(10))
    found = by_id(ranked_candidates(world.dispatcher, order))[world.engineer.pk]
    assert found.distance_kind == "straight" and found.distance_km == pytest.approx(10, abs=0.01)


def test_hidden_positions_are_never_shown(world, tenant, order):
    set_setting(tenant, "workorder.hide_position_user_ids", [world.engineer.pk])
    place(world.engineer, *north(0.2))
    hidden = by_id(ranked_candidates(world.dispatcher, order))[world.engineer.pk]
    assert hidden.distance_km is None and hidden.position_source == "hidden" and hidden.position is None
    assert "Position hidden" in hidden.reasons
    assert not any("km away" in r for r in hidden.reasons)


def test_load_today_and_this_week_lowers_the_rank(world, order):
    place(world.engineer, *north(1))
    place(world.engineer2, *north(1))
    today = timezone.now() + timedelta(minutes=30)
    for _ in range(2):
        busy = world.make_order(planned_at=today)
        order_actions.assign(actor=world.dispatcher, order=busy, assignee=world.engineer)
    found = by_id(ranked_candidates(world.dispatcher, order))
    busy, free = found[world.engineer.pk], found[world.engineer2.pk]
    assert busy.open_orders_today == 2 and busy.open_orders_week == 2
    assert "2 open orders today, 2 this week" in busy.reasons
    assert "0 open orders today, 0 this week" in free.reasons
    assert free.score > busy.score
    ids = [c.user_id for c in ranked_candidates(world.dispatcher, order)]
    assert ids.index(world.engineer2.pk) < ids.index(world.engineer.pk)


def test_a_planned_time_clash_is_a_reason_and_a_penalty(world):
    planned = timezone.now() + timedelta(days=2)
    order = world.make_order(planned_at=planned)
    near = world.make_order(planned_at=planned + timedelta(hours=1))
    far = world.make_order(planned_at=planned + timedelta(hours=5))
    order_actions.assign(actor=world.dispatcher, order=near, assignee=world.engineer)
    order_actions.assign(actor=world.dispatcher, order=far, assignee=world.engineer2)
    found = by_id(ranked_candidates(world.dispatcher, order))
    assert found[world.engineer.pk].clashes == 1 and found[world.engineer2.pk].clashes == 0
    assert "Planned-time clash: 1 open orders within 2 hours of this one" in found[world.engineer.pk].reasons
    assert found[world.engineer2.pk].score > found[world.engineer.pk].score


def test_the_loads_are_the_same_read_by_ids_or_for_the_whole_company(world, monkeypatch):
    from shouhou.workorders.queries import candidates as candidate_queries

    planned = timezone.now() + timedelta(minutes=30)
    order = world.make_order(planned_at=planned)
    for assignee, hours in ((world.engineer, 1), (world.engineer, 0), (world.engineer, 30), (world.engineer2, 0.5)):
        busy = world.make_order(planned_at=planned + timedelta(hours=hours))
        order_actions.assign(actor=world.dispatcher, order=busy, assignee=assignee)

    def loads():
        return [(c.user_id, c.open_orders_today, c.open_orders_week, c.clashes, c.score)
                for c in ranked_candidates(world.dispatcher, order)]

    by_ids = loads()
    monkeypatch.setattr(candidate_queries, "LOADS_BY_ID", 0)  # as for a company of thousands
    assert loads() == by_ids
    assert any(row[3] for row in by_ids) and any(row[2] for row in by_ids)


def test_statements_do_not_grow_with_the_number_of_people(world, tenant, owner, order):
    from shouhou.accounts import services as account_services

    account_services.save_team(actor=owner, team=world.team, name=world.team.name, latitude=str(north(3)[0]),
                               longitude=str(north(3)[1]))  # a located team: its members are read too

    def count():
        with CaptureQueriesContext(connection) as ctx:
            ranked = ranked_candidates(world.dispatcher, order)
        return len(ctx.captured_queries), len(ranked)

    place(world.engineer, *north(1))
    small, people = count()
    for n in range(6):
        user = make_user(tenant, roles=("engineer",), teams=[world.team], name=f"工程师{n}")
        place(user, *north(n + 2))
        busy = world.make_order()
        order_actions.assign(actor=world.dispatcher, order=busy, assignee=user)
    large, more = count()
    assert more == people + 6
    assert large == small
    assert small == PINNED_STATEMENTS


def test_skills_refuse_another_companys_ids(world, owner, other_company):
    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = skill_services.save_skill(actor=other_owner, name="外司技能")
    with pytest.raises(ValidationFailed):
        skill_services.set_user_skills(actor=owner, user=world.engineer, skill_ids=[foreign.pk])
    with pytest.raises(ValidationFailed):
        world.make_type(required_skill_ids=[foreign.pk])
    assert not world.engineer.skills.exists()


def test_skill_names_are_checked(owner, tenant):
    skill_services.save_skill(actor=owner, name="空调维修")
    for bad in ("", "  ", "空调维修", "a\x07b", "长" * 31):
        with pytest.raises(ValidationFailed):
            skill_services.save_skill(actor=owner, name=bad)


# --- API -------------------------------------------------------------------------------------------------------

def test_api_answers_the_ranking_in_its_shape(world, order):
    place(world.engineer, *north(2))
    response = api_client_for(world.dispatcher).get(f"/api/v1/work-orders/{order.pk}/candidates")
    assert response.status_code == 200
    rows = response.json()
    first = rows[0]
    assert set(first) >= {"user_id", "name", "score", "distance_km", "open_orders_today", "reasons"}
    assert first["user_id"] == world.engineer.pk and first["distance_km"] == pytest.approx(2, abs=0.01)
    assert all(isinstance(r, str) for r in first["reasons"])
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)


def test_api_another_companys_order_is_404(world, other_company):
    from shouhou.workorders.factories import WorkordersFactory

    other_tenant, other_owner = other_company
    with tenant_context(other_tenant):
        foreign = WorkordersFactory(other_owner).order()
    response = api_client_for(world.dispatcher).get(f"/api/v1/work-orders/{foreign.pk}/candidates")
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/api/v1/work-orders/0/candidates", "/api/v1/work-orders/99999999999999/candidates",
                                  "/api/v1/work-orders/1/candidates?q=" + "x" * 51])
def test_api_bad_input_is_refused(world, path):
    assert api_client_for(world.dispatcher).get(path).status_code in (400, 404)


def test_api_limit_answers_the_best_few_and_is_bounded(world, order):
    place(world.engineer, *north(2))
    client = api_client_for(world.dispatcher)
    everyone = client.get(f"/api/v1/work-orders/{order.pk}/candidates").json()
    assert len(everyone) >= 2
    best = client.get(f"/api/v1/work-orders/{order.pk}/candidates?limit=1").json()
    assert [row["user_id"] for row in best] == [everyone[0]["user_id"]] == [world.engineer.pk]
    for bad in ("0", "501", "-1", "x"):
        assert client.get(f"/api/v1/work-orders/{order.pk}/candidates?limit={bad}").status_code == 400


def test_api_search_narrows(world, order):
    response = api_client_for(world.dispatcher).get(f"/api/v1/work-orders/{order.pk}/candidates?q=工程师乙")
    assert [r["user_id"] for r in response.json()] == [world.engineer2.pk]


# --- the console's assign dialog and the phone's transfer picker -------------------------------------------------

def _positions_in(html, marker):
    return [int(part.split('"', 1)[0]) for part in html.split(marker)[1:]]


def test_the_assign_dialog_lists_the_ranking_with_reasons(world, tenant, order):
    from django.urls import reverse

    from shouhou.core.testing import client_for

    place(world.engineer, *north(8))
    place(world.engineer2, *north(1))
    set_setting(tenant, "workorder.hide_position_user_ids", [world.approver.pk])
    place(world.approver, *north(0.1))
    response = client_for(world.dispatcher).get(reverse("workorders:action_assign", args=[order.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    ids = _positions_in(html, 'data-user="')
    assert ids.index(world.engineer2.pk) < ids.index(world.engineer.pk)
    assert "1.0 km" in html and "1.0 km away (straight line, from the last reported position)" in html
    assert "Today 0 · This week 0" in html
    hidden = html.split(f'data-user="{world.approver.pk}"')[1].split("</label>")[0]
    assert "km" not in hidden and "Position hidden" in hidden


def test_assigning_from_the_ranking_assigns(world, order):
    from django.urls import reverse

    from shouhou.core.testing import client_for

    response = client_for(world.dispatcher).post(reverse("workorders:action_assign", args=[order.pk]), {
        "assignee": world.engineer2.pk, "expected_version": order.version, "note": ""})
    assert response.status_code in (200, 302)
    order.refresh_from_db()
    assert order.assignee_id == world.engineer2.pk


def test_the_phone_transfer_picker_uses_the_ranking(world, owner):
    from django.urls import reverse

    from shouhou.core.testing import client_for

    accounts = AccountsFactory(owner)
    skill = accounts.skill(name="空调维修", users=[world.engineer, world.engineer2])
    order = world.assigned(order_type=world.make_type(required_skill_ids=[skill.pk]))
    outsider = make_user(world.tenant, roles=("engineer",), teams=[world.team], name="无技能工程师")
    place(outsider, *north(0.1))
    place(world.engineer2, *north(3))
    response = client_for(world.engineer).get(reverse("mobile:transfer", args=[order.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    ids = _positions_in(html, 'data-user="')
    assert ids[0] == world.engineer2.pk and outsider.pk not in ids and world.engineer.pk not in ids
    assert "3.0 km away" in html


# --- required skills on the type editor's basic step -------------------------------------------------------------

@pytest.fixture
def two_skills(owner):
    accounts = AccountsFactory(owner)
    return accounts.skill(name="空调维修"), accounts.skill(name="高压电工证")


def test_the_type_editor_sets_required_skills(world, two_skills):
    aircon, high_voltage = two_skills
    order_type = world.make_type()
    admin = _client(world.owner)
    page = admin.get(reverse("workorders:type_form", args=[order_type.pk])).content.decode()
    assert f'name="required_skill_ids" value="{aircon.pk}"' in page
    response = admin.post(reverse("workorders:type_form", args=[order_type.pk]), {
        "name": order_type.name, "color": "#1677ff", "is_enabled": "on", "required_skill_ids": [high_voltage.pk]})
    assert response.status_code == 302
    assert list(order_type.required_skills.all()) == [high_voltage]


def test_deleting_a_skill_takes_it_from_people_and_types(world, two_skills):
    aircon, _high = two_skills
    skill_services.set_user_skills(actor=world.owner, user=world.engineer, skill_ids=[aircon.pk])
    order_type = world.make_type(required_skill_ids=[aircon.pk])
    response = _client(world.owner).post(reverse("accounts:skill_delete", args=[aircon.pk]))
    assert response.status_code == 302
    assert not world.engineer.skills.exists() and not order_type.required_skills.exists()


def _client(user):
    from shouhou.core.testing import client_for

    return client_for(user)


def test_assigning_someone_missing_a_required_skill_is_refused(world, owner):
    from .test_services import assert_refused

    skill = AccountsFactory(owner).skill(name="空调维修", users=[world.engineer])
    order = world.make_order(world.make_type(required_skill_ids=[skill.pk]))
    assert_refused(order, ValidationFailed, lambda: order_actions.assign(
        actor=world.dispatcher, order=order, assignee=world.engineer2))
    assert order_actions.assign(actor=world.dispatcher, order=order, assignee=world.engineer).assignee_id == \
        world.engineer.pk


def test_everyone_is_ranked_and_the_best_are_answered_whatever_their_names(world, tenant, order, monkeypatch):
    """The cap applies to the answer, not to whom is ranked: the nearest person is first even when more
    people than the cap sort before him by name (bench/candidates.py: 2,000 engineers)."""
    from shouhou.workorders.queries import candidates as candidate_queries

    monkeypatch.setattr(candidate_queries, "MAX_CANDIDATES", 2)
    for n in range(3):
        place(make_user(tenant, roles=("engineer",), teams=[world.team], name=f"A工程师{n}"), *north(30 + n))
    nearest = make_user(tenant, roles=("engineer",), teams=[world.team], name="Z工程师")
    place(nearest, *north(1))
    ranked = ranked_candidates(world.dispatcher, order)
    assert len(ranked) == 2 and ranked[0].user_id == nearest.pk
    assert ranked_candidates(world.dispatcher, order, limit=1)[0].user_id == nearest.pk


def test_answered_people_are_users_with_their_work_status_and_no_lazy_loads(world, owner, order):
    from shouhou.accounts import services as account_services

    busy = AccountsFactory(owner).work_status(name="忙碌")
    account_services.set_work_status(user=world.engineer, status_id=busy.pk)
    found = by_id(ranked_candidates(world.dispatcher, order))[world.engineer.pk]
    with CaptureQueriesContext(connection) as ctx:
        assert (found.user.name, found.user.phone, found.user.work_status.name) == (
            world.engineer.name, world.engineer.phone, "忙碌")
        assert found.work_status == "忙碌" and found.name == world.engineer.name
    assert not ctx.captured_queries
