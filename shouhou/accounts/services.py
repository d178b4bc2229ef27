"""Every write to accounts, teams, roles, work statuses and tokens (architecture §4)."""

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import outbox, permissions, timeline
from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import DomainError, NotFound, PermissionDenied, QuotaExceeded, ValidationFailed
from shouhou.core.tenancy import require_tenant
from shouhou.core.validators import normalize_phone, validate_mobile

from . import policy
from . import roles as system_roles
from .models import ApiToken, Role, Team, User, WorkStatus
from .roles import SYSTEM_ROLES

DEFAULT_WORK_STATUSES = [("工作中", "#52c41a"), ("非常忙碌", "#fa8c16"), ("休假中", "#8c8c8c"), ("勿扰模式", "#f5222d")]
USER_FIELDS = ["name", "phone", "email", "service_phone", "job_title"]


# --- tenant defaults ----------------------------------------------------------------------------

def install_tenant_defaults(tenant):
    """System roles and work statuses every company starts with. Idempotent."""
    sync_system_roles()
    if not WorkStatus.objects.exists():
        for index, (name, color) in enumerate(DEFAULT_WORK_STATUSES):
            WorkStatus.objects.create(tenant=tenant, name=name, color=color, sort_order=index)


def sync_system_roles():
    """Create missing system roles; give existing ones the defaults of modules added since.

    Names are stored in the company's language (Chinese), whatever language the request that
    created the company was in; companies rename roles freely afterwards."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        _sync_system_roles()


def _sync_system_roles():
    existing = {role.system_key: role for role in Role.objects.exclude(system_key="")}
    for index, (key, label) in enumerate(SYSTEM_ROLES):
        codes, scopes = permissions.default_grants(key)
        role = existing.get(key)
        if role is None:
            Role.objects.create(name=str(label), description=system_roles.describe(key), system_key=key,
                                permissions=sorted(codes), scopes=scopes,
                                known_modules=sorted(permissions.MODULES), sort_order=index)
            continue
        fields = []
        new_modules = set(permissions.MODULES) - set(role.known_modules)
        # the description follows the modules while the company keeps the one it was given
        if role.description in system_roles.LEGACY_DESCRIPTIONS or role.description == system_roles.describe(key, role.known_modules):
            description = system_roles.describe(key)
            if description != role.description:
                role.description = description
                fields.append("description")
        if new_modules:
            role.permissions = sorted(set(role.permissions) | {c for c in codes if c.split(".")[0] in new_modules})
            role.scopes = {**{m: s for m, s in scopes.items() if m in new_modules}, **role.scopes}
            role.known_modules = sorted(permissions.MODULES)
            fields += ["permissions", "scopes", "known_modules"]
        if fields:
            role.save(update_fields=[*fields, "updated_at"])


# --- validation helpers --------------------------------------------------------------------------

def _clean_identity(*, phone, email, exclude_pk=None):
    errors = {}
    phone = normalize_phone(phone) or None
    email = (email or "").strip().lower() or None
    if not phone and not email:
        errors["phone"] = [_("Enter a mobile phone or an e-mail address.")]
    if phone:
        try:
            validate_mobile(phone)
        except ValidationError as exc:
            errors["phone"] = list(exc.messages)
        else:
            if User.objects.filter(phone=phone).exclude(pk=exclude_pk).exists():
                errors["phone"] = [_("This mobile phone is already registered.")]
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
        else:
            if User.objects.filter(email__iexact=email).exclude(pk=exclude_pk).exists():
                errors["email"] = [_("This e-mail is already registered.")]
    return phone, email, errors


def _check_lengths(model, values, errors):
    """Field errors for text longer than its column (PostgreSQL would refuse it with a 500)."""
    for field, value in values.items():
        limit = model._meta.get_field(field).max_length
        if value and len(value) > limit and field not in errors:
            errors[field] = [_("Enter at most %(limit)s characters.") % {"limit": limit}]


def _check_password(password, user=None):
    try:
        password_validation.validate_password(password or "", user)
    except ValidationError as exc:
        raise ValidationFailed(details={"password": list(exc.messages)})


def _check_seats(tenant, adding=1):
    used = User.objects.filter(tenant=tenant, is_active=True).count()
    if used + adding > tenant.seat_limit:
        raise QuotaExceeded(_("Your company has used all %(limit)s accounts of its plan.") % {"limit": tenant.seat_limit})


def _scoped_ids(model, ids):
    """Objects of the active tenant with these ids; any foreign or unknown id is a 404."""
    ids = {int(i) for i in ids or []}
    found = list(model.objects.filter(pk__in=ids))
    if len(found) != len(ids):
        raise NotFound()
    return found


# --- users --------------------------------------------------------------------------------------

def create_owner(*, tenant, name, phone, email, password):
    phone, email, errors = _clean_identity(phone=phone, email=email)
    if errors:
        raise ValidationFailed(details=errors)
    user = User(tenant=tenant, name=name, phone=phone, email=email, account=phone or email, is_tenant_owner=True)
    _check_password(password, user)
    user.set_password(password)
    user.work_status = WorkStatus.objects.first()
    user.save()
    user.roles.add(Role.objects.get(system_key="admin"))
    return user


@transaction.atomic
def create_user(*, actor, name, phone="", email="", password="", service_phone="", job_title="",
                role_ids=(), team_ids=(), is_active=True, request=None, check_perm=True):
    if check_perm:
        permissions.require(actor, "account.create")
    tenant = require_tenant()
    name = (name or "").strip()
    phone, email, errors = _clean_identity(phone=phone, email=email)
    if not name:
        errors["name"] = [_("This field is required.")]
    _check_lengths(User, {"name": name, "service_phone": service_phone, "job_title": job_title}, errors)
    if errors:
        raise ValidationFailed(details=errors)
    if is_active:
        _check_seats(tenant)
    roles, teams = _scoped_ids(Role, role_ids), _scoped_ids(Team, team_ids)
    if check_perm:
        _check_grantable(actor, roles)
    user = User(tenant=tenant, name=name, phone=phone, email=email, account=phone or email,
                service_phone=service_phone or "", job_title=job_title or "", is_active=is_active,
                work_status=WorkStatus.objects.first())
    if password:
        _check_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.roles.set(roles)
    for team in teams:
        team.members.add(user)
    timeline.record(actor=actor, obj=user, verb="created", summary=_("Created the account"))
    outbox.emit("account.created", user_id=user.pk, actor_id=getattr(actor, "pk", None))
    return user


@transaction.atomic
def update_user(*, actor, user, request=None, **values):
    permissions.require(actor, "account.edit")
    user = _lock_user(actor, user)
    phone, email, errors = _clean_identity(phone=values.get("phone", user.phone),
                                           email=values.get("email", user.email), exclude_pk=user.pk)
    if "name" in values:
        values["name"] = (values["name"] or "").strip()
        if not values["name"]:
            errors["name"] = [_("This field is required.")]
    _check_lengths(User, {f: values[f] for f in ("name", "service_phone", "job_title") if f in values}, errors)
    if errors:
        raise ValidationFailed(details=errors)
    before = timeline.snapshot(user, USER_FIELDS)
    values.update(phone=phone, email=email)
    for field in USER_FIELDS:
        if field in values:
            setattr(user, field, (values[field] or None) if field in ("phone", "email") else (values[field] or ""))
    user.account = user.phone or user.email
    user.save()
    changes = timeline.diff(user, before, USER_FIELDS)
    if changes:
        timeline.record(actor=actor, obj=user, verb="updated", summary=_("Edited the account"), changes=changes)
    return user


def _lock_user(actor, user):
    """Re-read the user under a row lock, within the actor's scope (404 otherwise)."""
    from .queries import visible_users

    # Lock the bare row: PostgreSQL refuses FOR UPDATE next to the scope's outer joins and DISTINCT.
    in_scope = visible_users(actor).filter(pk=user.pk).values("pk")
    locked = User.objects.for_tenant().select_for_update().filter(pk__in=in_scope).first()
    if locked is None:
        raise NotFound()
    return locked


