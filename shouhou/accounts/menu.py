"""Navigation entries and home counters of accounts, teams and roles (GEN-04)."""

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
    return len(set(user.teams.values_list("pk", flat=True)) | set(user.led_teams.values_list("pk", flat=True)))


def active_account_count(user):
    return queries.visible_users(user).filter(is_active=True).count()


def unassigned_account_count(user):
    return queries.visible_users(user).filter(roles__isnull=True).count()


register_home_counter("my_teams", _("My teams"), my_team_count, "accounts:teams", perm="team.view",
                      order=80, icon="bi-diagram-3")
register_home_counter("accounts", _("Active accounts"), active_account_count, "accounts:users",
                      perm="account.view", order=81, icon="bi-person-badge")
register_home_counter("unassigned_accounts", _("Unassigned accounts"), unassigned_account_count,
                      "accounts:users_unassigned", perm="role.manage", order=82, icon="bi-person-exclamation")


def work_status_choices(request):
    """The header's work-status menu: loaded with the session (accounts.sessions), else read."""
    loaded = sessions.preloaded_work_statuses(request.user)
    return loaded if loaded is not None else list(queries.work_statuses())


register_shell_value("work_status_choices", work_status_choices)
