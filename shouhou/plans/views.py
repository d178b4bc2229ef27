"""Console pages of recurring plans (计划任务, WO-22): the list (任务名称, 工单类型, 客户, 产品, 已创建工单,
重复周期, 下次创建时间), the editor (新建计划, also from a customer or product page with ?customer= / ?product=),
and 暂停 / 恢复 / 立即生成 / 删除. Reads through plans.queries, writes through plans.services."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from shouhou.core import forms_engine, timeline
from shouhou.core.generic_views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectView,
)
from shouhou.core.lists import Column, Filter, StandardList
from shouhou.workorders.models import Priority
from shouhou.workorders.queries.types import usable_types

from . import queries, services
from .forms import WEEKDAYS, plan_form_class
from .models import Plan


def describe_recurrence(plan):
    if plan.freq == Plan.Freq.DAILY:
        text = ngettext("Every day", "Every %(n)d days", plan.interval) % {"n": plan.interval}
    elif plan.freq == Plan.Freq.WEEKLY:
        text = ngettext("Every week", "Every %(n)d weeks", plan.interval) % {"n": plan.interval}
        names = dict(WEEKDAYS)
        if plan.weekdays:
            text += " · " + "、".join(str(names[day]) for day in plan.weekdays)
    else:
        text = ngettext("Every month", "Every %(n)d months", plan.interval) % {"n": plan.interval}
        text += " · " + _("day %(day)d") % {"day": plan.day_of_month or plan.start_date.day}
    return text


def _date(value):
    return value.isoformat() if value else "—"


class PlanList(StandardList):
    key = "plans"
    title = gettext_lazy("Scheduled tasks")
    template = "plans/plan_list.html"
    toolbar_template = "plans/_toolbar.html"
    search_fields = ["name", "customer__name", "product__name"]
    search_placeholder = gettext_lazy("Name, customer or product")
    default_sort = "-created_at"
    filters = [
        Filter("paused", gettext_lazy("Status"), "is_paused", kind="bool",
               choices=lambda r: [("0", _("Active")), ("1", _("Paused"))]),
    ]

    def __init__(self, request):
        super().__init__(request)
        self.columns = [
            Column("name", gettext_lazy("Task name"), sortable=True, link=lambda p: reverse("plans:detail", args=[p.pk])),
            Column("order_type", gettext_lazy("Work-order type"), value=lambda p: p.order_type.name),
            Column("customer", gettext_lazy("Customer"), value=lambda p: p.customer.name,
                   link=lambda p: reverse("customers:detail", args=[p.customer_id]), link_perm="customer.view"),
            Column("product", gettext_lazy("Product"), value=lambda p: str(p.product) if p.product else "—"),
            Column("end_date", gettext_lazy("Deadline"), sortable=True, value=lambda p: _date(p.end_date)),
            Column("created_count", gettext_lazy("Orders created"), sortable=True, css="text-end"),
            Column("recurrence", gettext_lazy("Repeat"), value=describe_recurrence),
            Column("next_date", gettext_lazy("Next creation"), sortable=True,
                   value=lambda p: _("Paused") if p.is_paused else _date(p.next_create_date)),
            Column("actions", gettext_lazy("Actions"), value=self.actions_cell, html=True, css="col-actions",
                   export=lambda p: ""),
        ]

    def base_queryset(self, request):
        return queries.list_plans(request.user)

    def actions_cell(self, plan):
        return render_to_string("plans/_actions.html", {"plan": plan}, request=self.request)


class PlanListView(ObjectListView):
    list_class = PlanList

    def dispatch(self, request, *args, **kwargs):
        services._require(request.user)
        return super().dispatch(request, *args, **kwargs)


class PlanDetailView(ObjectView):
    """A plan's page: what it creates, its schedule, the occurrences with their orders, its timeline;
    编辑 / 立即生成 / 暂停 / 恢复 / 删除."""

    template = "plans/plan_detail.html"

    def get_object(self, request, pk):
        services._require(request.user)
        return queries.get_plan(request.user, pk)

    def get_context(self, request, plan):
        occurrences, openable = queries.occurrences_of(request.user, plan)
        schema = forms_engine.get_schema(plan.order_type.form_target)
        return {
            "plan": plan, "recurrence": describe_recurrence(plan),
            "priority": dict(Priority.choices).get(plan.priority, plan.priority),
            "occurrences": [(row, row.order_id in openable) for row in occurrences],
            "occurrence_limit": queries.OCCURRENCE_ROWS,
            "custom_values": forms_engine.display_values(schema, plan.fields, include_empty=False),
            "entries": timeline.entries_for(plan, 200),
        }


class PlanEditView(ObjectEditView):
    template = "plans/plan_form.html"

    def get_object(self, request, pk=None):
        services._require(request.user)
        return queries.get_plan(request.user, pk) if pk is not None else None

    def get_form(self, request, plan):
        actor = request.user
        initial = None
        if plan is None:
            initial = {"start_date": services.company_today(actor.tenant)}
            for name in ("customer", "product"):
                value = request.GET.get(name, "")
                if value.isdigit() and len(value) < 19:
                    initial[name] = int(value)
        order_type = self.order_type(request, plan)
        if order_type is not None and initial is not None:
            initial["order_type"] = order_type.pk
        values = plan.fields if plan is not None and order_type is not None and order_type.pk == plan.order_type_id else {}
        form = plan_form_class(order_type, values)(request.POST or None, actor=actor, plan=plan, initial=initial)
        form.fields["order_type"].widget.attrs.update({
            "hx-get": request.path, "hx-trigger": "change", "hx-target": "#plan-custom-fields",
            "hx-select": "#plan-custom-fields", "hx-swap": "outerHTML"})
        return form

    @staticmethod
    def order_type(request, plan):
        """The type whose custom fields the form shows: the one posted or asked for (changing the select
        reloads the fields), else the plan's; one the actor may not use shows none."""
        value = request.POST.get("order_type") if request.method == "POST" else request.GET.get("order_type")
        if value is None:
            return plan.order_type if plan is not None else None
        value = str(value)
        if not (value.isdigit() and len(value) < 19):
            return None
        return usable_types(request.user).filter(pk=int(value)).first()

    def save(self, request, form, plan):
        if plan is None:
            return services.create_plan(actor=request.user, **form.service_values())
        return services.update_plan(actor=request.user, plan=plan, **form.service_values())

    def success_message(self, request, form, saved, created):
        return _("Plan %(name)s saved.") % {"name": saved.name}

    def success_url(self, request, saved, created):
        return reverse("plans:detail", args=[saved.pk])

    def get_context(self, request, form, plan):
        order_type = self.order_type(request, plan)
        return {"form": form, "plan": plan, "title": _("Edit plan") if plan else _("New plan"),
                "order_type": order_type}


