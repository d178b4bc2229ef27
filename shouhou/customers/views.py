"""Console pages of customer management: the list (CUS-01) with its batch actions, export jobs and
the settings page. The record pages (detail, form, contacts, addresses) are in views_detail.py.

Every read goes through `queries`, every write through `services`; a DomainError a view lets
escape is answered by DomainErrorMiddleware (core/http.py).
"""

from dataclasses import replace

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from shouhou.accounts.forms import team_choices, user_choices
from shouhou.accounts.queries import pickable_users
from shouhou.core import company_settings, forms_engine, list_fields, regions
from shouhou.core.dialogs import can, finished, render_modal, show_error, url_or_empty
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.forms_engine.kinds.references import SOURCES
from shouhou.core.http import back
from shouhou.core.lists import (
    BatchAction,
    Column,
    Filter,
    Scope,
    StandardList,
    Tab,
    next_step_hint,
    render_list,
)
from shouhou.core.permissions import has_perm, require

from . import batch_services, importers, queries, services
from .forms import BatchEditForm, SettingsForm, SmsForm, settings_initial
from .models import Address, Customer, region_unmatched_q

# The URL name of the reminders batch dialog (shouhou.reminders); its buttons appear when the URL exists.
REMINDER_BATCH_URL = "reminders:attach_customers"


# --- list cells --------------------------------------------------------------------------------------

STATUS_BADGES = {Customer.Status.ACTIVE: "text-bg-success", Customer.Status.POTENTIAL: "text-bg-info",
                 Customer.Status.INACTIVE: "text-bg-secondary"}


def status_badge(customer):
    return format_html('<span class="badge {}">{}</span>', STATUS_BADGES.get(customer.status, "text-bg-light"),
                       customer.get_status_display())


def _names(users):
    return "、".join(user.name for user in users)


def _tags_cell(customer):
    return format_html_join(" ", '<span class="badge rounded-pill text-bg-light border">{}</span>',
                            ((tag,) for tag in customer.tags))


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _detail_url(customer):
    return reverse("customers:detail", args=[customer.pk])


SYSTEM_COLUMNS = [
    Column("name", gettext_lazy("Customer name"), link=_detail_url, sortable=True),
    Column("number", gettext_lazy("Customer number"), sortable=True, code=True),
    Column("status", gettext_lazy("Status"), value=status_badge, html=True,
           export=lambda c: str(c.get_status_display())),
    Column("contact_name", gettext_lazy("Contact")),
    Column("contact_phone", gettext_lazy("Phone")),
    Column("region", gettext_lazy("Region"), value=lambda c: c.region, css="col-wide"),
    Column("address_detail", gettext_lazy("Detailed address"), default=False),
    Column("service_team", gettext_lazy("Service team"), value=lambda c: c.service_team.name if c.service_team else ""),
    Column("owners", gettext_lazy("Customer owners"), value=lambda c: _names(c.owners.all())),
    Column("tags", gettext_lazy("Tags"), value=_tags_cell, html=True, export=lambda c: "、".join(c.tags),
           default=False),
    Column("coordinates", gettext_lazy("Coordinates"), default=False,
           value=lambda c: f"{c.latitude}, {c.longitude}" if c.latitude is not None else ""),
    Column("created_by", gettext_lazy("Created by"), value=lambda c: c.created_by.name if c.created_by else "",
           default=False),
    Column("created_at", gettext_lazy("Created at"), sortable=True, value=lambda c: _local(c.created_at),
           export=lambda c: c.created_at, default=False),
    Column("updated_at", gettext_lazy("Last updated"), sortable=True, default=False,
           value=lambda c: _local(c.updated_at), export=lambda c: c.updated_at),
]


# --- filters ------------------------------------------------------------------------------------------

class TagFilter(Filter):
    def apply(self, qs, params):
        value = params.get(f"f_{self.key}", "").strip()
        return qs.filter(queries.tag_condition(value)) if value else qs


class RegionFixFilter(Filter):
    """地区待修正: customers with an address whose province, city or district matched no division."""

    def apply(self, qs, params):
        if params.get(f"f_{self.key}", "").strip() != "1":
            return qs
        return qs.filter(Exists(Address.objects.filter(region_unmatched_q(), customer=OuterRef("pk"))))


def custom_filters(schema):
    """The custom-field filters; user fields choose among the users the actor may pick."""
    users = (lambda r: user_choices(pickable_users(r.user).order_by("name"))) if SOURCES.get("user") is not None \
        else None
    return list_fields.custom_filters(schema, user_choices=users)


