"""REST API of sign-in, the signed-in user, accounts, teams, roles and work statuses (architecture §11).

Every endpoint is thin: parse the request, call a service (writes) or a query (reads), render.
The guide with examples is docs/api.md.
"""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.contrib.auth import logout as django_logout
from django.contrib.auth import update_session_auth_hash
from django.db import transaction
from django.db.models import Q
from ninja import Query, Router, Schema, Status
from pydantic import Field

from shouhou.core import permissions
from shouhou.core.api_types import Flag, Id, NonBlank
from shouhou.core.api_utils import ERRORS, PageQuery, idempotent, page_of, paginate
from shouhou.core.errors import NotFound
from shouhou.core.permissions import get_visible_or_404
from shouhou.core.tenancy import tenant_context

from . import queries, services
from .skills import resolve_skills, set_user_skills
from .skills import skills as skill_list

LOGIN_TOKEN_DAYS = 30  # a token from /auth/login expires after this; personal tokens may not

router = Router()
auth_router = Router(tags=["auth"])
me_router = Router(tags=["me"])
users_router = Router(tags=["users"])
teams_router = Router(tags=["teams"])
roles_router = Router(tags=["roles"])
meta_router = Router(tags=["reference"])


# --- schemas ------------------------------------------------------------------------------------

class RefOut(Schema):
    id: int
    name: str


class WorkStatusOut(Schema):
    id: int
    name: str
    color: str
    sort_order: int


class UserOut(Schema):
    id: int
    name: str
    account: str
    phone: str | None
    email: str | None
    service_phone: str
    job_title: str
    is_active: bool
    is_tenant_owner: bool
    is_locked: bool
    work_status: WorkStatusOut | None
    roles: list[RefOut]
    teams: list[RefOut]
    skills: list[RefOut] = Field(description="Skills and certificates (技能); a type's required skills pick candidates")
    last_login: datetime | None
    created_at: datetime


class CompanyOut(Schema):
    id: int
    name: str
    short_name: str
    slug: str


class MeOut(UserOut):
    language: str
    company: CompanyOut
    permissions: list[str]
    scopes: dict[str, str]

    @staticmethod
    def resolve_company(user):
        return user.tenant

    @staticmethod
    def resolve_permissions(user):
        return sorted(code for code in permissions.all_codes() if permissions.has_perm(user, code))

    @staticmethod
    def resolve_scopes(user):
        scopes = {module.key: permissions.data_scope(user, module.key)
                  for module in permissions.modules_in_order() if module.scoped}
        return {key: scope for key, scope in scopes.items() if scope is not None}


class LoginIn(Schema):
    username: str = Field(max_length=254, description="Mobile phone or e-mail")
    password: str = Field(max_length=128)


class LoginOut(Schema):
    token: str
    expires_at: datetime | None
    user: MeOut


class MePatchIn(Schema):
    work_status_id: Id | None = None
    language: Literal[tuple(code for code, _name in settings.LANGUAGES)] | None = None


class PasswordChangeIn(Schema):
    old_password: str = Field(max_length=128)
    new_password: str = Field(max_length=128)


class UserFilters(PageQuery):
    q: str | None = Field(None, max_length=100, description="Part of the name, mobile phone or e-mail")
    role_id: Id | None = None
    team_id: Id | None = None
    is_active: bool | None = None


class UserCreateIn(Schema):
    name: NonBlank = Field(max_length=50)
    phone: str = Field("", max_length=20)
    email: str = Field("", max_length=254)
    password: str = Field("", max_length=128, description="Empty: the user cannot log in until reset")
    service_phone: str = Field("", max_length=30)
    job_title: str = Field("", max_length=50)
    role_ids: list[Id] = []
    team_ids: list[Id] = []
    skill_ids: list[Id] = Field([], max_length=200, description="The company's skills (GET /api/v1/skills)")
    is_active: Flag = True


class UserPatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=20)
    email: str | None = Field(None, max_length=254)
    service_phone: str | None = Field(None, max_length=30)
    job_title: str | None = Field(None, max_length=50)
    skill_ids: list[Id] | None = Field(None, max_length=200, description="Replaces the skills; omit to keep them")


