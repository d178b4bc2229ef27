"""Console pages for roles (角色管理, ACC-08/09, architecture §6): list, role form, permission matrix with
data scope per module, and role members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core import permissions
from shouhou.core.dialogs import can
from shouhou.core.errors import DomainError
from shouhou.core.generic_views import ObjectDeleteView, ObjectEditView, ObjectListView
from shouhou.core.lists import Column, StandardList, Tab
from shouhou.core.permissions import get_visible_or_404, has_perm, require

from . import queries, services
from .forms import MembersForm, RoleForm, parse_matrix

SCOPE_LABELS = {
    permissions.SCOPE_OWN: gettext_lazy("Own data"),
    permissions.SCOPE_TEAM: gettext_lazy("Own team's data"),
    permissions.SCOPE_ALL: gettext_lazy("All data"),
}


class RoleList(StandardList):
    key = "roles"
    title = pgettext_lazy("navigation", "Roles")
    template = "accounts/role_list.html"
    toolbar_template = "accounts/_role_toolbar.html"
    search_fields = ["name", "description"]
    search_placeholder = gettext_lazy("Role name or description")
    default_sort = "sort_order"
    tabs = [Tab("all", gettext_lazy("All")), Tab("system", gettext_lazy("System roles"), ~Q(system_key="")),
            Tab("custom", gettext_lazy("Custom roles"), Q(system_key=""))]

    def __init__(self, request):
        super().__init__(request)
        self.may_manage = has_perm(request.user, "role.manage")
        self.columns = [
            Column("name", gettext_lazy("Role name"), sortable=True,
                   link=lambda r: reverse("accounts:role_permissions", args=[r.pk])),
            Column("kind", gettext_lazy("Type"), value=_kind_cell, html=True,
                   export=lambda r: str(_("System role") if r.is_system else _("Custom role"))),
            Column("description", gettext_lazy("Role description"), css="col-wide"),
            Column("user_count", gettext_lazy("Members"), sortable=True, kind="count",
                   link=lambda r: reverse("accounts:role_members", args=[r.pk])),
            Column("actions", gettext_lazy("Actions"), value=self.actions_cell, html=True, css="col-actions"),
        ]

    def base_queryset(self, request):
        require(request.user, "role.view")
        return queries.roles(request.user)

    def actions_cell(self, role):
        return render_to_string("accounts/_role_actions.html", {"role": role, "may_manage": self.may_manage},
                                request=self.request)

    def extra_context(self, request):
        return {"can": can(request.user, "role.manage")}


def _kind_cell(role):
    if role.is_system:
        return format_html('<span class="badge text-bg-light border">{}</span>', _("System role"))
    return format_html('<span class="badge bg-primary-subtle text-primary-emphasis">{}</span>',
                       _("Custom role"))


class RoleListView(ObjectListView):
    list_class = RoleList


def _role(request, pk):
    require(request.user, "role.view")
    return get_visible_or_404(queries.roles(request.user), pk=pk)


class RoleEditView(ObjectEditView):
    """New role (then on to its permissions) or edit a role's name and description, in a dialog."""

    permission = "role.manage"
    template = "accounts/_role_form.html"
    form_class = RoleForm
    modal = True

    def get_object(self, request, pk=None):
        return _role(request, pk) if pk is not None else None

    def form_kwargs(self, request, role):
        return {"role": role} if role is not None else {}

    def save(self, request, form, role):
        if role is None:
            return services.save_role(actor=request.user, request=request, permission_codes=[], scopes={},
                                      **form.cleaned_data)
        services.save_role(actor=request.user, role=role, request=request, **form.cleaned_data)
        return role

    def success_message(self, request, form, role, created):
        if created:
            return _("Role %(name)s created. Now choose its permissions.") % {"name": role.name}
        return _("Role %(name)s saved.") % {"name": form.cleaned_data["name"]}

    def success_url(self, request, role, created):
        return reverse("accounts:role_permissions", args=[role.pk]) if created else None

    def get_context(self, request, form, role):
        if role is None:
            return {"form": form, "title": _("New role"), "action": reverse("accounts:role_create")}
        return {"form": form, "role": role, "title": _("Edit role"),
                "action": reverse("accounts:role_edit", args=[role.pk])}