class _PlanAction:
    def get_object(self, request, pk):
        return queries.get_plan(request.user, pk)

    def success_url(self, request, plan):
        return reverse("plans:list")


class PlanPauseView(_PlanAction, ObjectActionView):
    def act(self, request, plan):
        services.pause_plan(actor=request.user, plan=plan)

    def success_message(self, request, plan):
        return _("Plan %(name)s paused.") % {"name": plan.name}


class PlanResumeView(_PlanAction, ObjectActionView):
    def act(self, request, plan):
        services.resume_plan(actor=request.user, plan=plan)

    def success_message(self, request, plan):
        return _("Plan %(name)s resumed.") % {"name": plan.name}


class PlanGenerateView(_PlanAction, ObjectActionView):
    """立即生成."""

    def act(self, request, plan):
        self.created = services.generate(actor=request.user, plan=plan)

    def success_message(self, request, plan):
        if not self.created:
            return _("No work order is due for plan %(name)s.") % {"name": plan.name}
        return ngettext("Created %(n)d work order: %(numbers)s", "Created %(n)d work orders: %(numbers)s",
                        len(self.created)) % {"n": len(self.created),
                                              "numbers": ", ".join(o.number for o in self.created)}


class PlanDeleteView(_PlanAction, ObjectDeleteView):
    def delete(self, request, plan):
        services.delete_plan(actor=request.user, plan=plan)

    def success_message(self, request, plan):
        return _("Plan %(name)s deleted.") % {"name": plan.name}
