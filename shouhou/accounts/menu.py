"""Navigation entries and home counters of accounts, teams and roles (GEN-04)."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.core.navigation import register_home_counter, register_nav, register_shell_value

from . import queries, sessions

register_nav("accounts", pgettext_lazy("navigation", "Accounts"), "accounts:users", perm="account.view", order=10)
register_nav("accounts", pgettext_lazy("navigation", "Teams"), "accounts:teams", perm="team.view", order=20)
register_nav("accounts", pgettext_lazy("navigation", "Roles"), "accounts:roles", perm="role.view", order=30)
register_nav("accounts", pgettext_lazy("navigation", "Skills"), "accounts:skills", perm="account.view", order=40)


def my_team_count(user):
    """The user's own teams (member or leader), without their sub-teams."""
    Team = user.teams.model
    return Team.objects.filter(Q(members=user) | Q(leaders=user)).values("pk").distinct().count()  # one statement


def active_account_count(user):
    return queries.visible_users(user).filter(is_active=True).count()


def unassigned_account_count(user):
    return queries.visible_users(user).filter(roles__isnull=True).count()


register_home_counter("my_teams", _("My teams"), my_team_count, "accounts:teams", perm="team.view",
                      order=80, icon="bi-diagram-3", hide_zero=True)
# 启用的账号: a figure for those who administer accounts (every role may view colleagues; an engineer's "1" is
# himself and says nothing)
register_home_counter("accounts", _("Active accounts"), active_account_count, "accounts:users",
                      perm="account.edit", order=81, icon="bi-person-badge")
register_home_counter("unassigned_accounts", _("Unassigned accounts"), unassigned_account_count,
                      "accounts:users_unassigned", perm="role.manage", order=82, icon="bi-person-exclamation")


def work_status_choices(request):
    """The header's work-status menu: loaded with the session (accounts.sessions), else read."""
    loaded = sessions.preloaded_work_statuses(request.user)
    return loaded if loaded is not None else list(queries.work_statuses())


register_shell_value("work_status_choices", work_status_choices)