class RoleDeleteView(ObjectDeleteView):
    def get_object(self, request, pk):
        return _role(request, pk)

    def delete(self, request, role):
        services.delete_role(actor=request.user, role=role, request=request)

    def success_message(self, request, role):
        return _("Role %(name)s deleted.") % {"name": role.name}

    def success_url(self, request, role):
        return reverse("accounts:roles")


@login_required
@require_POST
def role_reset(request, pk):
    role = _role(request, pk)
    services.reset_role(actor=request.user, role=role, request=request)
    messages.success(request, _("Role %(name)s reset to its default permissions.") % {"name": role.name})
    return redirect("accounts:role_permissions", pk=role.pk)


# --- permission matrix ----------------------------------------------------------------------------

def matrix_rows(role):
    """One row per module: its actions with the role's grants, and the data scope when the module has one."""
    granted = set(role.permissions)
    rows = []
    for module in permissions.modules_in_order():
        actions = [{"code": f"{module.key}.{action}", "label": label, "checked": f"{module.key}.{action}" in granted}
                   for action, label in module.actions.items()]
        rows.append({
            "module": module,
            "actions": actions,
            "all_checked": all(a["checked"] for a in actions),
            "scope": (role.scopes or {}).get(module.key, permissions.SCOPE_OWN) if module.scoped else None,
        })
    return rows


@login_required
def role_permissions(request, pk):
    role = _role(request, pk)
    read_only = role.system_key == "admin" or not has_perm(request.user, "role.manage")
    error = ""
    if request.method == "POST":
        require(request.user, "role.manage")
        codes, scopes = parse_matrix(request.POST)
        try:
            services.save_role(actor=request.user, role=role, name=role.name, description=role.description,
                               permission_codes=codes, scopes=scopes, request=request)
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            error = str(exc.message)
        else:
            messages.success(request, _("Permissions of %(name)s saved.") % {"name": role.name})
            return redirect("accounts:role_permissions", pk=role.pk)
    return render(request, "accounts/role_permissions.html", {
        "role": role, "rows": matrix_rows(role), "read_only": read_only, "error": error,
        "scope_choices": [(key, SCOPE_LABELS[key]) for key, _label in permissions.SCOPE_CHOICES],
        "can": can(request.user, "role.manage"),
    }, status=400 if error else 200)


# --- members ------------------------------------------------------------------------------------

@login_required
def role_members(request, pk):
    role = _role(request, pk)
    actor = request.user
    members = (queries.visible_users(actor).filter(roles=role).prefetch_related("teams").order_by("name")
               if has_perm(actor, "account.view") else [])
    may_edit = has_perm(actor, "role.manage") and has_perm(actor, "account.edit")
    candidates = queries.visible_users(actor).filter(is_active=True).exclude(roles=role).order_by("name")
    return render(request, "accounts/role_members.html", {
        "role": role, "members": members, "may_edit": may_edit,
        "add_form": MembersForm(users=candidates) if may_edit else None,
        "can": can(actor, "role.manage"),
    })


@login_required
@require_POST
def role_add_members(request, pk):
    require(request.user, "role.manage")
    role = _role(request, pk)
    candidates = queries.visible_users(request.user).filter(is_active=True).exclude(roles=role)
    form = MembersForm(request.POST, users=candidates)
    if form.is_valid():
        users = list(candidates.filter(pk__in=form.cleaned_data["user_ids"]))
        services.assign_roles(actor=request.user, users=users, role_ids=[role.pk], mode="add", request=request)
        messages.success(request, ngettext("Added %(n)s member.", "Added %(n)s members.", len(users)) % {"n": len(users)})
    else:
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return redirect("accounts:role_members", pk=role.pk)


@login_required
@require_POST
def role_remove_member(request, pk, user_id):
    require(request.user, "role.manage")
    role = _role(request, pk)
    user = get_visible_or_404(queries.visible_users(request.user), pk=user_id)
    services.assign_roles(actor=request.user, users=[user], role_ids=[role.pk], mode="remove", request=request)
    messages.success(request, _("%(name)s no longer has the role %(role)s.") % {"name": user.name, "role": role.name})
    return redirect("accounts:role_members", pk=role.pk)
