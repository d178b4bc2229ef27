"""The receipt's 备件 and 服务项目 (issue 11, WOSET-R1/R2, SVC-04, PAY-06): the lines an engineer adds,
priced by the company's pricing rules (parts.pricing.quote: 保内 / 保外 from the order's product), held
back in stock while the receipt is a draft, consumed with the completion and given back on reopening.

- `clean` turns the surfaces' input ({parts, service_items, old_parts}) into priced lines (JSON-ready
  dicts stored on `Receipt.lines`); an override of the unit price or the discount is accepted only when
  the company allows it (WOSET-R2) and needs a reason; `overrides` lists them for the timeline.
- `hold` keeps the draft's parts reserved at the stock place (StockLevel.reserved, 不可用数量).
- `consume` runs inside the completion's flow step (transitions._apply_complete): the reservation is
  released, the parts leave the stock place (movements referencing the order, customer and product), the
  replaced faulty parts go to the 不良品库 (旧件返还), the service records are written and the order's
  total (合计费用, WorkOrder.total_amount) is set — all or nothing: a line beyond what is held refuses the
  whole completion, naming the line and the quantity available.
- `reverse` runs inside the reopening's step: reversing movements and service records, total back to 0,
  and the draft holds its parts again.

Nothing here reads the database when the receipt has no lines, so a completion without parts costs the
statements it always did.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from shouhou.core import company_settings, references
from shouhou.core.errors import ValidationFailed
from shouhou.parts import pricing
from shouhou.parts import queries as part_queries
from shouhou.parts.models import Part, ServiceItem
from shouhou.parts.services import stock as stock_services
from shouhou.parts.services import usage

PART, SERVICE, OLD_PART = "part", "service", "old_part"
MAX_LINES = 100


# --- input --------------------------------------------------------------------------------------------------

def allow_discount():
    return bool(company_settings.get("workorder.receipt_allow_discount"))


def allow_unit_price():
    return allow_discount() and bool(company_settings.get("workorder.receipt_allow_unit_price"))


def _override(raw, key, field, errors, allowed, *, percent=False):
    value = raw.get(key)
    if value in (None, ""):
        return None
    if not allowed:
        errors[field] = [_("Changing the discount is not allowed.") if percent
                         else _("Changing unit prices is not allowed.")]
        return None
    number = usage.clean_money(value, field, errors)
    if number is not None and percent and number > 100:
        errors[field] = [_("A percentage is between 0 and 100.")]
        return None
    return number


def _list(value, key, errors):
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors[key] = [_("Send a list of lines.")]
        return []
    if len(value) > MAX_LINES:
        errors[key] = [_("At most %(n)d lines at a time.") % {"n": MAX_LINES}]
        return []
    return [raw if isinstance(raw, dict) else {} for raw in value]


def _overrides_of(raw, prefix, errors):
    unit_price = _override(raw, "unit_price", f"{prefix}.unit_price", errors, allow_unit_price())
    discount = _override(raw, "discount", f"{prefix}.discount", errors, allow_discount(), percent=True)
    reason = ""
    if raw.get("reason") not in (None, ""):
        from shouhou.core import clean

        reason = clean.text(raw.get("reason"), 200, f"{prefix}.reason", errors)
    return unit_price, discount, reason


def sections(order):
    """The kinds of line the order type's receipt has (WOSET-R1): 备件 with 旧件返还, 服务项目."""
    from . import types

    kinds = set()
    if types.receipt_section(order.order_type, "parts"):
        kinds |= {PART, OLD_PART}
    if types.receipt_section(order.order_type, "service_items"):
        kinds.add(SERVICE)
    return kinds


def _refuse_missing_sections(kinds, given, errors):
    for kind, key, message in ((PART, "parts", _("This work order type's receipt has no spare parts.")),
                               (OLD_PART, "old_parts", _("This work order type's receipt has no spare parts.")),
                               (SERVICE, "service_items", _("This work order type's receipt has no service items."))):
        if kind not in kinds and given[kind]:
            errors[key] = [message]


