"""System management (系统管理): sign-up, the settings hub, company info, version and usage,
work information (statuses and hours), SMS settings and the system log."""

from django.contrib import messages
from django.contrib.auth import login as django_login
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.accounts import queries as account_queries
from shouhou.accounts import services as account_services
from shouhou.core import company_settings
from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import DomainError, PermissionDenied
from shouhou.core.lists import Column, Filter, StandardList, Tab, render_list
from shouhou.core.permissions import get_visible_or_404, has_module, has_perm, require

from . import queries, services
from .forms import (
    CompanyForm,
    SignupForm,
    SmsSettingsForm,
    WorkingHoursForm,
    WorkStatusForm,
    add_domain_error,
)
from .menu import hub_for


def _form_status(form):
    """400 when a submitted form is shown again with its errors, 200 otherwise."""
    return 400 if form.is_bound and form.errors else 200


# --- sign-up (GEN-02) ---------------------------------------------------------------------------

def signup(request):
    """Trial sign-up: company + super administrator, then straight into the console, logged in."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form = SignupForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            tenant, owner = services.sign_up(
                name=data["name"], short_name=data["short_name"], slug=data["slug"],
                contact_phone=data["contact_phone"], admin_name=data["admin_name"],
                admin_email=data["admin_email"], admin_password=data["password"], request=request,
            )
        except DomainError as exc:
            add_domain_error(form, exc, SignupForm.SERVICE_FIELDS)
        else:
            django_login(request, owner, backend="shouhou.accounts.backends.PhoneOrEmailBackend")
            log(SystemLog.Kind.LOGIN, user=owner, tenant=tenant, request=request,
                         action=_("Signed up for a trial and logged in"))
            messages.success(request, _("Welcome! Your trial of %(company)s has started.") % {"company": tenant.name})
            return redirect("core:home")
    return render(request, "system/signup.html", {"form": form, "trial": _trial_terms()}, status=_form_status(form))


def _trial_terms():
    from django.conf import settings

    return {"days": settings.TRIAL_DAYS, "seats": settings.TRIAL_SEATS, "sms": settings.TRIAL_SMS,
            "storage_gb": round(settings.TRIAL_STORAGE_MB / 1024, 1)}


# --- settings hub (SYS-01) ----------------------------------------------------------------------

@login_required
def settings_hub(request):
    if not has_module(request.user, "system"):
        raise PermissionDenied()
    return render(request, "system/hub.html", {"groups": hub_for(request.user)})


# --- company information (SYS-07) ---------------------------------------------------------------

@login_required
def company(request):
    tenant = queries.current_company(request.user)
    form = CompanyForm.for_company(tenant, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.update_company(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Company information saved."))
            return redirect("system:company")
    return render(request, "system/company.html", {"form": form, "tenant": tenant,
                                                   "super_admin": queries.super_administrator()},
                  status=_form_status(form))


# --- version and usage (SYS-09) -----------------------------------------------------------------

@login_required
def usage(request):
    return render(request, "system/usage.html", {"usage": queries.usage_summary(request.user)})


# --- work information: statuses (SYS-11) and working hours (SYS-10) -----------------------------

@login_required
def work_info(request):
    require(request.user, "system.settings")
    return _work_info_page(request)


def _work_info_page(request, *, hours_form=None, add_form=None, row_error=None, status=200):
    """The page, optionally with a form in error: `row_error` = (status pk, bound WorkStatusForm)."""
    rows = []
    for work_status in account_queries.work_statuses():
        form = row_error[1] if row_error and row_error[0] == work_status.pk else WorkStatusForm(
            initial={"name": work_status.name, "color": work_status.color}, prefix=f"s{work_status.pk}")
        rows.append({"status": work_status, "form": form})
    context = {
        "rows": rows,
        "add_form": add_form or WorkStatusForm(prefix="new"),
        "hours_form": hours_form or WorkingHoursForm.from_settings(company_settings.values(group="working_hours")),
    }
    return render(request, "system/work_info.html", context, status=status)


@login_required
@require_POST
def working_hours(request):
    require(request.user, "system.settings")
    form = WorkingHoursForm(request.POST)
    if form.is_valid():
        try:
            company_settings.update_settings(actor=request.user, values=form.setting_values(), request=request)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Working hours saved."))
            return redirect("system:work_info")
    return _work_info_page(request, hours_form=form, status=400)


@login_required
@require_POST
def work_status_add(request):
    require(request.user, "system.settings")
    form = WorkStatusForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            account_services.save_work_status(actor=request.user, request=request, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Work status added."))
            return redirect("system:work_info")
    return _work_info_page(request, add_form=form, status=400)


@login_required
@require_POST
def work_status_edit(request, pk):
    require(request.user, "system.settings")
    work_status = get_visible_or_404(account_queries.work_statuses(), pk=pk)
    form = WorkStatusForm(request.POST, prefix=f"s{work_status.pk}")
    if form.is_valid():
        try:
            account_services.save_work_status(actor=request.user, status=work_status, request=request,
                                              **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Work status saved."))
            return redirect("system:work_info")
    return _work_info_page(request, row_error=(work_status.pk, form), status=400)


@login_required
@require_POST
def work_status_delete(request, pk):
    require(request.user, "system.settings")
    work_status = get_visible_or_404(account_queries.work_statuses(), pk=pk)
    try:
        account_services.delete_work_status(actor=request.user, status=work_status, request=request)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Work status %(name)s deleted.") % {"name": work_status.name})
    return redirect("system:work_info")


@login_required
@require_POST
def work_status_reorder(request):
    """Called by the drag-and-drop list with the ids in their new order (`ids`, repeated)."""
    require(request.user, "system.settings")
    try:
        ids = [int(i) for i in request.POST.getlist("ids")]
        account_services.reorder_work_statuses(actor=request.user, ordered_ids=ids, request=request)
    except ValueError:
        return JsonResponse({"message": _("The list has changed; reload and try again.")}, status=400)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"ok": True, "message": _("Order saved.")})


# --- SMS notifications to staff (SYS-04) --------------------------------------------------------

@login_required
def sms_settings(request):
    require(request.user, "system.settings")
    form = SmsSettingsForm(request.POST if request.method == "POST" else None,
                           initial={"notify_staff": company_settings.get("sms.notify_staff")})
    if form.is_bound and form.is_valid():
        try:
            company_settings.update_settings(actor=request.user, request=request,
                                     values={"sms.notify_staff": form.cleaned_data["notify_staff"]})
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("SMS notification settings saved."))
            return redirect("system:sms_settings")
    tenant = queries.current_company(request.user)
    return render(request, "system/sms_settings.html", {"form": form, "tenant": tenant,
                                                        "can_view_messages": has_perm(request.user, "message.view")},
                  status=_form_status(form))


# --- system log (SYS-13) ------------------------------------------------------------------------

class UserFilter(Filter):
    """The user select: a value that is not an id (a hand-edited URL) matches nothing instead of failing."""

    def apply(self, qs, params):
        value = params.get(f"f_{self.key}", "").strip()
        if value and not value.isdigit():
            return qs.none()
        return super().apply(qs, params)


def _changes_text(log):
    """`key: old → new` lines of a settings change, for the details column and the export."""
    changes = (log.detail or {}).get("changes") or {}
    return "; ".join(f"{key}: {old} → {new}" for key, (old, new) in changes.items())


class SystemLogList(StandardList):
    key = "system_logs"
    title = gettext_lazy("System log")
    tabs = [Tab(kind.value, kind.label, Q(kind=kind.value)) for kind in SystemLog.Kind]
    columns = [
        Column("created_at", gettext_lazy("Log time"), sortable=True, export=lambda log: log.created_at,
               value=lambda log: timezone.localtime(log.created_at).strftime("%Y-%m-%d %H:%M:%S")),
        Column("user_id", gettext_lazy("UserID")),
        Column("user_name", gettext_lazy("User name"), sortable=True),
        Column("team_name", gettext_lazy("Service team")),
        Column("action", gettext_lazy("Operation"), css="log-action"),
        Column("client_type", gettext_lazy("Client type"), value=lambda log: log.get_client_type_display()),
        Column("ip", gettext_lazy("IP address")),
        Column("detail", gettext_lazy("Details"), value=_changes_text, default=False),
    ]
    search_fields = ["user_name"]
    search_placeholder = gettext_lazy("Search by user name")
    filters = [
        UserFilter("user", gettext_lazy("User"), "user_id", choices=lambda request: queries.log_user_choices(request.user)),
        Filter("created", gettext_lazy("Log time"), "created_at", kind="date_range"),
    ]
    export_perm = "system.logs"
    default_sort = "-created_at"

    def base_queryset(self, request):
        return queries.system_logs(request.user)


@login_required
def logs(request):
    return render_list(request, SystemLogList)