class PasswordResetIn(Schema):
    new_password: str | None = Field(None, max_length=128, description="Empty: generate one")


class PasswordResetOut(Schema):
    password: str | None = Field(description="The generated password, shown once; null if one was given")


class BulkRolesIn(Schema):
    user_ids: list[Id] = Field(min_length=1, max_length=500)
    role_ids: list[Id] = []
    mode: Literal["add", "remove", "set"] = "add"


class BulkTeamsIn(Schema):
    user_ids: list[Id] = Field(min_length=1, max_length=500)
    team_ids: list[Id] = []
    mode: Literal["add", "remove", "set"] = "add"


class BulkOut(Schema):
    updated: int


class TeamOut(Schema):
    id: int
    name: str
    parent_id: int | None
    depth: int
    leaders: list[RefOut]
    member_count: int
    service_phone: str
    area: str
    address: str
    latitude: Decimal | None
    longitude: Decimal | None
    sort_order: int

    @staticmethod
    def resolve_depth(team):
        depth = getattr(team, "tree_depth", None)
        return depth if depth is not None else len(team.ancestors())


class TeamDetailOut(TeamOut):
    members: list[RefOut]


class TeamFilters(PageQuery):
    q: str | None = Field(None, max_length=100, description="Part of the team name")


class TeamIn(Schema):
    name: NonBlank = Field(max_length=50)
    parent_id: Id | None = None
    leader_ids: list[Id] = []
    member_ids: list[Id] = []
    service_phone: str = Field("", max_length=30)
    area: str = Field("", max_length=200)
    address: str = Field("", max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


class TeamPatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=50)
    parent_id: Id | None = None
    leader_ids: list[Id] | None = None
    member_ids: list[Id] | None = None
    service_phone: str | None = Field(None, max_length=30)
    area: str | None = Field(None, max_length=200)
    address: str | None = Field(None, max_length=200)
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)


class TeamMembersIn(Schema):
    user_ids: list[Id] = Field(min_length=1)


class RoleOut(Schema):
    id: int
    name: str
    description: str
    system_key: str
    is_system: bool
    user_count: int
    permissions: list[str]
    scopes: dict[str, str]
    sort_order: int


class RoleIn(Schema):
    name: NonBlank = Field(max_length=50)
    description: str = Field("", max_length=500)
    permissions: list[str] = []
    scopes: dict[str, str] = {}


class RolePatchIn(Schema):
    name: NonBlank | None = Field(None, max_length=50)
    description: str | None = Field(None, max_length=500)
    permissions: list[str] | None = None
    scopes: dict[str, str] | None = None


class ActionOut(Schema):
    code: str
    key: str
    label: str


class ModuleOut(Schema):
    key: str
    label: str
    scoped: bool
    actions: list[ActionOut]


class ChoiceOut(Schema):
    key: str
    label: str


class PermissionRegistryOut(Schema):
    modules: list[ModuleOut]
    scopes: list[ChoiceOut]


# --- sign-in and the signed-in user -------------------------------------------------------------

@auth_router.post("/login", auth=None, response={200: LoginOut, **ERRORS})
def login(request, payload: LoginIn):
    """Exchange a mobile phone or e-mail and password for a Bearer token. Repeated failures lock the
    account for a while (429)."""
    user = services.login(request=request, username=payload.username, password=payload.password)
    with tenant_context(user.tenant):
        token, key = services.create_api_token(user=user, name="login", days=LOGIN_TOKEN_DAYS)
        return LoginOut.model_validate({"token": key, "expires_at": token.expires_at, "user": user})


@auth_router.post("/logout", response={204: None, **ERRORS})
def logout(request):
    """Revoke the Bearer token of this request, or end the console session."""
    key = _bearer_key(request)
    if key is None:
        django_logout(request)
        return Status(204, None)
    token = queries.tokens_of(request.auth).filter(key_hash=services.hash_token(key)).first()
    if token is not None:
        services.revoke_api_token(user=request.auth, token_id=token.pk)
    return Status(204, None)


