"""The team switches of ACC-06 on the accounts side: who the people pickers of work orders list when
选择人员时隐藏非团队内成员 (team.hide_non_members) is on, and what the team page says the switches do.
(The work-order side — assignee candidates, refusals, the API — is in workorders/tests/test_team_switches.py.)"""

import html

from django.urls import reverse

from shouhou.accounts import queries
from shouhou.accounts.forms import TeamForm
from shouhou.accounts.models import User
from shouhou.accounts.views_teams import TEAM_TOGGLES
from shouhou.core import company_settings
from shouhou.core.company_settings import update_settings
from shouhou.core.tenancy import tenant_context
from shouhou.core.testing import client_for, make_team, make_user


def names(users):
    return {user.name for user in users}


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_hide_non_members_limits_the_work_order_pickers_to_the_own_teams(tenant, owner, other_company):
    region = make_team(tenant, name="华东")
    city = make_team(tenant, name="上海", parent=region)
    elsewhere = make_team(tenant, name="华北")
    leader = make_user(tenant, roles=("team_admin",), name="华东主管")
    region.leaders.add(leader)
    member = make_user(tenant, teams=[region], name="华东工程师")
    sub_member = make_user(tenant, teams=[city], name="上海工程师")
    outsider = make_user(tenant, teams=[elsewhere], name="华北工程师")
    loner = make_user(tenant, name="无团队")
    make_user(tenant, teams=[region], name="停用工程师", is_active=False)
    other_tenant, _other_owner = other_company
    with tenant_context(other_tenant):
        stranger = make_user(other_tenant, teams=[make_team(other_tenant, name="华东")], name="外司工程师")

    everyone = {"华东主管", "华东工程师", "上海工程师", "华北工程师", "无团队", owner.name}
    assert not queries.hides_non_members(member)
    assert names(queries.team_pickable_users(member)) == everyone  # the switch off: nothing changes

    update_settings(actor=owner, values={"team.hide_non_members": True})
    assert queries.hides_non_members(member) and not queries.hides_non_members(owner)
    assert names(queries.team_pickable_users(fresh(leader))) == {"华东主管", "华东工程师", "上海工程师"}
    assert names(queries.team_pickable_users(fresh(member))) == {"华东主管", "华东工程师", "上海工程师"}
    assert names(queries.team_pickable_users(fresh(sub_member))) == {"上海工程师"}  # sub-teams only go down
    assert names(queries.team_pickable_users(fresh(outsider))) == {"华北工程师"}
    assert names(queries.team_pickable_users(fresh(loner))) == {"无团队"}  # himself, nobody else
    assert names(queries.team_pickable_users(owner)) == everyone  # work-order data scope "all"
    for actor in (leader, member, outsider, owner):
        assert stranger.pk not in {user.pk for user in queries.team_pickable_users(fresh(actor))}
    # the other pickers (team members, owners, approvers) keep listing the whole company
    assert names(queries.pickable_users(fresh(member))) == everyone
    team_form = TeamForm(actor=fresh(leader), team=region)
    assert {label.split(" · ")[0] for _pk, label in team_form.fields["member_ids"].choices} == everyone


def test_the_team_page_says_what_the_switches_do(tenant, owner):
    page = client_for(owner).get(reverse("accounts:teams"))
    assert page.status_code == 200
    body = html.unescape(page.content.decode())
    for key, label, help_text in TEAM_TOGGLES:
        assert key in company_settings.REGISTRY
        assert str(label) in body and str(help_text) in body
    helps = {key: str(help_text) for key, _label, help_text in TEAM_TOGGLES}
    assert "service team" in helps["team.dispatch_by_team"] and "sub-teams" in helps["team.dispatch_by_team"]
    assert "collaborator" in helps["team.hide_non_members"] and "All" in helps["team.hide_non_members"]
