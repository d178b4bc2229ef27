"""工单导入 (WO-03): work orders from Excel, checked row by row, then created all together or not at all.

One row is one work order: its type (by name), the customer (by number, or by name when the name is
unique), contact, phone and address (the customer's defaults when empty), product (by number), priority,
service type and content (by name), planned time and description. Each row is created through
order_services.create_work_order, so numbering, timelines and events are what a console user would produce.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import forms_engine
from shouhou.core.errors import ValidationFailed
from shouhou.core.importer import ImportColumn, Importer, register

from .models import Priority, ServiceOption
from .queries import pickers
from .queries import types as type_queries
from .services import orders as order_services

DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")


@register
class WorkOrderImporter(Importer):
    key = "workorders.orders"
    title = gettext_lazy("Work orders")
    permission = "workorder.import"
    list_url_name = "workorders:list"
    max_rows = 5_000
    columns = [
        ImportColumn("order_type", gettext_lazy("Work-order type"), required=True, example="维修",
                     aliases=("工单类型", "类型")),
        ImportColumn("customer_number", gettext_lazy("Customer number"), example="CUS000001",
                     help=gettext_lazy("The customer number, or else the customer name, is required."),
                     aliases=("客户编号",)),
        ImportColumn("customer_name", gettext_lazy("Customer name"), example="上海某某机械有限公司",
                     aliases=("客户名称", "客户")),
        ImportColumn("contact_name", gettext_lazy("Contact"), example="张三",
                     help=gettext_lazy("Empty: the customer's default contact."), aliases=("联系人",)),
        ImportColumn("contact_phone", gettext_lazy("Phone"), example="13800138000", aliases=("电话", "联系电话")),
        ImportColumn("address", gettext_lazy("Address"), example="上海市浦东新区碧波路690号",
                     help=gettext_lazy("Empty: the customer's default address."), aliases=("地址",)),
        ImportColumn("product_number", gettext_lazy("Product number"), example="P-0001", aliases=("产品编号",)),
        ImportColumn("priority", gettext_lazy("Priority"), example="中",
                     help=gettext_lazy("Low, medium, high or urgent; empty: medium."), aliases=("优先级",)),
        ImportColumn("service_type", gettext_lazy("Service type"), example="保内免费", aliases=("服务类型",)),
        ImportColumn("service_content", gettext_lazy("Service content"), example="安装", aliases=("服务内容",)),
        ImportColumn("planned_at", gettext_lazy("Planned time"), example="2026-12-01 09:00",
                     help=gettext_lazy("Date and time as YYYY-MM-DD HH:MM."), aliases=("计划时间",)),
        ImportColumn("description", gettext_lazy("Description"), example="设备无法启动，请上门检修",
                     aliases=("描述", "工单描述"), multiline=True),
    ]

    def prepare(self):
        self.types = {t.name: t for t in type_queries.usable_types(self.actor)}
        self.needs_fields = {t.pk for t in self.types.values() if _has_required_fields(t)}
        self.options = {kind: {o.name: o for o in type_queries.service_options(kind)} for kind in ServiceOption.Kind.values}
        self.priorities = _priority_words()
        self.customers = pickers.visible_customers(self.actor)
        self.products = pickers.visible_products(self.actor)

    def parse_row(self, values):
        errors = {}
        text = {key: self.text(value) for key, value in values.items()}
        order_type = self.types.get(text.get("order_type", ""))
        if order_type is None:
            errors["order_type"] = [_("Unknown or unusable work-order type: %(name)s") % {
                "name": text.get("order_type") or "—"}]
        elif order_type.pk in self.needs_fields:
            errors["order_type"] = [_("%(name)s has required custom fields; create its work orders in the "
                                      "console.") % {"name": order_type.name}]
        customer = self._customer(text, errors)
        product = self._product(text, customer, errors)
        priority = self._priority(text.get("priority", ""), errors)
        kwargs = {"order_type": order_type, "customer": customer, "product": product, "priority": priority,
                  "planned_at": self._planned_at(values.get("planned_at"), errors),
                  "description": text.get("description", "")[:5000]}
        for key, kind in (("service_type", ServiceOption.Kind.SERVICE_TYPE),
                          ("service_content", ServiceOption.Kind.SERVICE_CONTENT)):
            name = text.get(key, "")
            kwargs[key] = self.options[kind].get(name) if name else None
            if name and kwargs[key] is None:
                errors[key] = [_("Unknown option: %(name)s") % {"name": name}]
        overrides = {"contact_name": text.get("contact_name", "")[:50],
                     "contact_phone": text.get("contact_phone", "")[:30],
                     "address_text": text.get("address", "")[:300]}
        if errors:
            raise ValidationFailed(details=errors)
        return {**kwargs, "overrides": {key: value for key, value in overrides.items() if value}}

    def _customer(self, text, errors):
        number, name = text.get("customer_number", ""), text.get("customer_name", "")
        if number:
            customer = self.customers.filter(number=number).first()
            if customer is None:
                errors["customer_number"] = [_("No customer has the number %(number)s.") % {"number": number}]
            return customer
        if not name:
            errors["customer_number"] = [_("Enter the customer number or the customer name.")]
            return None
        found = list(self.customers.filter(name=name)[:2])
        if not found:
            errors["customer_name"] = [_("No customer is called %(name)s.") % {"name": name}]
        elif len(found) > 1:
            errors["customer_name"] = [_("Several customers are called %(name)s; use the customer number.") % {
                "name": name}]
        return found[0] if len(found) == 1 else None

    def _product(self, text, customer, errors):
        number = text.get("product_number", "")
        if not number:
            return None
        product = self.products.filter(number=number).first()
        if product is None:
            errors["product_number"] = [_("No product has the number %(number)s.") % {"number": number}]
        elif customer is not None and product.customer_id not in (None, customer.pk):
            errors["product_number"] = [_("This product belongs to another customer.")]
        return product

    def _priority(self, word, errors):
        if not word:
            return Priority.NORMAL
        priority = self.priorities.get(word.lower())
        if priority is None:
            errors["priority"] = [_("Enter one of: %(choices)s.") % {
                "choices": "、".join(str(label) for label in Priority.labels)}]
        return priority

    def _planned_at(self, cell, errors):
        if cell in (None, ""):
            return None
        if isinstance(cell, datetime):
            moment = cell
        elif isinstance(cell, date):
            moment = datetime.combine(cell, datetime.min.time())
        else:
            moment = _parse_text(str(cell).strip())
        if moment is None:
            errors["planned_at"] = [_("Enter a date and time like 2026-12-01 09:00.")]
            return None
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment

    def create(self, actor, kwargs):
        kwargs = dict(kwargs)
        overrides = kwargs.pop("overrides")
        order = order_services.create_work_order(actor=actor, **kwargs)
        changed = {key: value for key, value in overrides.items() if getattr(order, key) != value}
        if changed:  # the file's contact or address instead of the customer's defaults
            order = order_services.update_work_order(actor=actor, order=order, **changed)
        return order


CHINESE_PRIORITIES = {"低": Priority.LOW, "中": Priority.NORMAL, "普通": Priority.NORMAL, "高": Priority.HIGH,
                      "紧急": Priority.URGENT}


def _priority_words():
    """Every spelling of every priority: its value and its label in each language."""
    words = dict(CHINESE_PRIORITIES)
    for value, label in Priority.choices:
        words[value] = value
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                words[str(label).lower()] = value
    return words


def _has_required_fields(order_type):
    schema = forms_engine.get_schema(order_type.form_target)
    return any(field.required for field in schema.parsed.value_fields())


def _parse_text(text):
    moment = parse_datetime(text.replace("/", "-"))
    if moment is not None:
        return moment
    for pattern in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None