@transaction.atomic
def set_active(*, actor, users, active, request=None):
    policy.require(actor, "disable")
    changed = []
    for user in users:
        user = _lock_user(actor, user)
        if user.is_active == active:
            continue
        if not active:
            policy.check(actor, user, "disable")
        if active:
            _check_seats(user.tenant)
        user.is_active = active
        user.save(update_fields=["is_active", "updated_at"])
        timeline.record(actor=actor, obj=user, verb="enabled" if active else "disabled",
                        summary=_("Enabled the account") if active else _("Disabled the account"))
        changed.append(user)
    return changed


@transaction.atomic
def reset_password(*, actor, user, new_password=None, request=None):
    """Set a new password chosen by the administrator, or a random one (returned)."""
    permissions.require(actor, "account.edit")
    user = _lock_user(actor, user)
    password = new_password or _random_password()
    _check_password(password, user)
    user.set_password(password)
    user.failed_logins, user.locked_until = 0, None
    user.save(update_fields=["password", "failed_logins", "locked_until", "updated_at"])
    timeline.record(actor=actor, obj=user, verb="password_reset", summary=_("Reset the password"))
    return password


def _random_password():
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "".join(secrets.choice(alphabet) for _ in range(10)) + secrets.choice("23456789")


@transaction.atomic
def change_own_password(*, user, old_password, new_password):
    if not user.check_password(old_password or ""):
        raise ValidationFailed(details={"old_password": [_("Your old password was entered incorrectly.")]})
    _check_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    timeline.record(actor=user, obj=user, verb="password_changed", summary=_("Changed their password"))