def clean(actor, order, *, parts=None, service_items=None, old_parts=None, previous=()):
    """Priced lines (dicts) from the surfaces' input, or None when no list was given at all (keep the
    receipt's lines). A list left out (None) keeps `previous`'s lines of its kind. A line of a section
    the order type's receipt does not have (WOSET-R1) is refused, and such lines kept from a draft are
    dropped. Raises ValidationFailed with every error ("parts.<i>.quantity" …)."""
    kinds = sections(order)
    given = {PART: parts, SERVICE: service_items, OLD_PART: old_parts}
    if parts is None and service_items is None and old_parts is None:
        if all(line.get("kind") in kinds for line in previous or ()):
            return None
    kept = [line for line in previous or () if given.get(line.get("kind"), []) is None and line.get("kind") in kinds]
    errors = {}
    _refuse_missing_sections(kinds, given, errors)
    if errors:
        raise ValidationFailed(details=errors)
    raw_parts = _list(parts, "parts", errors)
    raw_items = _list(service_items, "service_items", errors)
    raw_old = _list(old_parts, "old_parts", errors)
    wanted, overrides = [], []
    part_lines = stock_services.clean_lines(actor, raw_parts, errors, serials_required=False, key="parts") \
        if raw_parts else []
    for line in part_lines:
        prefix = f"parts.{line.index}"
        if not line.part.enabled:
            errors[f"{prefix}.part_id"] = [_("%(part)s is disabled.") % {"part": line.part}]
        unit_price, discount, reason = _overrides_of(raw_parts[line.index], prefix, errors)
        wanted.append({"kind": PART, "item": line.part, "quantity": line.quantity, "unit_price": unit_price,
                       "discount": discount, "serials": line.serials})
        overrides.append(reason)
    seen = set()
    for index, raw in enumerate(raw_items):
        prefix = f"service_items.{index}"
        item = references.resolve(actor, part_queries.service_items, raw.get("service_item_id"),
                                  field=f"{prefix}.service_item_id", errors=errors, required=True)
        amount = usage.clean_quantity(raw.get("quantity"), f"{prefix}.quantity", errors)
        unit_price, discount, reason = _overrides_of(raw, prefix, errors)
        if item is None or amount is None:
            continue
        if not item.enabled:
            errors[f"{prefix}.service_item_id"] = [_("%(item)s is disabled.") % {"item": item.name}]
        if item.pk in seen:
            errors[f"{prefix}.service_item_id"] = [_("%(item)s is on another line already.") % {"item": item.name}]
        seen.add(item.pk)
        wanted.append({"kind": SERVICE, "item": item, "quantity": amount, "unit_price": unit_price,
                       "discount": discount, "serials": []})
        overrides.append(reason)
    old_lines = stock_services.clean_lines(actor, raw_old, errors, serials_required=False, key="old_parts") \
        if raw_old else []
    if errors:
        raise ValidationFailed(details=errors)
    priced = pricing.quote(order, wanted)
    lines = []
    for index, (line, want, reason) in enumerate(zip(priced, wanted, overrides, strict=True)):
        key = ("parts" if line.kind == PART else "service_items")
        position = sum(1 for earlier in priced[:index] if earlier.kind == line.kind)
        if line.overridden and not reason:
            errors[f"{key}.{position}.reason"] = [_("Give a reason for the changed price.")]
        lines.append(_as_json(line, want["serials"], reason if line.overridden else ""))
    for line in old_lines:
        lines.append({"kind": OLD_PART, "id": line.part.pk, "number": line.part.number, "name": line.part.name,
                      "unit": line.part.unit, "quantity": str(line.quantity), "serials": line.serials})
    if errors:
        raise ValidationFailed(details=errors)
    order_of_kinds = {PART: 0, SERVICE: 1, OLD_PART: 2}
    return sorted(lines + kept, key=lambda line: order_of_kinds[line["kind"]])


