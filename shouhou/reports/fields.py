"""The report's fields (字段字典, WOSET-R4): every system and custom field of a work-order type with the
placeholder key a template writes in a cell, and the values of one order under the same keys.

A placeholder is the key in double braces, `{{order.number}}`. Keys of the repeating rows (`part.*`,
`service.*`) make their row repeat once per fee line of that kind.
"""

from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import forms_engine
from shouhou.core.tenancy import require_tenant
from shouhou.workorders import fees, order_facts

SYSTEM_FIELDS = [
    ("company.name", gettext_lazy("Company name")),
    ("order.number", gettext_lazy("Work-order number")),
    ("order.type", gettext_lazy("Work-order type")),
    ("order.status", gettext_lazy("Work-order status")),
    ("customer.name", gettext_lazy("Customer")),
    ("customer.number", gettext_lazy("Customer number")),
    ("order.contact", gettext_lazy("Contact")),
    ("order.phone", gettext_lazy("Phone")),
    ("order.address", gettext_lazy("Address")),
    ("product.name", gettext_lazy("Product")),
    ("product.number", gettext_lazy("Product number")),
    ("product.serial_number", gettext_lazy("Serial number")),
    ("order.priority", gettext_lazy("Priority")),
    ("order.service_type", gettext_lazy("Service type")),
    ("order.service_content", gettext_lazy("Service content")),
    ("order.planned_at", gettext_lazy("Planned time")),
    ("order.description", gettext_lazy("Description")),
    ("order.assignee", gettext_lazy("Assignee")),
    ("order.collaborators", gettext_lazy("Collaborators")),
    ("order.created_by", gettext_lazy("Created by")),
    ("order.created_at", gettext_lazy("Created at")),
    ("order.finished_at", gettext_lazy("Completed at")),
    ("receipt.content", gettext_lazy("Receipt content")),
    ("fees.parts_total", gettext_lazy("Parts total")),
    ("fees.services_total", gettext_lazy("Services total")),
    ("fees.total", gettext_lazy("Total fees")),
    ("report.date", gettext_lazy("Report date")),
]
LINE_FIELDS = [
    ("number", gettext_lazy("Number")),
    ("name", gettext_lazy("Name")),
    ("unit", gettext_lazy("Unit")),
    ("quantity", gettext_lazy("Quantity")),
    ("unit_price", gettext_lazy("Unit price")),
    ("discount", gettext_lazy("Discount (%)")),
    ("amount", gettext_lazy("Amount")),
    ("warranty", gettext_lazy("Warranty")),
]
REPEATING = {"part": gettext_lazy("Parts (repeating row)"), "service": gettext_lazy("Services (repeating row)")}
# Blocks of the system template that are not single values.
BLOCKS = [
    ("block.fees", gettext_lazy("Parts and services with totals")),
    ("block.photos", gettext_lazy("Photos")),
    ("block.signature", gettext_lazy("Customer signature")),
    ("block.survey", gettext_lazy("QR code of the satisfaction survey")),
]
NUMERIC_LINE_KEYS = {"quantity", "unit_price", "discount", "amount"}


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    section: str

    @property
    def placeholder(self):
        return f"{{{{{self.key}}}}}"


def dictionary(order_type):
    """[Entry] of every field a template of `order_type` may use, by section."""
    entries = [Entry(key, str(label), _("Work order")) for key, label in SYSTEM_FIELDS]
    for field in _fields(order_type.form_target):
        entries.append(Entry(f"cf.{field.key}", field.label, _("Custom fields")))
    for field in _fields(order_type.receipt_target):
        entries.append(Entry(f"receipt.{field.key}", field.label, _("Receipt")))
    for prefix, section in REPEATING.items():
        entries.extend(Entry(f"{prefix}.{key}", str(label), str(section)) for key, label in LINE_FIELDS)
    return entries


