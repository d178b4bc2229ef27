"""Console forms for accounts, teams and roles. They parse input; services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from shouhou.core import permissions
from shouhou.core.forms import ChecklistField, ConsoleForm
from shouhou.core.widgets import DateInput

from . import queries
from .models import Role, Skill

MODE_CHOICES = [("add", _("Add to the current ones")), ("remove", _("Remove")), ("set", _("Replace all with"))]


def role_choices(actor):
    """Roles the actor may hand out: the system administrator role only with role.manage."""
    roles = Role.objects.all()
    if not permissions.has_perm(actor, "role.manage"):
        roles = roles.exclude(system_key="admin")
    return [(role.pk, role.name) for role in roles]


def team_choices(actor, exclude_ids=()):
    """Teams in tree order, labelled with their path ("华东区 / 上海一组")."""
    names, choices = {}, []
    for team, _depth in queries.team_tree(actor):
        label = f"{names[team.parent_id]} / {team.name}" if team.parent_id in names else team.name
        names[team.pk] = label
        if team.pk not in exclude_ids:
            choices.append((team.pk, label))
    return choices


def user_choices(users):
    return [(user.pk, f"{user.name} · {user.phone or user.email or user.account}") for user in users]


class UserForm(ConsoleForm):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    service_phone = forms.CharField(label=_("Service phone"), max_length=30, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=50, required=False)
    password = forms.CharField(label=_("Password"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("Leave empty to set it later with Reset password."))
    role_ids = ChecklistField(label=_("Roles"), help_text=_("No role: the account is unassigned."))
    team_ids = ChecklistField(label=_("Teams"))
    skill_ids = ChecklistField(label=_("Skills"), help_text=_("Skills and certificates (settings: Skills)."))

    def __init__(self, *args, actor, user=None, **kwargs):
        if user is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": user.name, "phone": user.phone or "", "email": user.email or "",
                "service_phone": user.service_phone, "job_title": user.job_title,
                "role_ids": list(user.roles.values_list("pk", flat=True)),
                "team_ids": list(user.teams.values_list("pk", flat=True)),
                "skill_ids": list(user.skills.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        self.fields["role_ids"].choices = role_choices(actor)
        if user is not None:
            del self.fields["password"]
            kept = {pk for pk, _label in self.fields["role_ids"].choices}
            hidden = [r.pk for r in user.roles.all() if r.pk not in kept]
            self.hidden_role_ids = hidden  # roles the actor cannot see in the form stay as they are
        else:
            self.hidden_role_ids = []
        self.fields["team_ids"].choices = team_choices(actor)
        self.fields["skill_ids"].choices = [(skill.pk, skill.name) for skill in Skill.objects.all()]

    def service_values(self):
        data = dict(self.cleaned_data)
        data["skill_ids"] = list(data.get("skill_ids") or [])
        data["role_ids"] = list(data.get("role_ids") or []) + self.hidden_role_ids
        data["team_ids"] = list(data.get("team_ids") or [])
        return data


class PasswordResetForm(ConsoleForm):
    how = forms.ChoiceField(label=_("New password"), initial="random", widget=forms.RadioSelect, choices=[
        ("random", _("Generate a random password")), ("set", _("Set a password")),
    ])
    password = forms.CharField(label=_("Password"), required=False, strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    field_aliases = {"new_password": "password"}

    def clean(self):
        data = super().clean()
        if data.get("how") == "set" and not data.get("password"):
            self.add_error("password", _("Enter the new password."))
        return data


class BulkAssignForm(ConsoleForm):
    mode = forms.ChoiceField(label=_("How"), choices=MODE_CHOICES, initial="add", widget=forms.RadioSelect)
    target_ids = ChecklistField(label="")

    def __init__(self, *args, choices, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_ids"].choices = choices
        self.fields["target_ids"].label = label

    def clean(self):
        data = super().clean()
        if data.get("mode") != "set" and not data.get("target_ids"):
            self.add_error("target_ids", _("Choose at least one."))
        return data


class TeamForm(ConsoleForm):
    name = forms.CharField(label=_("Team name"), max_length=50)
    parent_id = forms.TypedChoiceField(label=_("Parent team"), coerce=int, required=False, empty_value=None)
    leader_ids = ChecklistField(label=_("Team leaders"), help_text=_("Leaders are members too."))
    member_ids = ChecklistField(label=_("Members"))
    service_phone = forms.CharField(label=_("Service phone"), max_length=30, required=False)
    area = forms.CharField(label=_("Area of responsibility"), max_length=200, required=False)
    address = forms.CharField(label=pgettext_lazy("team", "Location"), max_length=200, required=False)
    latitude = forms.CharField(label=_("Latitude"), required=False, widget=forms.TextInput(
        attrs={"inputmode": "decimal", "placeholder": "31.230416"}))
    longitude = forms.CharField(label=_("Longitude"), required=False, widget=forms.TextInput(
        attrs={"inputmode": "decimal", "placeholder": "121.473701"}))

    def __init__(self, *args, actor, team=None, parent=None, **kwargs):
        if team is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": team.name, "parent_id": team.parent_id, "service_phone": team.service_phone,
                "area": team.area, "address": team.address,
                "latitude": "" if team.latitude is None else team.latitude,
                "longitude": "" if team.longitude is None else team.longitude,
                "leader_ids": list(team.leaders.values_list("pk", flat=True)),
                "member_ids": list(team.members.values_list("pk", flat=True)),
            }
        elif parent is not None and "initial" not in kwargs:
            kwargs["initial"] = {"parent_id": parent.pk}
        super().__init__(*args, **kwargs)
        below = set()
        if team is not None:
            below = type(team).descendant_ids({team.pk})
        self.fields["parent_id"].choices = [("", _("(top level)"))] + team_choices(actor, exclude_ids=below)
        people = user_choices(queries.pickable_users(actor).order_by("name"))
        self.fields["leader_ids"].choices = people
        self.fields["member_ids"].choices = people


class MembersForm(ConsoleForm):
    user_ids = ChecklistField(label=_("People"))

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user_ids"].choices = user_choices(users)

    def clean_user_ids(self):
        ids = self.cleaned_data["user_ids"]
        if not ids:
            raise forms.ValidationError(_("Choose at least one."))
        return ids


class ActivityExportForm(ConsoleForm):
    """导出账号动态记录: the accounts' timeline entries within a date range (ACC-03)."""

    scope = forms.ChoiceField(label=_("Export range"), widget=forms.RadioSelect, initial="view", choices=[
        ("view", _("Accounts in the current view")), ("all", _("All accounts I can see")),
    ])
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


class RoleForm(ConsoleForm):
    name = forms.CharField(label=_("Role name"), max_length=50)
    description = forms.CharField(label=_("Role description"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, role=None, **kwargs):
        if role is not None and "initial" not in kwargs:
            kwargs["initial"] = {"name": role.name, "description": role.description}
        super().__init__(*args, **kwargs)


def parse_matrix(post):
    """The permission matrix form → (codes, scopes) as save_role takes them."""
    codes = [code for code in post.getlist("perm") if code in permissions.all_codes()]
    scopes = {}
    for module in permissions.modules_in_order():
        if module.scoped:
            scope = post.get(f"scope_{module.key}")
            if scope:
                scopes[module.key] = scope
    return codes, scopes