def preview(actor, order, *, parts=(), service_items=()):
    """The live price of a receipt being filled in (the console's and the phone's 备件 / 服务项目 rows as
    they change): ({"part": [...], "service": [...]} — per row its priced line, or None while the row is
    incomplete or wrong —, the total of the priced rows). The same `pricing.quote` as the completion, so
    the same Decimal results; nothing is read from stock and nothing is written."""
    kinds = sections(order)
    wanted, slots = [], []
    groups = ((PART, parts, "part_id", part_queries.parts), (SERVICE, service_items, "service_item_id",
                                                            part_queries.service_items))
    for kind, rows, id_key, queryset in groups:
        for raw in (rows or [])[:MAX_LINES] if kind in kinds else ():
            errors = {}
            raw = raw if isinstance(raw, dict) else {}
            item = references.resolve(actor, queryset, raw.get(id_key), field="item", errors=errors, required=True)
            amount = usage.clean_quantity(raw.get("quantity"), "quantity", errors)
            unit_price, discount, _reason = _overrides_of(raw, "line", errors)
            if errors or item is None or not item.enabled:
                slots.append((kind, None))
                continue
            wanted.append({"kind": kind, "item": item, "quantity": amount, "unit_price": unit_price,
                           "discount": discount})
            slots.append((kind, len(wanted) - 1))
    priced = pricing.quote(order, wanted) if wanted else []
    rows = {PART: [], SERVICE: []}
    for kind, position in slots:
        rows[kind].append(_as_json(priced[position], [], "") if position is not None else None)
    total = sum((line.line_total for line in priced), Decimal("0.00"))
    return {"part": rows[PART], "service": rows[SERVICE]}, total


def _as_json(line, serials, reason):
    item = line.item
    return {"kind": line.kind, "id": item.pk, "number": item.number, "name": item.name, "unit": item.unit,
            "quantity": str(line.quantity), "serials": list(serials), "sale_price": str(line.sale_price),
            "unit_price": str(line.unit_price), "discount": str(line.discount), "line_total": str(line.line_total),
            "warranty": line.warranty, "rule": line.rule, "override_reason": reason}


def overrides(lines):
    """The lines whose price was changed by hand (WOSET-R2), for the timeline."""
    return [line for line in lines or () if line.get("override_reason")]


def override_summary(lines):
    return "; ".join(_("%(name)s: ¥%(price)s, %(discount)s%% off (%(reason)s)") % {
        "name": line["name"], "price": line["unit_price"], "discount": line["discount"],
        "reason": line["override_reason"]} for line in overrides(lines))


def fee_lines(lines):
    return [line for line in lines or () if line.get("kind") in (PART, SERVICE)]


def total_of(lines):
    return sum((Decimal(line["line_total"]) for line in fee_lines(lines)), Decimal("0.00"))


# --- stock -----------------------------------------------------------------------------------------------

def place_of(order):
    """Where the receipt's parts come from: the company's receipt warehouse when one is set, else the
    assignee's personal stock (个人备件库)."""
    warehouse_id = company_settings.get("workorder.receipt_parts_warehouse_id") or 0
    if warehouse_id:
        warehouse = part_queries.all_warehouses().filter(pk=warehouse_id).first()
        if warehouse is not None:
            return stock_services.Place(warehouse=warehouse)
    if order.assignee is None:
        raise ValidationFailed(details={"parts": [_("The work order has no assignee whose stock to use.")]})
    return stock_services.Place(holder=order.assignee)


def _stored_place(data):
    from shouhou.parts.models import Warehouse

    if data.get("warehouse_id"):
        return stock_services.Place(warehouse=Warehouse.objects.get(pk=data["warehouse_id"]))
    from shouhou.accounts.models import User

    return stock_services.Place(holder=User.objects.for_tenant().get(pk=data["holder_id"]))


def _place_json(place):
    return {"warehouse_id": place.warehouse.pk if place.warehouse else None,
            "holder_id": place.holder.pk if place.holder else None}


def _stock_lines(lines, kind=PART, parts_by_id=None):
    """[stock Line] of the receipt's lines of `kind`, indexed as the surfaces number them."""
    chosen = [line for line in lines or () if line.get("kind") == kind]
    if not chosen:
        return []
    if parts_by_id is None:
        parts_by_id = Part.objects.in_bulk([line["id"] for line in chosen])
    return [usage.line(parts_by_id[line["id"]], line["quantity"], line.get("serials"), index)
            for index, line in enumerate(chosen) if line["id"] in parts_by_id]