def _bearer_key(request):
    scheme, _space, key = request.headers.get("Authorization", "").partition(" ")
    return key.strip() if scheme.lower() == "bearer" and key.strip() else None


@me_router.get("", response={200: MeOut, **ERRORS})
def me(request):
    return request.auth


@me_router.patch("", response={200: MeOut, **ERRORS})
def update_me(request, payload: MePatchIn):
    """Change your own work status (ACC-05) or language."""
    changes = payload.dict(exclude_unset=True)
    with transaction.atomic():
        if "work_status_id" in changes:
            services.set_work_status(user=request.auth, status_id=changes["work_status_id"])
        if "language" in changes:
            services.set_language(user=request.auth, language=changes["language"])
    return request.auth


@me_router.post("/password", response={204: None, **ERRORS})
def change_password(request, payload: PasswordChangeIn):
    services.change_own_password(user=request.auth, old_password=payload.old_password,
                                 new_password=payload.new_password)
    if _bearer_key(request) is None:
        update_session_auth_hash(request, request.auth)  # keep this console session signed in
    return Status(204, None)


# --- users --------------------------------------------------------------------------------------

def _visible_users(actor):
    permissions.require(actor, "account.view")
    return queries.visible_users(actor).prefetch_related("roles", "teams", "skills")


def _visible_user(actor, user_id):
    return get_visible_or_404(_visible_users(actor), pk=user_id)


def _users_by_ids(actor, user_ids):
    """The actor's visible users with these ids; an unknown or out-of-scope id is a 404."""
    users = list(_visible_users(actor).filter(pk__in=set(user_ids)))
    if len(users) != len(set(user_ids)):
        raise NotFound()
    return users


@users_router.get("", response={200: page_of(UserOut), **ERRORS})
def list_users(request, filters: Query[UserFilters]):
    """Accounts within your data scope, oldest first. Filters combine with AND."""
    users = _visible_users(request.auth)
    if filters.q:
        users = users.filter(Q(name__icontains=filters.q) | Q(phone__contains=filters.q)
                             | Q(email__icontains=filters.q))
    if filters.role_id is not None:
        users = users.filter(roles=filters.role_id)
    if filters.team_id is not None:
        users = users.filter(teams=filters.team_id)
    if filters.is_active is not None:
        users = users.filter(is_active=filters.is_active)
    return paginate(users.distinct(), filters)


@users_router.post("", response={201: UserOut, **ERRORS})
@idempotent(UserOut)
def create_user(request, payload: UserCreateIn):
    values = payload.dict()
    skill_ids = values.pop("skill_ids")
    with transaction.atomic():
        skills = resolve_skills(skill_ids)
        user = services.create_user(actor=request.auth, request=request, **values)
        user.skills.set(skills)
    return Status(201, user)


@users_router.get("/{int:user_id}", response={200: UserOut, **ERRORS})
def get_user(request, user_id: Id):
    return _visible_user(request.auth, user_id)


@users_router.patch("/{int:user_id}", response={200: UserOut, **ERRORS})
def update_user(request, user_id: Id, payload: UserPatchIn):
    user = _visible_user(request.auth, user_id)
    values = payload.dict(exclude_unset=True)
    skill_ids = values.pop("skill_ids", None)
    with transaction.atomic():
        services.update_user(actor=request.auth, user=user, request=request, **values)
        if skill_ids is not None:
            set_user_skills(actor=request.auth, user=user, skill_ids=skill_ids, request=request)
    return _visible_user(request.auth, user_id)


@users_router.post("/{int:user_id}/disable", response={200: UserOut, **ERRORS})
def disable_user(request, user_id: Id):
    user = _visible_user(request.auth, user_id)
    services.set_active(actor=request.auth, users=[user], active=False, request=request)
    return _visible_user(request.auth, user_id)


@users_router.post("/{int:user_id}/enable", response={200: UserOut, **ERRORS})
def enable_user(request, user_id: Id):
    user = _visible_user(request.auth, user_id)
    services.set_active(actor=request.auth, users=[user], active=True, request=request)
    return _visible_user(request.auth, user_id)


