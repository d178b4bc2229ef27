"""Import accounts from Excel (ACC-01: the stand-in for DingTalk directory sync)."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from shouhou.core import permissions
from shouhou.core.errors import ValidationFailed
from shouhou.core.importer import ImportColumn, Importer, flag_repeats, register
from shouhou.core.tenancy import require_tenant
from shouhou.core.validators import normalize_phone, validate_mobile

from . import services
from .models import Role, Team, User

NAME_SEPARATORS = re.compile(r"[、,，;；\n]+")
TEAM_PATH_SEPARATOR = "/"


class TeamNames:
    """The company's teams by name and by path, for an import file that names teams."""

    def __init__(self):
        teams = list(Team.objects.all())
        by_id = {team.pk: team for team in teams}
        self.by_name, self.by_path = {}, {}
        for team in teams:
            self.by_name.setdefault(team.name, []).append(team)
            self.by_path[team_path(team, by_id)] = team

    def find(self, name):
        """The teams `name` may mean: one by its path ("华东区/上海一组"), or all of that name."""
        if TEAM_PATH_SEPARATOR in name:
            path = TEAM_PATH_SEPARATOR.join(part.strip() for part in name.split(TEAM_PATH_SEPARATOR))
            return [self.by_path[path]] if path in self.by_path else []
        return self.by_name.get(name, [])


@register
class UserImporter(Importer):
    key = "accounts.users"
    title = gettext_lazy("accounts")
    permission = "account.import"
    list_url_name = "accounts:users"
    max_rows = 20_000
    columns = [
        ImportColumn("name", pgettext_lazy("person", "Name"), required=True, example="张三", aliases=("姓名", "名字")),
        ImportColumn("phone", gettext_lazy("Mobile phone"), example="13800138000",
                     help=gettext_lazy("Mobile phone or e-mail is required; each is unique."),
                     aliases=("手机", "手机号", "手机号码", "电话")),
        ImportColumn("email", gettext_lazy("E-mail"), example="zhangsan@example.com",
                     aliases=("邮箱", "电子邮箱", "email")),
        ImportColumn("service_phone", gettext_lazy("Service phone"), example="400-800-8000",
                     aliases=("服务电话",)),
        ImportColumn("job_title", gettext_lazy("Job title"), example="服务工程师", aliases=("职位", "职务")),
        ImportColumn("roles", gettext_lazy("Roles"), example="服务工程师、回访客服",
                     help=gettext_lazy("Role names, several separated by 、 or a comma. Empty: unassigned."),
                     aliases=("角色",)),
        ImportColumn("teams", gettext_lazy("Teams"), example="华东区/上海一组",
                     help=gettext_lazy("Team names, several separated by 、 or a comma; "
                                       "write parent/child when a name is not unique."),
                     aliases=("团队", "部门")),
    ]

    def prepare(self):
        self.roles_by_name = {role.name: role for role in Role.objects.all()}
        self.may_grant_admin = permissions.has_perm(self.actor, "role.manage")
        self.teams = TeamNames()

    def parse_row(self, values):
        errors = {}
        name = self.text(values.get("name"))
        if not name:
            errors["name"] = [_("This field is required.")]
        elif len(name) > 50:
            errors["name"] = [_("At most 50 characters.")]
        phone = normalize_phone(self.text(values.get("phone")))
        email = self.text(values.get("email")).lower()
        if phone:
            try:
                validate_mobile(phone)
            except ValidationError as exc:
                errors["phone"] = list(exc.messages)
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors["email"] = [_("Enter a valid e-mail address.")]
        if not phone and not email:
            errors["phone"] = [_("Enter a mobile phone or an e-mail address.")]
        role_ids = self._role_ids(self.text(values.get("roles")), errors)
        team_ids = self._team_ids(self.text(values.get("teams")), errors)
        if errors:
            raise ValidationFailed(details=errors)
        return {"name": name, "phone": phone, "email": email,
                "service_phone": self.text(values.get("service_phone"))[:30],
                "job_title": self.text(values.get("job_title"))[:50], "role_ids": role_ids, "team_ids": team_ids}

    def _role_ids(self, cell, errors):
        ids = []
        for name in split_names(cell):
            role = self.roles_by_name.get(name)
            if role is None:
                errors.setdefault("roles", []).append(_("Unknown role: %(name)s") % {"name": name})
            elif role.system_key == "admin" and not self.may_grant_admin:
                errors.setdefault("roles", []).append(
                    _("You may not grant the role %(name)s.") % {"name": name})
            else:
                ids.append(role.pk)
        return ids

    def _team_ids(self, cell, errors):
        ids = []
        for name in split_names(cell):
            found = self.teams.find(name)
            if not found:
                errors.setdefault("teams", []).append(_("Unknown team: %(name)s") % {"name": name})
            elif len(found) > 1:
                errors.setdefault("teams", []).append(
                    _("Several teams are called %(name)s; write it as parent/%(name)s.") % {"name": name})
            else:
                ids.append(found[0].pk)
        return ids

    def check_batch(self, rows):
        errors = {}
        for field, label, taken_message in (
            ("phone", _("mobile phone"), _("This mobile phone is already registered.")),
            ("email", _("e-mail"), _("This e-mail is already registered.")),
        ):
            flag_repeats(rows, field, _("The %(what)s %(value)s also appears in row %(row)s of the file."), errors,
                         what=label)
            _flag_registered(rows, field, taken_message, errors)
        _flag_over_quota(rows, errors)
        return errors

    def create(self, actor, kwargs):
        # The importer checked account.import for the whole file; creating is what it grants.
        return services.create_user(actor=actor, check_perm=False, **kwargs)


def split_names(cell):
    """The names in one cell: separated by 、 , ， ; ； or line breaks."""
    return [part.strip() for part in NAME_SEPARATORS.split(cell or "") if part.strip()]


def team_path(team, by_id):
    """"华东区/上海一组": the team's path from the root, as the import files name teams (`by_id`: all teams)."""
    names, node, seen = [], team, set()
    while node is not None and node.pk not in seen:
        seen.add(node.pk)
        names.append(node.name)
        node = by_id.get(node.parent_id)
    return TEAM_PATH_SEPARATOR.join(reversed(names))


def _flag_registered(rows, field, message, errors, chunk=500):
    """Rows whose phone/e-mail is already an account (of any company: logins are global)."""
    by_value = {kwargs[field]: row for row, kwargs in rows if kwargs[field]}
    values = list(by_value)
    for start in range(0, len(values), chunk):
        part = values[start:start + chunk]
        lookup = {f"{field}__in": part}
        for taken in User.objects.filter(**lookup).values_list(field, flat=True):
            row = by_value.get(taken.lower() if field == "email" else taken)
            if row is not None:
                errors.setdefault(row, []).append(message)


def _flag_over_quota(rows, errors):
    tenant = require_tenant()
    left = max(tenant.seat_limit - User.objects.filter(tenant=tenant, is_active=True).count(), 0)
    for row, _kwargs in rows[left:]:
        errors.setdefault(row, []).append(
            _("Over the account quota: %(left)s of %(limit)s accounts are left.")
            % {"left": left, "limit": tenant.seat_limit})