@transaction.atomic
def set_work_status(*, user, status_id):
    status = WorkStatus.objects.filter(pk=status_id).first() if status_id else None
    if status_id and status is None:
        raise NotFound()
    old = user.work_status
    user.work_status = status
    user.save(update_fields=["work_status", "updated_at"])
    timeline.record(actor=user, obj=user, verb="work_status", summary=_("Changed work status"),
                    changes=[{"field": "work_status", "label": _("work status"),
                              "old": str(old or ""), "new": str(status or "")}])
    return user


@transaction.atomic
def set_language(*, user, language):
    if language not in dict(settings.LANGUAGES):
        raise ValidationFailed(details={"language": [_("Unknown language.")]})
    user.language = language
    user.save(update_fields=["language", "updated_at"])


@transaction.atomic
def assign_roles(*, actor, users, role_ids, mode="add", request=None):
    """Bulk: add, remove or replace roles of the users (ACC-02)."""
    permissions.require(actor, "account.edit")
    if _touches_admin(role_ids) or (mode == "set" and _any_admin(users)):
        permissions.require(actor, "role.manage")  # granting or taking away full control
    roles = _scoped_ids(Role, role_ids)
    if mode != "remove":
        _check_grantable(actor, roles)
    for user in users:
        user = _lock_user(actor, user)
        before = sorted(user.roles.values_list("name", flat=True))
        if mode == "set":
            user.roles.set(roles)
        elif mode == "remove":
            if user.is_tenant_owner and any(r.system_key == "admin" for r in roles):
                raise DomainError(_("The super administrator always keeps the system administrator role."))
            user.roles.remove(*roles)
        else:
            user.roles.add(*roles)
        if user.is_tenant_owner and not user.roles.filter(system_key="admin").exists():
            raise DomainError(_("The super administrator always keeps the system administrator role."))
        after = sorted(user.roles.values_list("name", flat=True))
        if before != after:
            timeline.record(actor=actor, obj=user, verb="roles", summary=_("Changed roles"),
                            changes=[{"field": "roles", "label": _("roles"), "old": "、".join(before),
                                      "new": "、".join(after)}])
            outbox.emit("account.roles_changed", user_id=user.pk, roles=after)
        permissions.forget(user)


