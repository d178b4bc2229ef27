"""The plan editor (console). It parses input; plans.services validates and writes."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts.forms import user_choices
from shouhou.accounts.queries import pickable_users
from shouhou.core import forms_engine
from shouhou.core.forms import ConsoleForm, EngineErrorsMixin
from shouhou.core.forms_engine.listing import COLUMN_PREFIX
from shouhou.core.widgets import DateInput, TimeInput
from shouhou.customers.queries import visible_customers
from shouhou.products.queries import visible_products
from shouhou.workorders.forms import finish_widgets, with_custom_fields
from shouhou.workorders.models import Priority
from shouhou.workorders.queries.types import usable_types

from .models import Plan

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
            (5, _("Saturday")), (6, _("Sunday"))]
CHOICE_LIMIT = 500


class PlanForm(EngineErrorsMixin, ConsoleForm):
    """计划任务's editor: the orders' system fields, the schedule, the dispatch; `plan_form_class` appends the
    chosen work-order type's custom fields (the form engine, as on 新建工单), stored in the plan's `fields`."""

    field_aliases = {"recurrence.freq": "freq", "recurrence.interval": "interval",
                     "recurrence.weekdays": "weekdays", "recurrence.day_of_month": "day_of_month",
                     "dispatch.mode": "dispatch_mode", "dispatch.assignee_id": "assignee"}

    name = forms.CharField(label=_("Plan name"), max_length=100)
    order_type = forms.TypedChoiceField(label=_("Work-order type"), coerce=int,
                                        help_text=_("Changing the type shows its fields."))
    customer = forms.TypedChoiceField(label=_("Customer"), coerce=int)
    product = forms.TypedChoiceField(label=_("Product"), coerce=int, required=False, empty_value=None)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    freq = forms.ChoiceField(label=_("Repeat"), choices=Plan.Freq.choices, initial=Plan.Freq.MONTHLY)
    interval = forms.IntegerField(label=_("Every"), min_value=1, max_value=366, initial=1)
    weekdays = forms.TypedMultipleChoiceField(label=_("Weekdays"), choices=WEEKDAYS, coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    day_of_month = forms.IntegerField(label=_("Day of month"), min_value=1, max_value=31, required=False,
                                      help_text=_("Past a month's end: that month's last day."))
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    end_date = forms.DateField(label=_("End date"), required=False, widget=DateInput())
    count = forms.IntegerField(label=_("Occurrences"), min_value=1, max_value=1000, required=False,
                               help_text=_("An end date or a number of occurrences; neither: no end."))
    planned_time = forms.TimeField(label=_("Planned time"), initial=datetime.time(9, 0), widget=TimeInput(),
                                   required=False,
                                   input_formats=["%H:%M", "%H:%M:%S"],
                                   help_text=_("The time of day of the created orders' planned time (empty: 09:00)."))
    days_ahead = forms.IntegerField(label=_("Create days ahead"), min_value=0, max_value=365, initial=0,
                                    help_text=_("Each order is created this many days before its planned date."))
    dispatch_mode = forms.ChoiceField(label=_("Dispatch"), choices=Plan.Dispatch.choices,
                                      initial=Plan.Dispatch.ASSIGNEE)
    assignee = forms.TypedChoiceField(label=_("Assignee"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, actor, plan=None, initial=None, **kwargs):
        if plan is not None:
            initial = {name: getattr(plan, name) for name in (
                "name", "priority", "description", "freq", "interval", "weekdays", "day_of_month", "start_date",
                "end_date", "count", "planned_time", "days_ahead", "dispatch_mode")} | {
                "order_type": plan.order_type_id, "customer": plan.customer_id, "product": plan.product_id,
                "assignee": plan.assignee_id}
        super().__init__(*args, initial=initial, **kwargs)
        blank = [("", "—")]
        self.fields["order_type"].choices = blank + [(t.pk, t.name) for t in usable_types(actor).order_by("sort_order", "pk")]
        customers = visible_customers(actor).order_by("name", "pk")[:CHOICE_LIMIT]
        self.fields["customer"].choices = blank + [(c.pk, c.name) for c in customers]
        products = visible_products(actor).order_by("name", "pk")[:CHOICE_LIMIT]
        self.fields["product"].choices = blank + [(p.pk, str(p)) for p in products]
        for name, current in (("customer", plan and plan.customer), ("product", plan and plan.product)):
            if current is not None and current.pk not in dict(self.fields[name].choices):
                self.fields[name].choices.append((current.pk, str(current)))
        self.fields["assignee"].choices = blank + user_choices(pickable_users(actor).order_by("name", "pk"))
        self.fields["order_type"].widget.attrs["data-plan-type"] = ""
        finish_widgets(self)

    def custom_fields(self):
        return [self[name] for name in self.fields if name.startswith(COLUMN_PREFIX)]

    def service_values(self):
        data = self.cleaned_data
        return {name: data.get(name) for name in (
            "name", "order_type", "customer", "product", "priority", "description", "freq", "interval", "weekdays",
            "day_of_month", "start_date", "end_date", "count", "planned_time", "days_ahead", "dispatch_mode",
            "assignee")} | {"fields": getattr(self, "custom_values", None) or {}}


def plan_form_class(order_type, values=None):
    """PlanForm with `order_type`'s custom fields (inputs "cf_<key>"); without a type, PlanForm alone."""
    if order_type is None:
        return PlanForm
    return with_custom_fields(PlanForm, forms_engine.get_schema(order_type.form_target), values)
