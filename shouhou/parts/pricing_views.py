"""收费标准 and 服务记录 pages (issue 11): the pricing rules (list, new, edit, delete) and the ledger of
service items used on work orders (SVC-03: search, filters, export), on the kit's generic views."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core.dialogs import can
from shouhou.core.generic_views import ObjectListView
from shouhou.core.lists import Column, Filter, StandardList
from shouhou.core.numbers import format_amount
from shouhou.core.permissions import has_perm

from . import queries
from .forms import PricingRuleForm
from .models import PricingRule, ServiceRecord
from .record_views import RecordDeleteView, RecordEditView
from .views import local_time, number, yes_no


def rule_effect(rule):
    effect = PricingRule.Effect
    if rule.effect == effect.FREE:
        return _("Free")
    if rule.effect == effect.PERCENT:
        return _("%(value)s%% of the sale price") % {"value": number(rule.value)}
    if rule.effect == effect.FIXED:
        return _("Fixed unit price %(price)s") % {"price": format_amount(rule.value)}
    return _("%(value)s%% off") % {"value": number(rule.value)}


def rule_scope(rule):
    parts = [rule.get_applies_to_display()]
    if rule.part_category_id:
        parts.append(rule.part_category.name)
    if rule.service_category:
        parts.append(rule.service_category)
    return " · ".join(str(part) for part in parts)


def rule_customers(rule):
    if rule.customers == PricingRule.Customers.TAG:
        return _("Tag: %(tag)s") % {"tag": rule.customer_tag}
    return rule.get_customers_display()


class PricingRuleList(StandardList):
    key = "pricing_rules"
    title = gettext_lazy("Pricing rules")
    template = "parts/list.html"
    toolbar_template = "parts/_pricing_toolbar.html"
    search_fields = ["name", "customer_tag", "service_category"]
    search_placeholder = gettext_lazy("Rule name, tag or category")
    default_sort = "priority"

    def __init__(self, request):
        super().__init__(request)
        self.may_edit = has_perm(request.user, "service_item.edit")
        self.columns = [
            Column("priority", gettext_lazy("Priority"), sortable=True, kind="count"),
            Column("name", gettext_lazy("Rule name"), sortable=True),
            Column("applies_to", gettext_lazy("Applies to"), value=rule_scope),
            Column("warranty", gettext_lazy("Warranty state"), value=lambda r: r.get_warranty_display()),
            Column("customers", gettext_lazy("Customers"), value=rule_customers),
            Column("effect", gettext_lazy("Effect"), value=rule_effect),
            Column("enabled", gettext_lazy("Enabled"), value=lambda r: yes_no(r.enabled)),
            Column("actions", gettext_lazy("Actions"), html=True, value=self.actions_cell, export=lambda r: ""),
        ]

    def base_queryset(self, request):
        return queries.pricing_rules(request.user)

    def actions_cell(self, rule):
        return render_to_string("parts/_pricing_actions.html", {"rule": rule, "may_edit": self.may_edit},
                                request=self.request)

    def extra_context(self, request):
        return {"can": can(request.user, "service_item.edit")}


class PricingRuleListView(ObjectListView):
    permission = "service_item.view"
    list_class = PricingRuleList


class PricingRuleEditView(RecordEditView):
    permission = "service_item.view"
    create_permission = edit_permission = "service_item.edit"
    form_class = PricingRuleForm
    lookup, create, update, argument, route = ("get_pricing_rule", "create_pricing_rule", "update_pricing_rule",
                                               "rule", "parts:pricing")
    saved_message = gettext_lazy("Pricing rule %(name)s saved.")
    titles = (gettext_lazy("New pricing rule"), gettext_lazy("Edit pricing rule"))


class PricingRuleDeleteView(RecordDeleteView):
    permission = "service_item.edit"
    lookup, remove, argument, back = "get_pricing_rule", "delete_pricing_rule", "rule", "parts:pricing"
    deleted_message = gettext_lazy("Pricing rule %(name)s deleted.")


# --- 服务记录 (SVC-03) ---------------------------------------------------------------------------------------

def service_item_categories(request):
    rows = (queries.service_items(request.user).exclude(category="").order_by("category")
            .values_list("category", flat=True).distinct())
    return [(name, name) for name in rows]


class ServiceRecordList(StandardList):
    key = "service_records"
    title = gettext_lazy("Service records")
    template = "parts/list.html"
    search_fields = ["service_item__name", "service_item__number", "order_number"]
    search_placeholder = gettext_lazy("Service item name or number, work-order number")
    default_sort = "-created_at"
    export_perm = "service_item.export"
    columns = [
        Column("kind", gettext_lazy("Type"), value=lambda r: r.get_kind_display()),
        Column("name", gettext_lazy("Service item name"), value=lambda r: r.service_item.name),
        Column("category", gettext_lazy("Category"), value=lambda r: r.service_item.category),
        Column("quantity", gettext_lazy("Quantity"), value=lambda r: number(r.quantity), css="text-end",
               export=lambda r: r.quantity),
        Column("amount", gettext_lazy("Amount"), kind="amount", sortable=True),
        Column("created_at", gettext_lazy("Time"), sortable=True, value=lambda r: local_time(r.created_at),
               export=lambda r: r.created_at),
        Column("actor", gettext_lazy("Operator"), value=lambda r: r.actor.name if r.actor_id else ""),
        Column("order_number", gettext_lazy("Work-order number"), html=True, value=lambda r: order_link(r),
               export=lambda r: r.order_number),
    ]
    filters = [
        Filter("kind", gettext_lazy("Type"), "kind", choices=lambda request: ServiceRecord.Kind.choices),
        Filter("category", gettext_lazy("Category"), "service_item__category", choices=service_item_categories),
        Filter("created", gettext_lazy("Time"), "created_at", kind="date_range"),
    ]

    def base_queryset(self, request):
        return queries.service_records(request.user)


def order_link(record):
    from django.utils.html import format_html

    if not record.work_order_id:
        return record.order_number
    return format_html('<a href="{}">{}</a>', reverse("workorders:detail", args=[record.work_order_id]),
                       record.order_number)


class ServiceRecordListView(ObjectListView):
    permission = "service_item.view"
    list_class = ServiceRecordList