def _check_grantable(actor, roles):
    """Without role.manage, an actor may only hand out roles that grant nothing beyond his own
    permissions and data scopes — otherwise a team administrator could make anyone an administrator."""
    if permissions.has_perm(actor, "role.manage"):
        return
    own_codes, own_scopes = permissions._grants(actor)
    rank = {"own": 1, "team": 2, "all": 3}
    for role in roles:
        wider = any(rank.get(scope, 0) > rank.get(own_scopes.get(module), 0) for module, scope in role.scopes.items()
                    if f"{module}.view" in role.permissions)
        if not set(role.permissions) <= own_codes or wider:
            raise PermissionDenied(_("You cannot grant the role %(name)s: it has permissions you do not have.")
                                   % {"name": role.name})


def _touches_admin(role_ids):
    return Role.objects.filter(pk__in=role_ids or [], system_key="admin").exists()


def _any_admin(users):
    return User.objects.for_tenant().filter(pk__in=[u.pk for u in users], roles__system_key="admin").exists()


@transaction.atomic
def assign_teams(*, actor, users, team_ids, mode="add", request=None):
    permissions.require(actor, "account.edit")
    teams = _scoped_ids(Team, team_ids)
    for user in users:
        user = _lock_user(actor, user)
        before = sorted(user.teams.values_list("name", flat=True))
        if mode == "set":
            user.teams.set(teams)
        elif mode == "remove":
            user.teams.remove(*teams)
        else:
            user.teams.add(*teams)
        after = sorted(user.teams.values_list("name", flat=True))
        if before != after:
            timeline.record(actor=actor, obj=user, verb="teams", summary=_("Changed teams"),
                            changes=[{"field": "teams", "label": _("teams"), "old": "、".join(before),
                                      "new": "、".join(after)}])


@transaction.atomic
def delete_user(*, actor, user, request=None):
    policy.require(actor, "delete")
    user = _lock_user(actor, user)
    policy.check(actor, user, "delete")
    log(SystemLog.Kind.DELETE, user=actor, action=_("Deleted account %(name)s") % {"name": user.name},
        request=request, detail={"object": "account", "id": user.pk, "name": user.name, "account": user.account})
    user.delete()


# --- login --------------------------------------------------------------------------------------

class LoginLocked(DomainError):
    code = "account_locked"
    status = 429


class LoginFailed(DomainError):
    code = "invalid_credentials"
    status = 401


