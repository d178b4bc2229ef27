"""Console pages for accounts (ACC-02…04): the list with its role tree, detail, forms and bulk actions.

Teams are in views_teams.py and roles in views_roles.py. Every read goes through `queries`, every
write through `services`; a DomainError a view lets
escape is answered by DomainErrorMiddleware (core/http.py).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core import object_tabs, timeline
from shouhou.core.audit import SystemLog, log
from shouhou.core.dialogs import can, finished, int_list, render_modal, show_error
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.excel import xlsx_response
from shouhou.core.http import back
from shouhou.core.lists import BatchAction, Column, Filter, StandardList, render_list
from shouhou.core.permissions import get_visible_or_404, has_perm, require

from . import policy, queries, services
from .forms import ActivityExportForm, BulkAssignForm, PasswordResetForm, UserForm, role_choices, team_choices
from .models import Role, Team

# --- shared helpers (also used by views_teams and views_roles) -----------------------------------


# --- the account list -----------------------------------------------------------------------------

def _name_cell(user):
    dot = ""
    if user.work_status_id:
        dot = format_html('<span class="status-dot" style="background: {}" title="{}"></span> ',
                          user.work_status.color, user.work_status.name)
    owner = format_html(' <span class="badge text-bg-light border">{}</span>', _("Super administrator")) \
        if user.is_tenant_owner else ""
    return format_html("{}{}{}", dot, user.name, owner)


def _status_cell(user):
    css = "text-bg-success" if user.is_active else "text-bg-secondary"
    return format_html('<span class="badge {}">{}</span>', css, user.status_label)


def _work_status_cell(user):
    if not user.work_status_id:
        return ""
    return format_html('<span class="status-dot" style="background: {}"></span> {}',
                       user.work_status.color, user.work_status.name)


def _joined(items):
    return "、".join(item.name for item in items)


class UserList(StandardList):
    key = "accounts"
    title = pgettext_lazy("navigation", "Accounts")
    template = "accounts/user_list.html"
    sidebar_template = "accounts/_role_tree.html"
    toolbar_template = "accounts/_user_toolbar.html"
    more_actions_template = "accounts/_user_more_actions.html"
    search_fields = ["name", "phone", "email"]
    search_placeholder = gettext_lazy("Name, mobile phone or e-mail")
    default_sort = "-created_at"
    export_perm = "account.export"
    columns = [
        Column("name", pgettext_lazy("person", "Name"), value=_name_cell, html=True, export=lambda u: u.name, sortable=True,
               link=lambda u: reverse("accounts:user_detail", args=[u.pk])),
        Column("account", gettext_lazy("Account"), sortable=True),
        Column("phone", gettext_lazy("Mobile phone"), default=False),
        Column("email", gettext_lazy("E-mail"), default=False),
        Column("service_phone", gettext_lazy("Service phone")),
        Column("roles", gettext_lazy("Roles"), value=lambda u: _joined(u.roles.all())),
        Column("teams", gettext_lazy("Teams"), value=lambda u: _joined(u.teams.all())),
        Column("work_status", gettext_lazy("Work status"), value=_work_status_cell, html=True,
               export=lambda u: u.work_status.name if u.work_status_id else ""),
        Column("is_active", gettext_lazy("Status"), value=_status_cell, html=True, sortable=True,
               export=lambda u: str(u.status_label)),
        Column("created_at", gettext_lazy("Created at"), sortable=True,
               value=lambda u: timezone.localtime(u.created_at).strftime("%Y-%m-%d %H:%M"),
               export=lambda u: u.created_at),
    ]
    filters = [
        Filter("team", gettext_lazy("Team"), "teams", choices=lambda r: team_choices(r.user), distinct=True),
        Filter("role", gettext_lazy("Role"), "roles", choices=lambda r: [(r_.pk, r_.name) for r_ in Role.objects.all()]),
        Filter("active", gettext_lazy("Status"), "is_active", kind="bool",
               choices=lambda r: [("1", _("Enabled")), ("0", _("Disabled"))]),
        Filter("work_status", gettext_lazy("Work status"), "work_status",
               choices=lambda r: [(s.pk, s.name) for s in queries.work_statuses()]),
        Filter("created", gettext_lazy("Created at"), "created_at", kind="date_range"),
    ]
    batch_actions = [
        BatchAction(gettext_lazy("Assign roles"), "accounts:bulk_roles", perm="account.edit", modal=True),
        BatchAction(gettext_lazy("Assign teams"), "accounts:bulk_teams", perm="account.edit", modal=True),
        BatchAction(gettext_lazy("Enable"), "accounts:bulk_enable", perm="account.disable"),
        BatchAction(gettext_lazy("Disable"), "accounts:bulk_disable", perm="account.disable"),
        BatchAction(gettext_lazy("Delete"), "accounts:bulk_delete", perm="account.delete", style="outline-danger",
                    confirm=gettext_lazy("Delete the selected accounts? This cannot be undone.")),
    ]

    def base_queryset(self, request):
        require(request.user, "account.view")
        qs = queries.visible_users(request.user).prefetch_related("roles", "teams")
        return self.tree_filter(qs)

    def tree_filter(self, qs):
        """The role tree on the left: all, unassigned, disabled, one role, or one team (with sub-teams)."""
        view, role, team = self.params.get("tree_view"), self.params.get("tree_role"), self.params.get("tree_team")
        if view == "unassigned":
            return qs.filter(roles__isnull=True)
        if view == "disabled":
            return qs.filter(is_active=False)
        if role and role.isdigit():
            return qs.filter(roles=int(role))
        if team and team.isdigit():
            return qs.filter(teams__in=Team.descendant_ids({int(team)})).distinct()
        return qs

    def extra_context(self, request):
        actor = request.user
        visible = queries.visible_users(actor)
        counts = queries.role_member_counts(actor, visible)
        selected = {k: self.params.get(k, "") for k in ("tree_view", "tree_role", "tree_team")}
        return {
            "tree": {
                "selected": selected,
                "none_selected": not any(selected.values()),
                "all": visible.count(),
                "unassigned": visible.filter(roles__isnull=True).count(),
                "disabled": visible.filter(is_active=False).count(),
                "roles": [(role, counts.get(role.pk, 0)) for role in Role.objects.all()],
                "teams": queries.team_tree(actor) if has_perm(actor, "team.view") else [],
            },
            "can": can(actor, "account.create", "account.import"),
        }


@login_required
def user_list(request):
    return render_list(request, UserList)


@login_required
def unassigned_users(request):
    """The home counter's target: the list opened on 未分配账号."""
    return redirect(reverse("accounts:users") + "?tree_view=unassigned")