@users_router.post("/{int:user_id}/reset-password", response={200: PasswordResetOut, **ERRORS})
def reset_password(request, user_id: Id, payload: PasswordResetIn | None = None):
    """Set the password you send, or a generated one that is returned once. Also lifts a lockout."""
    user = _visible_user(request.auth, user_id)
    chosen = payload.new_password if payload is not None else None
    password = services.reset_password(actor=request.auth, user=user, new_password=chosen, request=request)
    return {"password": None if chosen else password}


@users_router.post("/bulk/roles", response={200: BulkOut, **ERRORS})
def bulk_roles(request, payload: BulkRolesIn):
    """Add, remove or replace (`set`) the roles of several accounts at once."""
    users = _users_by_ids(request.auth, payload.user_ids)
    services.assign_roles(actor=request.auth, users=users, role_ids=payload.role_ids, mode=payload.mode,
                          request=request)
    return {"updated": len(users)}


@users_router.post("/bulk/teams", response={200: BulkOut, **ERRORS})
def bulk_teams(request, payload: BulkTeamsIn):
    """Add, remove or replace (`set`) the teams of several accounts at once."""
    users = _users_by_ids(request.auth, payload.user_ids)
    services.assign_teams(actor=request.auth, users=users, team_ids=payload.team_ids, mode=payload.mode,
                          request=request)
    return {"updated": len(users)}


# --- teams --------------------------------------------------------------------------------------

def _teams(actor):
    permissions.require(actor, "team.view")
    return queries.teams(actor)


def _team(actor, team_id):
    return get_visible_or_404(_teams(actor).prefetch_related("members"), pk=team_id)


@teams_router.get("", response={200: page_of(TeamOut), **ERRORS})
def list_teams(request, filters: Query[TeamFilters]):
    """All teams in tree order (a parent before its sub-teams); `depth` 0 is a top-level team."""
    permissions.require(request.auth, "team.view")
    tree = queries.team_tree(request.auth)
    for team, depth in tree:
        team.tree_depth = depth
    teams = [team for team, _depth in tree if not filters.q or filters.q.lower() in team.name.lower()]
    return paginate(teams, filters)


@teams_router.post("", response={201: TeamDetailOut, **ERRORS})
@idempotent(TeamDetailOut)
def create_team(request, payload: TeamIn):
    team = services.save_team(actor=request.auth, request=request, **payload.dict())
    return Status(201, _team(request.auth, team.pk))


@teams_router.get("/{int:team_id}", response={200: TeamDetailOut, **ERRORS})
def get_team(request, team_id: Id):
    return _team(request.auth, team_id)


@teams_router.patch("/{int:team_id}", response={200: TeamDetailOut, **ERRORS})
def update_team(request, team_id: Id, payload: TeamPatchIn):
    """Change the fields you send; `leader_ids` and `member_ids` replace the lists."""
    team = _team(request.auth, team_id)
    current = {
        "name": team.name, "parent_id": team.parent_id, "service_phone": team.service_phone,
        "area": team.area, "address": team.address, "latitude": team.latitude, "longitude": team.longitude,
        "leader_ids": [user.pk for user in team.leaders.all()],
        "member_ids": [user.pk for user in team.members.all()],
    }
    services.save_team(actor=request.auth, team=team, request=request,
                       **{**current, **payload.dict(exclude_unset=True)})
    return _team(request.auth, team_id)


@teams_router.delete("/{int:team_id}", response={204: None, **ERRORS})
def delete_team(request, team_id: Id):
    services.delete_team(actor=request.auth, team=_team(request.auth, team_id), request=request)
    return Status(204, None)


@teams_router.post("/{int:team_id}/members", response={200: TeamDetailOut, **ERRORS})
def add_team_members(request, team_id: Id, payload: TeamMembersIn):
    services.add_team_members(actor=request.auth, team=_team(request.auth, team_id), user_ids=payload.user_ids)
    return _team(request.auth, team_id)