SYSTEM_FILTERS = [
    Filter("team", gettext_lazy("Service team"), "service_team", choices=lambda r: team_choices(r.user)),
    Filter("owner", gettext_lazy("Customer owner"), "owners",
           choices=lambda r: user_choices(pickable_users(r.user).order_by("name"))),
    TagFilter("tag", gettext_lazy("Tag"), "tags", choices=lambda r: [(t, t) for t in queries.tags_in_use(r.user)]),
    Filter("province", gettext_lazy("Province"), "province_code",
           choices=lambda r: [(node.code, node.name) for node in regions.children()]),
    Filter("city", gettext_lazy("City"), "city__icontains", kind="text"),
    RegionFixFilter("region_fix", gettext_lazy("Region to fix"), "addresses",
                    choices=lambda r: [("1", _("A region does not match the divisions"))]),
    Filter("located", gettext_lazy("Coordinates"), "latitude__isnull", kind="bool",
           choices=lambda r: [("0", _("Located")), ("1", _("Not located"))]),
    Filter("created", gettext_lazy("Created at"), "created_at", kind="date_range"),
]


def _status_tab(status):
    return Tab(status.value, status.label, Q(status=status.value))


# --- the list (CUS-01) -------------------------------------------------------------------------------

class CustomerList(list_fields.CustomFieldsList, StandardList):
    key = "customers"
    title = gettext_lazy("Customers")
    template = "customers/list.html"
    toolbar_template = "customers/_toolbar.html"
    more_actions_template = "customers/_more_actions.html"
    search_fields = ["name", "number", "contact_phone"]  # see filtered_queryset: contacts' phones too
    search_placeholder = gettext_lazy("Customer name, phone or number")
    empty_text = gettext_lazy("No customers yet")

    def empty_hint(self, request):
        return next_step_hint(request.user, _("New customer"), "customer.create", "customer.import")

    default_sort = "-created_at"
    export_perm = "customer.export"
    tabs = [Tab("all", gettext_lazy("All")), *(_status_tab(status) for status in Customer.Status)]
    scopes = [
        Scope("all", gettext_lazy("All"), lambda request: Q()),
        Scope("mine", gettext_lazy("I own"), lambda request: queries.owned_condition(request.user)),
        Scope("created", gettext_lazy("I created"), lambda request: Q(created_by=request.user)),
    ]

    def __init__(self, request):
        super().__init__(request)
        self.schema = services.schema()
        self.refs = forms_engine.References()
        self.custom = {column.key: column for column in forms_engine.list_columns(self.schema)}
        self.columns = [*SYSTEM_COLUMNS, *(list_fields.custom_column(c, self.refs) for c in self.custom.values())]
        self.filters = [*SYSTEM_FILTERS, *custom_filters(self.schema)]
        self.batch_actions = self._batch_actions()

    def _batch_actions(self):
        actions = [
            BatchAction(gettext_lazy("Batch edit"), "customers:batch_edit", perm="customer.edit", modal=True),
            BatchAction(gettext_lazy("Send SMS"), "customers:batch_sms", perm="customer.sms", modal=True),
        ]
        if url_or_empty(REMINDER_BATCH_URL):
            actions.append(BatchAction(gettext_lazy("Batch reminder"), REMINDER_BATCH_URL, perm="customer.remind",
                                       modal=True))
        actions.append(BatchAction(gettext_lazy("Delete"), "customers:batch_delete", perm="customer.delete",
                                   style="outline-danger",
                                   confirm=gettext_lazy("Delete the selected customers? This cannot be undone.")))
        return actions

    def base_queryset(self, request):
        require(request.user, "customer.view")
        return queries.list_customers(request.user)

    def filtered_queryset(self, state, *, with_tab=True):
        """The standard filtering, with the search of queries.search_condition (contacts' phones too)."""
        qs = super().filtered_queryset(replace(state, q=""), with_tab=with_tab)
        return qs.filter(queries.search_condition(state.q)) if state.q else qs

    def tab_counts(self, state):
        """Every tab's count in ONE aggregate query over the filtered rows (the tabs are status conditions)."""
        base = self.filtered_queryset(state, with_tab=False).order_by()
        return base.aggregate(**{tab.key: Count("pk", filter=tab.q(self.request) or None)
                                 for tab in self.tabs if tab.count})

    def extra_context(self, request):
        user = request.user
        return {"can": can(user, "customer.create", "customer.import", "customer.export", "customer.settings"),
                "export_jobs": importers.export_jobs(user)[:3] if has_perm(user, "customer.export") else []}