# --- detail -------------------------------------------------------------------------------------

def _visible_user(request, pk):
    require(request.user, "account.view")
    return get_visible_or_404(queries.visible_users(request.user).prefetch_related("roles", "teams"), pk=pk)


@login_required
def user_detail(request, pk):
    person = _visible_user(request, pk)
    actor = request.user
    return render(request, "accounts/user_detail.html", {
        "person": person,
        "roles": list(person.roles.all()),
        "teams": list(person.teams.all()),
        "led_teams": list(person.led_teams.all()),
        "entries": timeline.entries_for(person, 100),
        "logins": queries.login_history(person),
        "can": policy.can(actor, person, "edit", "disable", "delete"),
        "visits_tab": object_tabs.url("user", "visits", actor, person),  # 服务评价, by the visits module
    })


# --- create / edit / password ---------------------------------------------------------------------

@login_required
def user_create(request):
    require(request.user, "account.create")
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.save_account(actor=request.user, request=request, **form.service_values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Account %(name)s created.") % {"name": user.name})
            return finished(request, reverse("accounts:user_detail", args=[user.pk]))
    return render_modal(request, "accounts/_user_form.html", {
        "form": form, "title": _("New account"), "action": reverse("accounts:user_create"),
    }, status=400 if form.errors else 200)


@login_required
def user_edit(request, pk):
    require(request.user, "account.edit")
    person = _visible_user(request, pk)
    form = UserForm(request.POST or None, actor=request.user, user=person)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_account(actor=request.user, user=person, request=request, **form.service_values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Account %(name)s saved.") % {"name": form.cleaned_data["name"]})
            return finished(request, reverse("accounts:user_detail", args=[person.pk]))
    return render_modal(request, "accounts/_user_form.html", {
        "form": form, "person": person, "title": _("Edit account"),
        "action": reverse("accounts:user_edit", args=[person.pk]),
    }, status=400 if form.errors else 200)


@login_required
def user_password(request, pk):
    """Reset a password: a random one shown once, or one the administrator types."""
    require(request.user, "account.edit")
    person = _visible_user(request, pk)
    form = PasswordResetForm(request.POST or None)
    context = {"form": form, "person": person, "title": _("Reset password"),
               "action": reverse("accounts:user_password", args=[person.pk])}
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["password"] if form.cleaned_data["how"] == "set" else None
        try:
            password = services.reset_password(actor=request.user, user=person, new_password=chosen,
                                               request=request)
        except DomainError as exc:
            show_error(form, exc)
        else:
            context.update(password=password, generated=chosen is None)
            return render_modal(request, "accounts/_password_done.html", context)
    return render_modal(request, "accounts/_password_form.html", context, status=400 if form.errors else 200)


# --- bulk actions -------------------------------------------------------------------------------

def selected_users(request):
    """The accounts named by `ids` (GET or POST), all within the actor's scope — else 404."""
    ids = set(int_list(request.POST.getlist("ids") or request.GET.getlist("ids")))
    if not ids:
        raise DomainError(_("Select at least one account."))
    users = list(queries.visible_users(request.user).filter(pk__in=ids))
    if len(users) != len(ids):
        raise NotFound()
    return users


def _bulk_assign(request, *, what):
    require(request.user, "account.edit")
    users = selected_users(request)
    if what == "roles":
        choices, label, title = role_choices(request.user), _("Roles"), _("Assign roles")
        url_name = "accounts:bulk_roles"
    else:
        choices, label, title = team_choices(request.user), _("Teams"), _("Assign teams")
        url_name = "accounts:bulk_teams"
    form = BulkAssignForm(request.POST or None, choices=choices, label=label)
    if request.method == "POST" and form.is_valid():
        mode, ids = form.cleaned_data["mode"], form.cleaned_data["target_ids"]
        try:
            if what == "roles":
                services.assign_roles(actor=request.user, users=users, role_ids=ids, mode=mode, request=request)
            else:
                services.assign_teams(actor=request.user, users=users, team_ids=ids, mode=mode, request=request)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, ngettext("Updated %(n)s account.", "Updated %(n)s accounts.", len(users))
                             % {"n": len(users)})
            return finished(request)
    return render_modal(request, "accounts/_bulk_assign.html", {
        "form": form, "users": users, "title": title, "action": reverse(url_name),
    }, status=400 if form.errors else 200)


@login_required
def bulk_roles(request):
    return _bulk_assign(request, what="roles")


@login_required
def bulk_teams(request):
    return _bulk_assign(request, what="teams")


@login_required
@require_POST
def bulk_enable(request):
    require(request.user, "account.disable")
    changed = services.set_active(actor=request.user, users=selected_users(request), active=True, request=request)
    messages.success(request, ngettext("Enabled %(n)s account.", "Enabled %(n)s accounts.", len(changed))
                     % {"n": len(changed)})
    return back(request, reverse("accounts:users"))


@login_required
@require_POST
def bulk_disable(request):
    require(request.user, "account.disable")
    changed = services.set_active(actor=request.user, users=selected_users(request), active=False,
                                  request=request)
    messages.success(request, ngettext("Disabled %(n)s account.", "Disabled %(n)s accounts.", len(changed))
                     % {"n": len(changed)})
    return back(request, reverse("accounts:users"))


@login_required
@require_POST
def bulk_delete(request):
    require(request.user, "account.delete")
    count = services.delete_users(actor=request.user, users=selected_users(request), request=request)
    messages.success(request, ngettext("Deleted %(n)s account.", "Deleted %(n)s accounts.", count) % {"n": count})
    return back(request, reverse("accounts:users"))


# --- 导出账号动态记录 (ACC-03) ------------------------------------------------------------------------

ACTIVITY_EXPORT_FIELDS = {"scope", "date_from", "date_to"}


@login_required
def user_activity_export(request):
    """The accounts' timeline entries (created, edited, roles, teams, password, status) as Excel."""
    require(request.user, "account.export")
    list_query = QueryDict(mutable=True)
    for key, values in request.GET.lists():
        if key not in ACTIVITY_EXPORT_FIELDS:
            list_query.setlist(key, values)
    form = ActivityExportForm(request.GET if "scope" in request.GET else None)
    if form.is_bound and form.is_valid():
        return _activity_workbook(request, form.cleaned_data, list_query)
    return render_modal(request, "accounts/_activity_export.html", {
        "form": form, "title": _("Export account activity"), "list_query": list_query,
        "action": reverse("accounts:user_activity_export"),
    }, status=400 if form.errors else 200)


def _activity_workbook(request, data, list_query):
    listing = UserList(request)
    if data["scope"] == "view":
        listing.params = list_query
        users = listing.filtered_queryset(listing.state())
    else:
        users = queries.visible_users(request.user)
    entries = queries.account_activity(users, data["date_from"], data["date_to"])
    headers = [_("Time"), _("Account"), pgettext("person", "Name"), _("Operator"), _("Operation"), _("Changes")]
    rows = ([timezone.localtime(entry.created_at).replace(tzinfo=None), entry.account, entry.account_name,
             entry.actor.name if entry.actor_id else _("System"), entry.summary,
             "；".join(f"{c.get('label', '')}: {c.get('old') or '—'} → {c.get('new') or '—'}" for c in entry.changes)]
            for entry in entries)
    stamp = timezone.localtime().strftime("%Y%m%d%H%M%S")
    response = xlsx_response(headers, rows, f"account-activity-{stamp}.xlsx", _("Account activity"))
    log(SystemLog.Kind.IMPORT_EXPORT, user=request.user, request=request,
        action=_("Exported account activity (%(n)s rows)") % {"n": response.row_count},
        detail={"list": "account_activity", "rows": response.row_count, "scope": data["scope"],
                "from": str(data["date_from"] or ""), "to": str(data["date_to"] or "")})
    return response
