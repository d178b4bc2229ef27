"""Scoped reads of accounts, teams and roles (architecture §4–6)."""

from django.db.models import Count, Q

from shouhou.core import company_settings, permissions

from .models import ApiToken, Role, Team, User, WorkStatus


def visible_users(actor):
    """Users of the actor's company within their `account` data scope."""
    condition = permissions.scope_filter(
        actor, "account",
        own=lambda user: Q(pk=user.pk),
        team=lambda team_ids: Q(teams__in=team_ids) | Q(led_teams__in=team_ids),
    )
    qs = User.objects.for_tenant().filter(condition)
    if permissions.data_scope(actor, "account") == permissions.SCOPE_TEAM:
        qs = qs.distinct()
    return qs.select_related("work_status")


def pickable_users(actor):
    """Active colleagues anyone may pick (owners, approvers, team members …): not scope-limited.
    The engineer and collaborator pickers of work orders use `team_pickable_users`."""
    return User.objects.for_tenant().filter(is_active=True).select_related("work_status")


def members_of(team_ids):
    """Ids (a subquery) of the members and leaders of these teams."""
    return User.objects.filter(Q(teams__in=team_ids) | Q(led_teams__in=team_ids)).values("pk")


def hides_non_members(actor, module="workorder"):
    """选择人员时隐藏非团队内成员 (team.hide_non_members, ACC-06) applies to the actor: the switch is on and
    their data scope of the module is not "all" (administrators keep seeing everyone)."""
    return bool(company_settings.get("team.hide_non_members")) and (
        permissions.data_scope(actor, module) != permissions.SCOPE_ALL)


def limit_to_own_teams(actor, users, module="workorder"):
    """`users` narrowed to the actor and the members of the actor's teams (and sub-teams) when
    team.hide_non_members applies to the actor; unchanged (no query) otherwise."""
    if not hides_non_members(actor, module):
        return users
    return users.filter(Q(pk=actor.pk) | Q(pk__in=members_of(permissions.user_team_ids(actor))))


def team_pickable_users(actor):
    """The people of the engineer and collaborator pickers of work orders: pickable_users, limited to the
    actor's own teams by team.hide_non_members (a form adds the people already on its record itself)."""
    return limit_to_own_teams(actor, pickable_users(actor))


def teams(actor):
    return Team.objects.all().prefetch_related("leaders").annotate(member_count=Count("members", distinct=True))


def team_tree(actor):
    """[(team, depth)] in tree order."""
    rows = list(teams(actor))
    children = {}
    for team in rows:
        children.setdefault(team.parent_id, []).append(team)
    ordered = []

    def walk(parent_id, depth):
        for team in children.get(parent_id, []):
            ordered.append((team, depth))
            walk(team.pk, depth + 1)

    walk(None, 0)
    return ordered


def roles(actor):
    return Role.objects.all().annotate(user_count=Count("users", distinct=True))


def work_statuses():
    return WorkStatus.objects.all()


def tokens_of(user):
    return ApiToken.objects.filter(user=user)


def role_member_counts(actor, users=None):
    """{role id: number of the given users (default: those the actor sees) holding it}."""
    users = visible_users(actor) if users is None else users
    rows = (User.objects.for_tenant().filter(pk__in=users.values("pk"), roles__isnull=False)
            .values("roles").annotate(n=Count("pk", distinct=True)))
    return {row["roles"]: row["n"] for row in rows}


def login_history(user, limit=20):
    """The user's latest sign-ins and failed attempts (the login log of SYS-13)."""
    from shouhou.core.audit import SystemLog

    return SystemLog.objects.filter(kind=SystemLog.Kind.LOGIN, user=user).order_by("-created_at", "-id")[:limit]


def account_activity(users, date_from=None, date_to=None):
    """Timeline entries about these users (a scoped queryset), oldest first; each entry carries the
    `account` and `account_name` of the user it is about."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import BigIntegerField, CharField, OuterRef, Subquery
    from django.db.models.functions import Cast

    from shouhou.core.models import Activity

    ids = users.order_by().annotate(id_text=Cast("pk", CharField())).values("id_text")
    subject = User.objects.filter(pk=Cast(OuterRef("object_id"), BigIntegerField()))
    entries = (Activity.objects.filter(content_type=ContentType.objects.get_for_model(User), object_id__in=ids)
               .annotate(account=Subquery(subject.values("account")[:1]),
                         account_name=Subquery(subject.values("name")[:1]))
               .select_related("actor").order_by("created_at", "id"))
    if date_from:
        entries = entries.filter(created_at__date__gte=date_from)
    if date_to:
        entries = entries.filter(created_at__date__lte=date_to)
    return entries.iterator(chunk_size=2000)


# --- the "user" reference kind of the form engine (moved from core's kinds/references.py in issue 9) -----

def _users(ids):
    return User.objects.for_tenant().filter(pk__in=ids)


def _active_users():
    return User.objects.for_tenant().filter(is_active=True).order_by("name", "id")


def match_users(texts):
    """{text: [ids]}: users by name, mobile phone or account within the active company (Excel import)."""
    found = {text: [] for text in texts}
    rows = User.objects.for_tenant().filter(Q(name__in=texts) | Q(phone__in=texts) | Q(account__in=texts))
    for user in rows.only("id", "name", "phone", "account"):
        for text in {user.name, user.phone, user.account} & set(texts):
            if user.pk not in found[text]:
                found[text].append(user.pk)
    return found


def register_user_reference():
    """Fields of kind "user" choose among the company's users, as far as the editor may pick them."""
    from shouhou.core.forms_engine import register_reference_kind

    register_reference_kind("user", _users, label=lambda user: user.name, match=match_users, choices=_active_users,
                            visible=pickable_users)