@login_required
def customer_list(request):
    if request.GET.get("export") == "xlsx":
        listing = CustomerList(request)
        require(request.user, "customer.export")
        count = listing.filtered_queryset(listing.state()).count()
        if count > importers.EXPORT_JOB_THRESHOLD:
            job = importers.start_export(actor=request.user, query=listing.querystring())
            messages.info(request, _("The export of %(n)s rows runs in the background; download it here when "
                                     "it is ready.") % {"n": count})
            return redirect("customers:export_job", job.pk)
    return render_list(request, CustomerList)


@login_required
def my_customers(request):
    """The home counter's target: the list opened on 我负责的."""
    return redirect(reverse("customers:list") + "?scope=mine")


# --- batch actions ------------------------------------------------------------------------------------

def selected_customers(request):
    """The customers named by `ids` (GET or POST), all within the actor's scope — else 404."""
    ids = {int(v) for v in request.POST.getlist("ids") or request.GET.getlist("ids") if str(v).strip().isdigit()}
    if not ids:
        raise DomainError(_("Select at least one customer."))
    require(request.user, "customer.view")
    customers = list(queries.visible_customers(request.user).filter(pk__in=ids).order_by("pk"))
    if len(customers) != len(ids):
        raise NotFound()
    return customers


@login_required
def batch_edit(request):
    require(request.user, "customer.edit")
    customers = selected_customers(request)
    posted = request.method == "POST" and "apply" in request.POST
    form = BatchEditForm(request.POST if posted else None, actor=request.user,
                         initial={"what": request.POST.get("what") or request.GET.get("what") or "status"})
    if posted and form.is_valid():
        try:
            count = batch_services.batch_update(actor=request.user, customers=customers, request=request,
                                                **form.service_values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, ngettext("Updated %(n)s customer.", "Updated %(n)s customers.", count)
                             % {"n": count})
            return finished(request)
    return render_modal(request, "customers/_batch_edit.html", {
        "form": form, "customers": customers, "title": _("Batch edit"), "action": reverse("customers:batch_edit"),
    }, status=400 if form.errors else 200)


@login_required
def batch_sms(request):
    require(request.user, "customer.sms")
    customers = selected_customers(request)
    form = SmsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = batch_services.send_sms_to_customers(actor=request.user, customers=customers,
                                                          content=form.cleaned_data["content"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            _report_sms(request, report)
            return finished(request)
    reachable = sum(1 for c in customers if services.MAINLAND_MOBILE.match(c.contact_phone or ""))
    return render_modal(request, "customers/_sms.html", {
        "form": form, "customers": customers, "reachable": reachable, "title": _("Send SMS"),
        "action": reverse("customers:batch_sms"), "company": request.tenant,
    }, status=400 if form.errors else 200)


def _report_sms(request, report):
    summary = _("SMS sent: %(sent)s, failed: %(failed)s, without a mobile number: %(skipped)s.") % {
        "sent": report.sent, "failed": report.failed, "skipped": report.skipped}
    reasons = list(dict.fromkeys(str(exc.message) for exc in report.errors))
    if report.failed:
        messages.warning(request, " ".join([summary, *reasons]))
    else:
        messages.success(request, summary)


@login_required
@require_POST
def batch_delete(request):
    require(request.user, "customer.delete")
    count = services.delete_customers(actor=request.user, customers=selected_customers(request), request=request)
    messages.success(request, ngettext("Deleted %(n)s customer.", "Deleted %(n)s customers.", count) % {"n": count})
    return back(request, reverse("customers:list"))


# --- export jobs --------------------------------------------------------------------------------------

def _export_job(request, job_id):
    require(request.user, "customer.export")
    job = importers.export_jobs(request.user).filter(pk=job_id).first()
    if job is None:
        raise Http404()
    return job


@login_required
def export_job(request, job_id):
    job = _export_job(request, job_id)
    template = "customers/_export_status.html" if request.htmx else "customers/export_job.html"
    return render(request, template, {"job": job})


@login_required
def export_download(request, job_id):
    job = _export_job(request, job_id)
    if job.status != job.Status.DONE or not job.file:
        raise Http404()
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename or "customers.xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


# --- settings (客户管理设置) ----------------------------------------------------------------------------

@login_required
def customer_settings(request):
    require(request.user, "customer.settings")
    current = company_settings.values(group="customer")
    form = SettingsForm(request.POST or None, initial=settings_initial(current))
    if request.method == "POST" and form.is_valid():
        try:
            changes = services.update_customer_settings(actor=request.user, values=form.service_values(),
                                                        request=request)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Customer settings saved.") if changes else _("Nothing was changed."))
            return redirect("customers:settings")
    return render(request, "customers/settings.html", {
        "form": form,
        "designer_url": url_or_empty("core:form_designer", services.FORM_TARGET),
        "custom_fields": services.schema().parsed.value_fields(),
    }, status=400 if form.errors else 200)
