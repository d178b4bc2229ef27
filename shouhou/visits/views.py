"""Console pages of return visits (WO-17, WO-18, CUS-12): 工单回访 — 人工回访 and 自动回访, each with 全部 /
已回访 / 未回访 —, the visit dialog, 重新发送 of a survey, the 回访 tabs of the order and customer pages,
and 满意度设置. Reads through visits.queries, writes through visits.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Q, Subquery
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.accounts.queries import visible_users
from shouhou.core import dialogs, permissions
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.lists import Column, Filter, StandardList, Tab, render_list
from shouhou.customers.queries import get_customer

from . import answers, figures, queries, services
from .forms import AnswerForm, SettingsForm
from .models import Survey, Visit


def _time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _phone(order):
    """电话, a tel: link (click to call on the phone)."""
    phone = order.contact_phone
    return format_html('<a href="tel:{}">{}</a>', phone, phone) if phone else ""


def _level_subquery(kind):
    return Subquery(Visit.objects.filter(order=OuterRef("pk"), kind=kind).values("level")[:1])


class VisitList(StandardList):
    kind = Visit.Kind.MANUAL
    template = "visits/list.html"
    search_fields = ["number", "customer__name", "contact_name", "contact_phone"]
    search_placeholder = gettext_lazy("Work-order number or customer")
    default_sort = "-finished_at"
    export_perm = "visit.view"

    def __init__(self, request):
        super().__init__(request)
        self.filters = [
            Filter("assignee", gettext_lazy("Assignee"), "assignee_id",
                   choices=lambda r: list(queries.visit_orders(r.user).exclude(assignee=None)
                                          .order_by().values_list("assignee_id", "assignee__name").distinct())),
            Filter("finished", gettext_lazy("Finished at"), "finished_at", kind="date_range"),
            Filter("level", gettext_lazy("Service satisfaction"), "visit_level", choices=lambda r: answers.levels()),
        ]
        self.columns = [
            Column("number", gettext_lazy("Work-order number"), sortable=True, code=True,
                   link=lambda o: reverse("workorders:detail", args=[o.pk])),
            Column("customer", gettext_lazy("Customer"), value=lambda o: o.customer.name),
            Column("contact_name", gettext_lazy("Contact")),
            Column("contact_phone", gettext_lazy("Phone"), value=_phone, html=True, code=True,
                   export=lambda o: o.contact_phone),
            Column("assignee", gettext_lazy("Assignee"), value=lambda o: o.assignee.name if o.assignee else ""),
            Column("finished_at", gettext_lazy("Finished at"), sortable=True, value=lambda o: _time(o.finished_at)),
            Column("visit_level", gettext_lazy("Service satisfaction"),
                   value=lambda o: answers.level_label(o.visit_level) if o.visit_level else ""),
            Column("actions", gettext_lazy("Actions"), value=self.actions_cell, html=True, css="col-actions",
                   export=lambda o: ""),
        ]

    def base_queryset(self, request):
        permissions.require(request.user, "visit.view")
        return queries.visit_orders(request.user).annotate(visit_level=_level_subquery(self.kind))

    def extra_context(self, request):
        return {"mode": self.kind}

    def actions_cell(self, order):
        return render_to_string("visits/_actions.html", {"order": order, "kind": self.kind,
                                                          "can_record": permissions.has_perm(self.request.user, "visit.record")})


class ManualVisitList(VisitList):
    key = "visits_manual"
    title = gettext_lazy("Return visits")
    tabs = [Tab("all", gettext_lazy("All")), Tab("visited", gettext_lazy("Visited"), Q(has_visit=True)),
            Tab("unvisited", gettext_lazy("Not visited"), Q(has_visit=False))]
    empty_text = gettext_lazy("No finished work orders")


class AutoVisitList(VisitList):
    key = "visits_auto"
    kind = Visit.Kind.AUTO
    title = gettext_lazy("Return visits")
    tabs = [Tab("all", gettext_lazy("All")), Tab("visited", gettext_lazy("Visited"), Q(survey_answered=True)),
            Tab("unvisited", gettext_lazy("Not visited"), Q(survey_answered=False))]
    empty_text = gettext_lazy("No surveys sent yet")

    def base_queryset(self, request):
        return super().base_queryset(request).filter(has_survey=True).annotate(
            survey_resent=Subquery(Survey.objects.filter(order=OuterRef("pk")).values("resent_at")[:1]),
            survey_expires=Subquery(Survey.objects.filter(order=OuterRef("pk")).values("expires_at")[:1]))


@login_required
def visit_list(request):
    return render_list(request, ManualVisitList)


@login_required
def auto_visit_list(request):
    return render_list(request, AutoVisitList)


# --- the visit dialog (WO-18) ----------------------------------------------------------------------------

def visit_form(request, order):
    """The visit form of a surface (the console's dialog, the phone's page): (form or None when the actor may
    not visit now, the refusal, the order's answers so far, saved). A valid POST records the visit through
    services.record_visit; its refusals go onto the form."""
    refused = services.visit_refusal(request.user, order)
    form = AnswerForm(request.POST or None) if refused is None else None
    saved = False
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.record_visit(actor=request.user, order=order, answer=form.answer(),
                                  expected_version=order.version)
        except NotFound:
            raise
        except DomainError as exc:
            form.add_answer_errors(exc)
        else:
            messages.success(request, _("The return visit was recorded."))
            saved = True
    rows = _visit_rows(queries.visits_of([order]).get(order.pk, {}).values())
    return form, refused, rows, saved


@login_required
def visit_dialog(request, pk):
    """回访: the dialog of a finished order not yet visited; a visited one shows its visit."""
    order = queries.get_visit_order(request.user, pk)
    form, refused, rows, saved = visit_form(request, order)
    if saved:
        return dialogs.finished(request)
    return dialogs.render_modal(request, "visits/_visit_dialog.html", {
        "order": order, "action": reverse("visits:visit", args=[pk]), "title": _("Return visit"),
        "answer_rows": rows, "form": form, "refused": refused})


@login_required
@require_POST
def resend(request, pk):
    order = queries.get_visit_order(request.user, pk)
    try:
        survey = services.resend_survey(actor=request.user, order=order)
    except NotFound:
        raise
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        if survey.send_error:
            messages.error(request, _("The SMS could not be sent: %(error)s") % {"error": survey.send_error})
        else:
            messages.success(request, _("The survey was sent again."))
    return dialogs.finished(request, reverse("visits:auto"))


# --- the tabs on the order and customer pages ---------------------------------------------------------------

def _visit_rows(visits):
    levels = dict(answers.levels())
    return [{"visit": v, "level": levels.get(v.level, ""), "order": v.order} for v in visits]


@login_required
def for_order(request, pk):
    order = queries.get_visit_order(request.user, pk)
    survey = queries.survey_of(order)
    return render(request, "visits/_order_tab.html", {
        "order": order, "rows": _visit_rows(queries.visible_visits(request.user).filter(order=order)),
        "survey": survey, "survey_state": services.survey_state(survey) if survey else "",
        "may_visit": services.visit_refusal(request.user, order) is None,
        "may_resend": bool(survey and survey.answered_at is None and survey.resent_at is None
                           and permissions.has_perm(request.user, "visit.record"))})


@login_required
def for_customer(request, pk):
    permissions.require(request.user, "visit.view")
    customer = get_customer(request.user, pk)
    visits = queries.visible_visits(request.user).filter(order__customer=customer)[:100]
    return render(request, "visits/_customer_tab.html", {"rows": _visit_rows(visits)})


@login_required
def for_user(request, pk):
    """服务评价 on an engineer's page: the answers about the orders he did (within the viewer's work-order
    scope) and their good / bad rates."""
    permissions.require(request.user, "visit.view")
    permissions.require(request.user, "account.view")
    person = permissions.get_visible_or_404(visible_users(request.user), pk=pk)
    visits = queries.visible_visits(request.user).filter(engineer=person)
    figures_row = next(iter(figures.satisfaction(request.user, by="engineer", engineer=person)), None)
    return render(request, "visits/_user_tab.html", {"rows": _visit_rows(visits[:100]), "figures": figures_row})


# --- 满意度设置 ------------------------------------------------------------------------------------------

@login_required
def settings_page(request):
    permissions.require(request.user, "visit.settings")
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.save_settings(
                    actor=request.user, levels={k: data[k] for k in ("good", "fair", "bad")},
                    dimensions=data["dimensions"], positive_tags=data["positive_tags"],
                    negative_tags=data["negative_tags"], survey_questions=list(data["survey_questions"]),
                    expiry_days=data["expiry_days"], request=request)
            except DomainError as exc:
                form.add_domain_error(_settings_errors(exc))
            else:
                messages.success(request, _("Saved."))
                return dialogs.finished(request, reverse("visits:settings"))
    else:
        form = SettingsForm(initial=SettingsForm.initial_values())
    return render(request, "visits/settings.html", {"form": form, "title": _("Satisfaction settings")})


def _settings_errors(exc):
    details = getattr(exc, "details", None)
    if details:
        exc.details = {key.removeprefix("levels."): value for key, value in details.items()}
    return exc
