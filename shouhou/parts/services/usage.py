"""Parts and service items used on work orders (issue 11): what a receipt holds back (不可用数量), what a
completed order consumes, and the reversal when it is reopened.

Work orders sit above parts and call these from inside their own transaction (the completion's flow
step, services/receipt_lines.py there); the caller has already checked that the actor may complete or
reopen the order, so no stock permission is asked here: an engineer uses his personal stock on his order.
Errors come back under the caller's keys ("parts.<i>.quantity"), each naming the quantity available.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from shouhou.core import clean
from shouhou.core.errors import ValidationFailed

from ..models import ServiceRecord, StockMovement, Warehouse
from . import stock
from ._common import money as money_check
from ._common import quantity as quantity_check
from .stock import Line, Place

__all__ = ["reserve", "release", "use_on_order", "reverse_use", "return_faulty", "record_services",
           "reverse_services", "defective_warehouse", "clean_quantity", "clean_money"]

Kind = StockMovement.Kind


def _rekeyed(exc, prefix):
    """The engine's "lines.<i>.…" errors under `prefix` ("parts.<i>.…")."""
    return ValidationFailed(details={(prefix + key[len("lines"):]) if key.startswith("lines.") else key: messages
                                     for key, messages in exc.details.items()})


def reserve(*, place, lines, prefix="parts"):
    """Hold `lines` ([Line]) back at `place` (StockLevel.reserved, 不可用数量): refused, nothing held,
    when any line exceeds what is available there."""
    if not lines:
        return
    levels = stock.lock_levels(lines, [place])
    errors = {}
    for line in lines:
        level = levels[(line.part.pk, place.key)]
        available = level.quantity - level.reserved
        if line.quantity > available:
            errors[f"{prefix}.{line.index}.quantity"] = [
                _("Only %(available)s of %(part)s available at %(place)s.")
                % {"available": stock.format_quantity(max(available, Decimal(0))), "part": line.part, "place": place}]
    clean.raise_if(errors)
    for line in lines:
        level = levels[(line.part.pk, place.key)]
        level.reserved += line.quantity
        level.save(update_fields=["reserved", "updated_at"])


def release(*, place, lines):
    """Give back what `reserve` held (never below zero)."""
    if not lines:
        return
    levels = stock.lock_levels(lines, [place])
    for line in lines:
        level = levels[(line.part.pk, place.key)]
        level.reserved = max(level.reserved - line.quantity, Decimal(0))
        level.save(update_fields=["reserved", "updated_at"])


def use_on_order(*, actor, place, lines, work_order, customer=None, product=None, prefix="parts"):
    """用于工单: the parts leave `place` (the engineer's personal stock or a warehouse); each movement
    references the order, its customer and product; serial units become installed."""
    if not lines:
        return []
    try:
        return stock.move(actor=actor, kind_out=Kind.USED_ON_ORDER, kind_in=None, source=place, dest=None,
                          lines=lines, reason=_("Used on work order %(number)s") % {"number": work_order.number},
                          work_order=work_order, customer=customer, product=product)
    except ValidationFailed as exc:
        raise _rekeyed(exc, prefix) from exc


def reverse_use(*, actor, place, lines, work_order, customer=None, product=None):
    """A reopened order gives its parts back to the place they came from (reversing movements)."""
    if not lines:
        return []
    return stock.move(actor=actor, kind_out=None, kind_in=Kind.USED_ON_ORDER, source=None, dest=place,
                      lines=lines, reason=_("Work order %(number)s reopened") % {"number": work_order.number},
                      work_order=work_order, customer=customer, product=product, reinstate=True)


def defective_warehouse():
    """The company's first enabled 不良品库, or None."""
    return (Warehouse.objects.filter(kind=Warehouse.Kind.DEFECTIVE, enabled=True).order_by("name", "id").first())


def return_faulty(*, actor, lines, work_order, customer=None, product=None, prefix="old_parts", reverse=False):
    """旧件返还: the replaced faulty parts go to the 不良品库 with the order's reference (taken out again
    when the order is reopened, `reverse`)."""
    if not lines:
        return []
    warehouse = defective_warehouse()
    if warehouse is None:
        raise ValidationFailed(details={prefix: [_("Add a defective-parts warehouse first.")]})
    place = Place(warehouse=warehouse)
    reason = _("Faulty part from work order %(number)s") % {"number": work_order.number}
    try:
        if reverse:
            return stock.move(actor=actor, kind_out=Kind.FAULTY_RETURN, kind_in=None, source=place, dest=None,
                              lines=lines, reason=reason, work_order=work_order, customer=customer, product=product,
                              safety_check=False)
        return stock.move(actor=actor, kind_out=None, kind_in=Kind.FAULTY_RETURN, source=None, dest=place,
                          lines=lines, reason=reason, work_order=work_order, customer=customer, product=product,
                          reinstate=True)
    except ValidationFailed as exc:
        raise _rekeyed(exc, prefix) from exc


def record_services(*, actor, work_order, lines, reverse=False):
    """服务记录 (SVC-03): a row per service line [(item, quantity, unit_price, amount)] of the order —
    negated rows of kind 冲销 when `reverse`."""
    if not lines:
        return []
    sign = -1 if reverse else 1
    kind = ServiceRecord.Kind.REVERSAL if reverse else ServiceRecord.Kind.SALE
    rows = [ServiceRecord(tenant_id=work_order.tenant_id, kind=kind, service_item=item, quantity=sign * quantity,
                          unit_price=unit_price, amount=sign * amount, work_order=work_order,
                          order_number=work_order.number, customer_id=work_order.customer_id,
                          product_id=work_order.product_id, actor=clean.signed_in(actor))
            for item, quantity, unit_price, amount in lines]
    return ServiceRecord.objects.bulk_create(rows)


def reverse_services(*, actor, work_order, lines):
    return record_services(actor=actor, work_order=work_order, lines=lines, reverse=True)


def line(part, quantity, serials=(), index=0):
    return Line(part=part, quantity=Decimal(quantity), serials=list(serials or []), index=index)


# the value checks the callers' lines need (workorders' receipt lines)
clean_quantity = quantity_check
clean_money = money_check