@teams_router.delete("/{int:team_id}/members/{int:user_id}", response={204: None, **ERRORS})
def remove_team_member(request, team_id: Id, user_id: Id):
    services.remove_team_member(actor=request.auth, team=_team(request.auth, team_id), user_id=user_id)
    return Status(204, None)


# --- roles and the permission registry ----------------------------------------------------------

def _roles(actor):
    permissions.require(actor, "role.view")
    return queries.roles(actor)


def _role(actor, role_id):
    return get_visible_or_404(_roles(actor), pk=role_id)


@roles_router.get("", response={200: page_of(RoleOut), **ERRORS})
def list_roles(request, filters: Query[PageQuery]):
    """System roles first, then custom roles."""
    return paginate(_roles(request.auth), filters)


@roles_router.post("", response={201: RoleOut, **ERRORS})
@idempotent(RoleOut)
def create_role(request, payload: RoleIn):
    role = services.save_role(actor=request.auth, name=payload.name, description=payload.description,
                              permission_codes=payload.permissions, scopes=payload.scopes, request=request)
    return Status(201, _role(request.auth, role.pk))


@roles_router.get("/{int:role_id}", response={200: RoleOut, **ERRORS})
def get_role(request, role_id: Id):
    return _role(request.auth, role_id)


@roles_router.patch("/{int:role_id}", response={200: RoleOut, **ERRORS})
def update_role(request, role_id: Id, payload: RolePatchIn):
    """Change the fields you send. `permissions` replaces the codes; `scopes` replaces the data scopes."""
    role = _role(request.auth, role_id)
    changes = {field: value for field, value in payload.dict(exclude_unset=True).items() if value is not None}
    grants = {}
    if "permissions" in changes or "scopes" in changes:
        grants = {"permission_codes": changes.get("permissions", role.permissions),
                  "scopes": changes.get("scopes", role.scopes)}
    services.save_role(actor=request.auth, role=role, request=request, name=changes.get("name", role.name),
                       description=changes.get("description", role.description), **grants)
    return _role(request.auth, role_id)


@roles_router.delete("/{int:role_id}", response={204: None, **ERRORS})
def delete_role(request, role_id: Id):
    """Delete a custom role; system roles are refused (400)."""
    services.delete_role(actor=request.auth, role=_role(request.auth, role_id), request=request)
    return Status(204, None)


@roles_router.post("/{int:role_id}/reset", response={200: RoleOut, **ERRORS})
def reset_role(request, role_id: Id):
    """Give a system role its default permissions and data scopes again."""
    services.reset_role(actor=request.auth, role=_role(request.auth, role_id), request=request)
    return _role(request.auth, role_id)


@meta_router.get("/permissions", response={200: PermissionRegistryOut, **ERRORS})
def permission_registry(request):
    """Every module with its actions and whether it has a data scope, to draw the permission matrix."""
    modules = [
        {"key": module.key, "label": str(module.label), "scoped": module.scoped,
         "actions": [{"code": f"{module.key}.{key}", "key": key, "label": str(label)}
                     for key, label in module.actions.items()]}
        for module in permissions.modules_in_order()
    ]
    scopes = [{"key": key, "label": str(label)} for key, label in permissions.SCOPE_CHOICES]
    return {"modules": modules, "scopes": scopes}


@meta_router.get("/work-statuses", response={200: page_of(WorkStatusOut), **ERRORS})
def list_work_statuses(request, filters: Query[PageQuery]):
    """The company's work statuses in their order (SYS-11)."""
    return paginate(queries.work_statuses(), filters)


class SkillOut(Schema):
    id: int
    name: str
    sort_order: int


@meta_router.get("/skills", response={200: page_of(SkillOut), **ERRORS})
def list_skills(request, filters: Query[PageQuery]):
    """The company's skills and certificates (技能) in their order; people have them (`skill_ids` of a user),
    work-order types require them."""
    return paginate(skill_list(), filters)


router.add_router("/auth", auth_router)
router.add_router("/me", me_router)
router.add_router("/users", users_router)
router.add_router("/teams", teams_router)
router.add_router("/roles", roles_router)
router.add_router("", meta_router)