def _release(receipt):
    held = receipt.reserved or {}
    if held.get("parts"):
        place = _stored_place(held["place"])
        parts_by_id = Part.objects.in_bulk([part_id for part_id, _quantity in held["parts"]])
        usage.release(place=place, lines=[usage.line(parts_by_id[part_id], quantity)
                                          for part_id, quantity in held["parts"] if part_id in parts_by_id])
    receipt.reserved = {}


def hold(order, receipt, lines):
    """The draft's parts reserved at the stock place; what it held before is released first. Refused
    (nothing changed) when a line exceeds what is available."""
    if not (receipt.reserved or {}).get("parts") and not any(line.get("kind") == PART for line in lines or ()):
        return
    _release(receipt)
    wanted = _stock_lines(lines)
    if wanted:
        place = place_of(order)
        usage.reserve(place=place, lines=wanted)
        receipt.reserved = {"place": _place_json(place),
                            "parts": [[line.part.pk, str(line.quantity)] for line in wanted]}


def consume(actor, order, receipt):
    """The completion's stock, records and fees (see the module's docstring); returns the order's changed
    fields. Called with the receipt stored and the order locked."""
    lines = receipt.lines or []
    if not lines and not (receipt.reserved or {}).get("parts"):
        return []
    _release(receipt)
    parts = _stock_lines(lines)
    refs = {"work_order": order, "customer": order.customer, "product": order.product}
    if parts:
        place = place_of(order)
        usage.use_on_order(actor=actor, place=place, lines=parts, **refs)
        receipt.reserved = {"used": _place_json(place)}
    usage.return_faulty(actor=actor, lines=_stock_lines(lines, OLD_PART), **refs)
    usage.record_services(actor=actor, work_order=order, lines=_service_rows(lines))
    receipt.save(update_fields=["reserved"])
    order.total_amount = total_of(lines)
    return ["total_amount"]


def _service_rows(lines):
    chosen = [line for line in lines if line.get("kind") == SERVICE]
    if not chosen:
        return []
    items = ServiceItem.objects.in_bulk([line["id"] for line in chosen])
    return [(items[line["id"]], Decimal(line["quantity"]), Decimal(line["unit_price"]), Decimal(line["line_total"]))
            for line in chosen if line["id"] in items]


def reverse(actor, order, receipt):
    """Reopening: what `consume` did, undone by reversing rows; the draft then holds its parts again."""
    if receipt is None or not receipt.lines:
        return []
    lines = receipt.lines
    refs = {"work_order": order, "customer": order.customer, "product": order.product}
    used = (receipt.reserved or {}).get("used")
    parts = _stock_lines(lines)
    if parts and used:
        usage.reverse_use(actor=actor, place=_stored_place(used), lines=parts, **refs)
    usage.return_faulty(actor=actor, lines=_stock_lines(lines, OLD_PART), reverse=True, **refs)
    usage.reverse_services(actor=actor, work_order=order, lines=_service_rows(lines))
    receipt.reserved = {}
    if parts and used:
        place = _stored_place(used)
        usage.reserve(place=place, lines=parts)
        receipt.reserved = {"place": used, "parts": [[line.part.pk, str(line.quantity)] for line in parts]}
    receipt.save(update_fields=["reserved"])
    order.total_amount = Decimal("0.00")
    return ["total_amount"]


def drop_hold(order):
    """A cancelled or transferred order's draft no longer holds parts back (its lines stay)."""
    receipt = _receipt_of(order)
    if receipt is not None and (receipt.reserved or {}).get("parts"):
        _release(receipt)
        receipt.save(update_fields=["reserved"])


def _receipt_of(order):
    from ..models import Receipt

    try:
        return order.receipt
    except Receipt.DoesNotExist:
        return None


class ReceiptFees:
    """The fees provider (workorders.fees): an order's fee lines are its receipt's 备件 and 服务项目."""

    def fees(self, order):
        receipt = _receipt_of(order)
        lines = fee_lines(receipt.lines if receipt is not None else [])
        return {"lines": lines, "total_amount": order.total_amount}


FEES = ReceiptFees()