def choosable(order_type):
    """(key, label) the system template may show: single values and blocks (not the repeating keys)."""
    single = [(e.key, f"{e.section} · {e.label}") for e in dictionary(order_type) if e.key.split(".")[0] not in REPEATING]
    return single + [(key, str(label)) for key, label in BLOCKS]


def _fields(target):
    return forms_engine.get_schema(target).parsed.value_fields()


# --- values of one order ------------------------------------------------------------------------------------

def local(value):
    if value is None:
        return ""
    try:
        zone = ZoneInfo(require_tenant().time_zone)
    except (KeyError, ValueError):
        zone = ZoneInfo("Asia/Shanghai")
    return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M")


def receipt_of(order):
    from shouhou.workorders.models import Receipt

    return Receipt.objects.filter(order=order, is_draft=False).first()


def fee_lines(order):
    """(parts, services): the order's fee lines as {key: value} under the LINE_FIELDS keys."""
    provider = fees.fees_provider()
    lines = provider.fees(order)["lines"] if provider is not None else []
    parts, services = [], []
    for line in lines:
        row = {"number": line.get("number", ""), "name": line.get("name", ""), "unit": line.get("unit", ""),
               "quantity": Decimal(str(line.get("quantity") or 0)),
               "unit_price": Decimal(str(line.get("unit_price") or 0)),
               "discount": Decimal(str(line.get("discount") or 0)),
               "amount": Decimal(str(line.get("line_total") or 0)),
               "warranty": _warranty(line.get("warranty"))}
        (parts if line.get("kind") == "part" else services).append(row)
    return parts, services


def _warranty(value):
    return {"in": _("In warranty"), "out": _("Out of warranty")}.get(value, "" if value in (None, "") else str(value))


def values(order):
    """{key: value} of the order's single fields (text, or Decimal for amounts), plus "parts" and
    "services": lists of line dicts."""
    tenant = require_tenant()
    receipt = receipt_of(order)
    parts, services = fee_lines(order)
    parts_total = sum((row["amount"] for row in parts), Decimal("0.00"))
    services_total = sum((row["amount"] for row in services), Decimal("0.00"))
    product = order.product
    found = {
        "company.name": tenant.name,
        "order.number": order.number,
        "order.type": order.order_type.name,
        "order.status": order.get_status_display(),
        "customer.name": order.customer.name,
        "customer.number": getattr(order.customer, "number", ""),
        "order.contact": order.contact_name,
        "order.phone": order.contact_phone,
        "order.address": order.address_text,
        "product.name": product.name if product else "",
        "product.number": product.number if product else "",
        "product.serial_number": product.serial_number if product else "",
        "order.priority": order.get_priority_display(),
        "order.service_type": order.service_type.name if order.service_type else "",
        "order.service_content": order.service_content.name if order.service_content else "",
        "order.planned_at": local(order.planned_at),
        "order.description": order.description,
        "order.assignee": order.assignee.name if order.assignee else "",
        "order.collaborators": "、".join(user.name for user in order.collaborators.all()),
        "order.created_by": order.created_by.name if order.created_by else "",
        "order.created_at": local(order.created_at),
        "order.finished_at": local(order.finished_at),
        "receipt.content": receipt.content if receipt else "",
        "fees.parts_total": parts_total,
        "fees.services_total": services_total,
        "fees.total": parts_total + services_total,
        "report.date": local(timezone.now())[:10],
    }
    for item in forms_engine.display_values(forms_engine.get_schema(order.order_type.form_target), order.fields):
        found[f"cf.{item.key}"] = item.text
    if receipt is not None:
        schema = forms_engine.get_schema(order.order_type.receipt_target)
        for item in forms_engine.display_values(schema, receipt.fields):
            found[f"receipt.{item.key}"] = item.text
    found["parts"], found["services"] = parts, services
    return found


def survey_url(order):
    """The customer's survey link (the visits module's fact), or ""."""
    return order_facts.fact("survey_url", order, default="") or ""