def login(*, request, username, password):
    """Check credentials with throttling; returns the user or raises LoginFailed / LoginLocked."""
    from django.contrib.auth import authenticate

    from .backends import find_login_user

    candidate = find_login_user(username)
    now = timezone.now()
    if candidate is not None and candidate.locked_until and candidate.locked_until > now:
        minutes = max(1, int((candidate.locked_until - now).total_seconds() // 60) + 1)
        raise LoginLocked(_("Too many failed attempts. The account is locked; try again in %(m)s minutes.")
                          % {"m": minutes})
    user = authenticate(request, username=username, password=password)
    if user is None:
        if candidate is not None:
            _record_failure(candidate, request)
        raise LoginFailed(_("Wrong account or password."))
    User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None, last_login=now)
    log(SystemLog.Kind.LOGIN, user=user, action=_("Logged in"), request=request, tenant=user.tenant)
    return user


def _record_failure(user, request):
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.failed_logins += 1
        locked = user.failed_logins >= settings.LOGIN_MAX_FAILURES
        if locked:
            user.locked_until = timezone.now() + timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
            user.failed_logins = 0
        user.save(update_fields=["failed_logins", "locked_until"])
        log(SystemLog.Kind.LOGIN, user=user, tenant=user.tenant, request=request,
            action=_("Login locked after repeated failures") if locked else _("Login failed"))
    if locked:
        raise LoginLocked(_("Too many failed attempts. The account is locked; try again in %(m)s minutes.")
                          % {"m": settings.LOGIN_LOCK_MINUTES})


# --- API tokens ---------------------------------------------------------------------------------

def hash_token(key):
    return hashlib.sha256(key.encode()).hexdigest()


def user_for_token(token):
    """The enabled user of an unexpired personal API token of an active company, else None; notes the use
    (at most once a minute). Registered with core.api_auth in apps.py (the Bearer scheme of the API)."""
    row = (
        ApiToken.all_tenants.select_related("user", "user__tenant")
        .filter(key_hash=hash_token(token))
        .first()
    )
    if row is None or not row.user.is_active or not row.user.tenant.is_active:
        return None
    if row.expires_at and row.expires_at < timezone.now():
        return None
    if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 60:
        ApiToken.all_tenants.filter(pk=row.pk).update(last_used_at=timezone.now())
    return row.user


@transaction.atomic
def create_api_token(*, user, name="api", days=None):
    """Returns (token, key). The key is shown once; only its hash is kept."""
    key = "sh_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        tenant=user.tenant, user=user, name=name[:50], prefix=key[:10], key_hash=hash_token(key),
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return token, key


@transaction.atomic
def revoke_api_token(*, user, token_id):
    deleted, _count = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if not deleted:
        raise NotFound()


# --- teams --------------------------------------------------------------------------------------

TEAM_FIELDS = ["name", "service_phone", "area", "address", "latitude", "longitude"]


@transaction.atomic
def save_team(*, actor, team=None, name, parent_id=None, leader_ids=(), member_ids=None, service_phone="",
              area="", address="", latitude=None, longitude=None, request=None):
    """Create or edit a team. member_ids=None keeps the current members (leaders are always members)."""
    permissions.require(actor, "team.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(details={"name": [_("This field is required.")]})
    errors = {}
    _check_lengths(Team, {"name": name, "service_phone": service_phone, "area": area, "address": address}, errors)
    if errors:
        raise ValidationFailed(details=errors)
    latitude, longitude = _clean_coordinates(latitude, longitude)
    parent = _scoped_ids(Team, [parent_id])[0] if parent_id else None
    if team is not None:
        team = Team.objects.select_for_update().filter(pk=team.pk).first() or _raise(NotFound())
        if parent is not None and parent.pk in Team.descendant_ids({team.pk}):
            raise ValidationFailed(details={"parent_id": [_("A team cannot be placed under itself.")]})
    if Team.objects.filter(parent=parent, name=name).exclude(pk=getattr(team, "pk", None)).exists():
        raise ValidationFailed(details={"name": [_("A team with this name already exists here.")]})
    leaders = _scoped_user_ids(leader_ids)
    members = _scoped_user_ids(member_ids) if member_ids is not None else list(team.members.all()) if team else []
    creating = team is None
    team = team or Team()
    before = timeline.snapshot(team, TEAM_FIELDS) if not creating else {}
    team.name, team.parent, team.service_phone, team.area, team.address = name, parent, service_phone or "", area or "", address or ""
    team.latitude, team.longitude = latitude, longitude
    if creating:
        team.sort_order = (Team.objects.filter(parent=parent).aggregate(m=Max("sort_order"))["m"] or 0) + 1
    team.save()
    team.leaders.set(leaders)
    team.members.set(set(members) | set(leaders))
    timeline.record(actor=actor, obj=team, verb="created" if creating else "updated",
                    summary=_("Created the team") if creating else _("Edited the team"),
                    changes=[] if creating else timeline.diff(team, before, TEAM_FIELDS))
    return team


def _clean_coordinates(latitude, longitude):
    """Decimal degrees (6 places) or None; out of range or not a number is a field error."""
    cleaned, errors = [], {}
    for field, value, bound in (("latitude", latitude, 90), ("longitude", longitude, 180)):
        number = None
        if value not in (None, ""):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                number = Decimal("NaN")
            if not number.is_finite() or abs(number) > bound:
                errors[field] = [_("Enter a coordinate between -%(bound)s and %(bound)s.") % {"bound": bound}]
                continue
            number = number.quantize(Decimal("0.000001"))
        cleaned.append(number)
    if errors:
        raise ValidationFailed(details=errors)
    return cleaned


def _scoped_user_ids(ids):
    ids = {int(i) for i in ids or []}
    users = list(User.objects.for_tenant().filter(pk__in=ids))
    if len(users) != len(ids):
        raise NotFound()
    return users


def _raise(exc):
    raise exc


@transaction.atomic
def add_team_members(*, actor, team, user_ids):
    permissions.require(actor, "team.manage")
    team.members.add(*_scoped_user_ids(user_ids))
    timeline.record(actor=actor, obj=team, verb="members", summary=_("Added members"))


@transaction.atomic
def remove_team_member(*, actor, team, user_id):
    permissions.require(actor, "team.manage")
    user = _scoped_user_ids([user_id])[0]
    team.members.remove(user)
    team.leaders.remove(user)
    timeline.record(actor=actor, obj=team, verb="members", summary=_("Removed %(name)s") % {"name": user.name})


@transaction.atomic
def delete_team(*, actor, team, request=None):
    permissions.require(actor, "team.manage")
    team = Team.objects.select_for_update().filter(pk=team.pk).first() or _raise(NotFound())
    if team.children.exists():
        raise DomainError(_("Delete or move its sub-teams first."))
    log(SystemLog.Kind.DELETE, user=actor, action=_("Deleted team %(name)s") % {"name": team.name},
        request=request, detail={"object": "team", "id": team.pk, "name": team.name})
    team.delete()


# --- roles --------------------------------------------------------------------------------------

def _clean_grants(codes, scopes):
    known = permissions.all_codes()
    unknown = set(codes or []) - known
    if unknown:
        raise ValidationFailed(details={"permissions": [_("Unknown permissions: %s") % ", ".join(sorted(unknown))]})
    valid_scopes = {s for s, _label in permissions.SCOPE_CHOICES}
    clean_scopes = {}
    for module, scope in (scopes or {}).items():
        if module not in permissions.MODULES or scope not in valid_scopes:
            raise ValidationFailed(details={"scopes": [_("Invalid data scope.")]})
        clean_scopes[module] = scope
    return sorted(set(codes or [])), clean_scopes


@transaction.atomic
def save_role(*, actor, role=None, name, description="", permission_codes=None, scopes=None, request=None):
    permissions.require(actor, "role.manage")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(details={"name": [_("This field is required.")]})
    errors = {}
    _check_lengths(Role, {"name": name, "description": description}, errors)
    if errors:
        raise ValidationFailed(details=errors)
    if Role.objects.filter(name=name).exclude(pk=getattr(role, "pk", None)).exists():
        raise ValidationFailed(details={"name": [_("A role with this name already exists.")]})
    creating = role is None
    if not creating:
        role = Role.objects.select_for_update().filter(pk=role.pk).first() or _raise(NotFound())
        if role.system_key == "admin" and permission_codes is not None:
            raise DomainError(_("The system administrator always has every permission."))
    role = role or Role(known_modules=sorted(permissions.MODULES))
    old = (list(role.permissions), dict(role.scopes))
    role.name, role.description = name, description or ""
    if permission_codes is not None:
        role.permissions, role.scopes = _clean_grants(permission_codes, scopes)
    role.save()
    if creating or old != (role.permissions, role.scopes):
        log(SystemLog.Kind.SETTINGS, user=actor, request=request,
            action=(_("Created role %(name)s") if creating else _("Changed permissions of role %(name)s"))
            % {"name": role.name},
            detail={"role": role.pk, "added": sorted(set(role.permissions) - set(old[0])),
                    "removed": sorted(set(old[0]) - set(role.permissions)), "scopes": role.scopes})
    return role


@transaction.atomic
def reset_role(*, actor, role, request=None):
    permissions.require(actor, "role.manage")
    if not role.system_key:
        raise DomainError(_("Only system roles can be reset."))
    codes, scopes = permissions.default_grants(role.system_key)
    role.permissions, role.scopes, role.known_modules = sorted(codes), scopes, sorted(permissions.MODULES)
    role.save()
    log(SystemLog.Kind.SETTINGS, user=actor, request=request,
        action=_("Reset role %(name)s to default") % {"name": role.name}, detail={"role": role.pk})
    return role


@transaction.atomic
def delete_role(*, actor, role, request=None):
    permissions.require(actor, "role.manage")
    if role.system_key:
        raise DomainError(_("System roles cannot be deleted."))
    log(SystemLog.Kind.DELETE, user=actor, action=_("Deleted role %(name)s") % {"name": role.name},
        request=request, detail={"object": "role", "id": role.pk, "name": role.name})
    role.delete()


# --- work statuses (SYS-11) ---------------------------------------------------------------------

@transaction.atomic
def save_work_status(*, actor, status=None, name, color="#52c41a", request=None):
    permissions.require(actor, "system.settings")
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(details={"name": [_("This field is required.")]})
    errors = {}
    _check_lengths(WorkStatus, {"name": name, "color": color}, errors)
    if errors:
        raise ValidationFailed(details=errors)
    if WorkStatus.objects.filter(name=name).exclude(pk=getattr(status, "pk", None)).exists():
        raise ValidationFailed(details={"name": [_("A work status with this name already exists.")]})
    creating = status is None
    status = status or WorkStatus(sort_order=(WorkStatus.objects.aggregate(m=Max("sort_order"))["m"] or 0) + 1)
    status.name, status.color = name, color or "#52c41a"
    status.save()
    log(SystemLog.Kind.SETTINGS, user=actor, request=request,
        action=(_("Added work status %(name)s") if creating else _("Edited work status %(name)s")) % {"name": name})
    return status


@transaction.atomic
def delete_work_status(*, actor, status, request=None):
    permissions.require(actor, "system.settings")
    if WorkStatus.objects.count() <= 1:
        raise DomainError(_("Keep at least one work status."))
    User.objects.filter(tenant=status.tenant, work_status=status).update(work_status=None)
    log(SystemLog.Kind.SETTINGS, user=actor, request=request,
        action=_("Deleted work status %(name)s") % {"name": status.name})
    status.delete()


@transaction.atomic
def reorder_work_statuses(*, actor, ordered_ids, request=None):
    permissions.require(actor, "system.settings")
    statuses = {s.pk: s for s in WorkStatus.objects.select_for_update()}
    if set(map(int, ordered_ids)) != set(statuses):
        raise ValidationFailed(details={"order": [_("The list has changed; reload and try again.")]})
    for index, pk in enumerate(map(int, ordered_ids)):
        statuses[pk].sort_order = index
        statuses[pk].save(update_fields=["sort_order", "updated_at"])
    log(SystemLog.Kind.SETTINGS, user=actor, request=request, action=_("Reordered work statuses"),
        detail={"order": [statuses[int(pk)].name for pk in ordered_ids]})


# --- the console's account form and bulk actions --------------------------------------------------

@transaction.atomic
def save_account(*, actor, user=None, role_ids=None, team_ids=None, skill_ids=None, request=None, **values):
    """Create an account, or edit one and replace its roles/teams/skills where they changed (ACC-02).

    Granting the system administrator role needs role.manage, on create as in assign_roles.
    """
    from .skills import resolve_skills, set_user_skills

    if user is None:
        if _touches_admin(role_ids):
            permissions.require(actor, "role.manage")
        skills = resolve_skills(skill_ids) if skill_ids else []
        user = create_user(actor=actor, role_ids=role_ids or (), team_ids=team_ids or (), request=request, **values)
        if skills:
            user.skills.set(skills)
        return user
    user = update_user(actor=actor, user=user, request=request, **values)
    if skill_ids is not None:
        set_user_skills(actor=actor, user=user, skill_ids=skill_ids, request=request)
    if role_ids is not None and {int(i) for i in role_ids} != set(user.roles.values_list("pk", flat=True)):
        assign_roles(actor=actor, users=[user], role_ids=role_ids, mode="set", request=request)
    if team_ids is not None and {int(i) for i in team_ids} != set(user.teams.values_list("pk", flat=True)):
        assign_teams(actor=actor, users=[user], team_ids=team_ids, mode="set", request=request)
    return user


@transaction.atomic
def delete_users(*, actor, users, request=None):
    """Delete several accounts: all of them, or none when one may not be deleted."""
    for user in users:
        delete_user(actor=actor, user=user, request=request)
    return len(users)


def ensure_can_manage(actor, code):
    if not permissions.has_perm(actor, code):
        raise PermissionDenied()


__all__ = [name for name in dir() if not name.startswith("_")] + ["Q"]
