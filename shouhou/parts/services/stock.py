"""The stock ledger (PART-04, 05, 07, 09, 10): every change of on-hand is a StockMovement row, written
with the on-hand row it changes, in one transaction, under row locks.

A move takes parts from a source place and/or puts them at a destination place (a warehouse or a
person's personal stock). The engine (`move`) locks every StockLevel row it touches in one fixed order
(part, then place) so two moves never wait on each other in a circle, checks every line against what is
available — all shortages are refused at once with the quantity available, and nothing is written —
then writes a movement per place and line and updates the rows. Serial-tracked parts move by serial
number: each unit's place is checked and updated, and a SerialEvent links it to the movement.
"""

import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from shouhou.core import clean, outbox, references
from shouhou.core.errors import ValidationFailed

from .. import policy, queries
from ..models import Part, SerialEvent, SerialUnit, StockLevel, StockMovement, Warehouse
from ._common import MAX_LINES, actor_id, quantity

__all__ = ["Place", "Line", "clean_lines", "move", "stock_in", "stock_out", "remove_stock", "transfer", "allocate",
           "adjust_stock", "set_safety_stock", "ledger_differences"]

Kind = StockMovement.Kind


@dataclass(frozen=True)
class Place:
    warehouse: Warehouse | None = None
    holder: object | None = None

    @property
    def key(self):
        return (self.warehouse.pk if self.warehouse else 0, self.holder.pk if self.holder else 0)

    def filter(self):
        return {"warehouse_id": self.warehouse.pk if self.warehouse else None,
                "holder_id": self.holder.pk if self.holder else None}

    def __str__(self):
        return self.warehouse.name if self.warehouse else getattr(self.holder, "name", str(self.holder))


@dataclass
class Line:
    part: Part
    quantity: Decimal
    serials: list = field(default_factory=list)
    unit_cost: Decimal | None = None
    index: int = 0


def _serials(value, key, errors):
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors[key] = [_("Give the serial numbers as a list.")]
        return []
    found = []
    for raw in value:
        text = clean.text(raw, 80, key, errors, required=True)
        if key in errors:
            return []
        if text in found:
            errors[key] = [_("The serial number %(serial)s is given twice.") % {"serial": text}]
            return []
        found.append(text)
    return found


def clean_lines(actor, lines, errors, *, serials_required=True, key="lines"):
    """[Line] from [{part_id, quantity, serials?}]; errors under "lines.<i>.<field>". A serial-tracked
    part needs whole quantities and, when `serials_required`, as many serial numbers."""
    if not isinstance(lines, (list, tuple)) or not lines:
        errors[key] = [_("Add at least one part.")]
        return []
    if len(lines) > MAX_LINES:
        errors[key] = [_("At most %(n)d lines at a time.") % {"n": MAX_LINES}]
        return []
    cleaned, seen = [], set()
    for index, raw in enumerate(lines):
        prefix = f"{key}.{index}"
        raw = raw if isinstance(raw, dict) else {}
        part = references.resolve(actor, queries.parts, raw.get("part_id"), field=f"{prefix}.part_id",
                                  errors=errors, required=True)
        amount = quantity(raw.get("quantity"), f"{prefix}.quantity", errors)
        serials = _serials(raw.get("serials"), f"{prefix}.serials", errors)
        if part is None or amount is None:
            continue
        if part.pk in seen:
            errors[f"{prefix}.part_id"] = [_("The part %(part)s is on another line already.") % {"part": part}]
            continue
        seen.add(part.pk)
        if part.serial_tracked:
            if amount != amount.to_integral_value():
                errors[f"{prefix}.quantity"] = [_("A serial-tracked part moves in whole units.")]
            elif serials and len(serials) != amount or (serials_required and not serials):
                errors[f"{prefix}.serials"] = [_("Give %(n)s serial numbers for %(part)s.")
                                               % {"n": int(amount), "part": part}]
        elif serials:
            errors[f"{prefix}.serials"] = [_("%(part)s is not serial-tracked.") % {"part": part}]
        cleaned.append(Line(part=part, quantity=amount, serials=serials, index=index,
                            unit_cost=raw.get("unit_cost")))
    return cleaned


# --- the engine -------------------------------------------------------------------------------------------

def _level(part_id, place):
    """The (part, place) on-hand row under a row lock, made (at 0) when there is none yet."""
    rows = StockLevel.objects.select_for_update().filter(part_id=part_id, **place.filter())
    level = rows.first()
    if level is not None:
        return level
    try:
        with transaction.atomic():
            return StockLevel.objects.create(part_id=part_id, **place.filter())
    except IntegrityError:  # made meanwhile by a concurrent move: wait for it and lock it
        return rows.get()


def _lock_levels(lines, places):
    keys = sorted({(line.part.pk, place.key, place) for line in lines for place in places if place is not None},
                  key=lambda item: (item[0], item[1]))
    return {(part_id, place_key): _level(part_id, place) for part_id, place_key, place in keys}


def _pick_serials(line, source):
    units = (SerialUnit.objects.filter(part=line.part, **source.filter())
             .exclude(state__in=[SerialUnit.State.GONE, SerialUnit.State.INSTALLED])
             .order_by("serial")[: int(line.quantity)])
    return [unit.serial for unit in units]


def _check_serials(line, source, errors, reinstate=False):
    """The units of a line, locked: at `source` when there is one, else new (or gone earlier) ones — or,
    when `reinstate` (a reopened order gives its parts back), units installed earlier."""
    prefix = f"lines.{line.index}.serials"
    units = {unit.serial: unit for unit in
             SerialUnit.objects.select_for_update().filter(part=line.part, serial__in=line.serials)}
    for serial in line.serials:
        unit = units.get(serial)
        if source is None:
            back = (SerialUnit.State.GONE, SerialUnit.State.INSTALLED) if reinstate else (SerialUnit.State.GONE,)
            if unit is not None and unit.state not in back:
                errors[prefix] = [_("The serial number %(serial)s is already in stock.") % {"serial": serial}]
                return {}
        elif unit is None or (unit.warehouse_id, unit.holder_id) != tuple(source.filter().values()) \
                or unit.state in (SerialUnit.State.GONE, SerialUnit.State.INSTALLED):
            errors[prefix] = [_("The serial number %(serial)s is not at %(place)s.")
                              % {"serial": serial, "place": source}]
            return {}
    return units


def _fmt(number):
    return format(number.normalize(), "f") if number == number.to_integral_value() else format(number, "f")


def move(*, actor, kind_out, kind_in, source, dest, lines, reason="", request=None, pick_serials=False,
         work_order=None, customer=None, product=None, safety_check=True, reinstate=False):
    """Move `lines` from `source` to `dest` (either may be None: stock in / out). Call inside a
    transaction. Refuses (ValidationFailed, nothing written) when any line exceeds what is available."""
    levels = _lock_levels(lines, [source, dest])
    errors, units_by_line = {}, {}
    for line in lines:
        if source is not None:
            level = levels[(line.part.pk, source.key)]
            available = level.quantity - level.reserved
            if line.quantity > available:
                errors[f"lines.{line.index}.quantity"] = [
                    _("Only %(available)s of %(part)s available at %(place)s.")
                    % {"available": _fmt(max(available, Decimal(0))), "part": line.part, "place": source}]
                continue
        if line.part.serial_tracked:
            if not line.serials and pick_serials and source is not None:
                line.serials = _pick_serials(line, source)
            if len(line.serials) != int(line.quantity):
                errors[f"lines.{line.index}.serials"] = [_("Give %(n)s serial numbers for %(part)s.")
                                                         % {"n": int(line.quantity), "part": line.part}]
                continue
            units_by_line[line.index] = _check_serials(line, source, errors, reinstate)
    clean.raise_if(errors)
    batch = uuid.uuid4().hex
    written = []
    for line in lines:
        cost = line.unit_cost if line.unit_cost is not None else line.part.cost_price
        common = {"part": line.part, "unit_cost": cost, "reason": reason, "batch": batch, "request": request,
                  "serials": line.serials, "actor": clean.signed_in(actor), "work_order": work_order,
                  "customer": customer, "product": product}
        rows = []
        if source is not None:
            rows.append(_post(levels[(line.part.pk, source.key)], source, kind_out, -line.quantity,
                              counterpart=str(dest) if dest else "", **common))
        if dest is not None:
            rows.append(_post(levels[(line.part.pk, dest.key)], dest, kind_in, line.quantity,
                              counterpart=str(source) if source else "", **common))
        if line.part.serial_tracked:
            _move_units(line, units_by_line.get(line.index, {}), dest, rows, kind_in if dest else kind_out)
        written.extend(rows)
    outbox.emit("stock.moved", batch=batch, kind=kind_in if dest else kind_out, actor_id=actor_id(actor),
                movement_ids=[row.pk for row in written])
    if safety_check and source is not None and source.warehouse is not None:
        for line in lines:
            level = levels[(line.part.pk, source.key)]
            if level.below_safety:
                outbox.emit("stock.below_safety", level_id=level.pk, part_id=line.part.pk,
                            warehouse_id=source.warehouse.pk, quantity=str(level.quantity),
                            safety_quantity=str(level.safety_quantity))
    return written


def _post(level, place, kind, delta, **values):
    level.quantity += delta
    if level.quantity < 0:  # checked above; the database's check constraint is the last wall
        raise ValidationFailed(details={"lines": [_("Stock cannot go below zero.")]})
    level.save(update_fields=["quantity", "updated_at"])
    return StockMovement.objects.create(kind=kind, quantity=delta, balance=level.quantity, **place.filter(),
                                        **values)


def _move_units(line, units, dest, rows, kind):
    state = SerialUnit.State
    for serial in line.serials:
        unit = units.get(serial) or SerialUnit(part=line.part, serial=serial)
        unit.warehouse = dest.warehouse if dest else None
        unit.holder = dest.holder if dest else None
        if dest is None:
            unit.state = state.INSTALLED if kind == Kind.USED_ON_ORDER else state.GONE
        else:
            unit.state = state.IN_STOCK if dest.warehouse else state.HELD
        unit.save()
        SerialEvent.objects.bulk_create([SerialEvent(unit=unit, movement=row, tenant_id=unit.tenant_id) for row in rows])


# --- the actions --------------------------------------------------------------------------------------------

def _warehouse(actor, warehouse_id, errors, key="warehouse_id"):
    return references.resolve(actor, queries.visible_warehouses, warehouse_id, field=key, errors=errors,
                              required=True)


def _reason(reason, errors):
    return clean.text(reason, 200, "reason", errors)


def stock_in(*, actor, warehouse_id, lines, reason="", request=None):
    """入库: parts into a warehouse the actor manages. A line may carry its unit cost."""
    policy.require(actor, None, "stock.move")
    with transaction.atomic():
        errors = {}
        warehouse = _warehouse(actor, warehouse_id, errors)
        cleaned = clean_lines(actor, lines, errors)
        for line in cleaned:
            from ._common import money

            if line.unit_cost not in (None, ""):
                line.unit_cost = money(line.unit_cost, f"lines.{line.index}.unit_cost", errors)
            else:
                line.unit_cost = None
        reason = _reason(reason, errors)
        clean.raise_if(errors)
        return move(actor=actor, kind_out=None, kind_in=Kind.IN, source=None, dest=Place(warehouse=warehouse),
                    lines=cleaned, reason=reason)


def stock_out(*, actor, warehouse_id, lines, reason="", request=None):
    """出库: parts leave a warehouse the actor manages (refused beyond what it holds)."""
    policy.require(actor, None, "stock.move")
    with transaction.atomic():
        errors = {}
        warehouse = _warehouse(actor, warehouse_id, errors)
        cleaned = clean_lines(actor, lines, errors)
        reason = _reason(reason, errors)
        clean.raise_if(errors)
        return move(actor=actor, kind_out=Kind.OUT, kind_in=None, source=Place(warehouse=warehouse), dest=None,
                    lines=cleaned, reason=reason)


def remove_stock(*, actor, warehouse_id, lines, reason, request=None):
    """移除: parts scrapped, lost or found broken leave a warehouse the actor manages, with the reason
    (required); serial-tracked units are gone. Refused beyond what the warehouse holds."""
    policy.require(actor, None, "stock.move")
    with transaction.atomic():
        errors = {}
        warehouse = _warehouse(actor, warehouse_id, errors)
        cleaned = clean_lines(actor, lines, errors)
        reason = clean.text(reason, 200, "reason", errors, required=True)
        clean.raise_if(errors)
        return move(actor=actor, kind_out=Kind.REMOVAL, kind_in=None, source=Place(warehouse=warehouse), dest=None,
                    lines=cleaned, reason=reason)


def transfer(*, actor, warehouse_id, to_warehouse_id, lines, reason="", request=None):
    """调拨: from a warehouse the actor manages to any other warehouse of the company."""
    policy.require(actor, None, "stock.move")
    with transaction.atomic():
        errors = {}
        source = _warehouse(actor, warehouse_id, errors)
        dest = references.resolve(actor, lambda _actor: queries.all_warehouses(), to_warehouse_id,
                                  field="to_warehouse_id", errors=errors, required=True)
        if source is not None and dest is not None and source.pk == dest.pk:
            errors["to_warehouse_id"] = [_("Choose another warehouse to transfer to.")]
        cleaned = clean_lines(actor, lines, errors)
        reason = _reason(reason, errors)
        clean.raise_if(errors)
        return move(actor=actor, kind_out=Kind.TRANSFER_OUT, kind_in=Kind.TRANSFER_IN,
                    source=Place(warehouse=source), dest=Place(warehouse=dest), lines=cleaned, reason=reason)


def refuse_defective(warehouse, errors, key="warehouse_id"):
    if warehouse is not None and warehouse.kind == Warehouse.Kind.DEFECTIVE:
        errors[key] = [_("Parts are not issued from a defective-parts warehouse.")]


def allocate(*, actor, warehouse_id, holder_id, lines, reason="", request=None):
    """分配: from a warehouse the actor manages into a person's personal stock."""
    policy.require(actor, None, "stock.move")
    with transaction.atomic():
        errors = {}
        warehouse = _warehouse(actor, warehouse_id, errors)
        refuse_defective(warehouse, errors)
        holder = references.resolve(actor, queries.allocatable_holders, holder_id, field="holder_id",
                                    errors=errors, required=True)
        cleaned = clean_lines(actor, lines, errors)
        reason = _reason(reason, errors)
        clean.raise_if(errors)
        return move(actor=actor, kind_out=Kind.ALLOCATE, kind_in=Kind.ALLOCATE, source=Place(warehouse=warehouse),
                    dest=Place(holder=holder), lines=cleaned, reason=reason)


def adjust_stock(*, actor, warehouse_id, part_id, quantity, reason, request=None):
    """盘点 adjustment: set a warehouse's on-hand of a (not serial-tracked) part to the counted quantity;
    the difference is one adjustment movement. A reason is required."""
    from ._common import quantity as clean_quantity

    policy.require(actor, None, "stock.move")
    with transaction.atomic():
        errors = {}
        warehouse = _warehouse(actor, warehouse_id, errors)
        part = references.resolve(actor, queries.parts, part_id, field="part_id", errors=errors, required=True)
        counted = clean_quantity(quantity, "quantity", errors, allow_zero=True)
        reason = clean.text(reason, 200, "reason", errors, required=True)
        if part is not None and part.serial_tracked:
            errors["part_id"] = [_("Serial-tracked parts are counted by moving their units in or out.")]
        clean.raise_if(errors)
        place = Place(warehouse=warehouse)
        level = _level(part.pk, place)
        delta = counted - level.quantity
        if delta == 0:
            return []
        row = _post(level, place, Kind.ADJUSTMENT, delta, part=part, unit_cost=part.cost_price, reason=reason,
                    batch=uuid.uuid4().hex, actor=clean.signed_in(actor))
        outbox.emit("stock.moved", batch=row.batch, kind=Kind.ADJUSTMENT, actor_id=actor_id(actor),
                    movement_ids=[row.pk])
        return [row]


def set_safety_stock(*, actor, warehouse_id, part_id, safety_quantity, request=None):
    """设置安全库存 of a part in a warehouse (empty: none); rows below it get the 库存提醒 badge."""
    from ._common import quantity as clean_quantity

    policy.require(actor, None, "stock.move")
    with transaction.atomic():
        errors = {}
        warehouse = _warehouse(actor, warehouse_id, errors)
        part = references.resolve(actor, queries.parts, part_id, field="part_id", errors=errors, required=True)
        value = None
        if safety_quantity not in (None, ""):
            value = clean_quantity(safety_quantity, "safety_quantity", errors, allow_zero=True)
        clean.raise_if(errors)
        level = _level(part.pk, Place(warehouse=warehouse))
        level.safety_quantity = value
        level.save(update_fields=["safety_quantity", "updated_at"])
        return level


# --- checking the ledger ---------------------------------------------------------------------------------------

def ledger_differences():
    """[(part_id, warehouse_id, holder_id, on_hand, ledger_sum)] of the active company where the on-hand
    row differs from the sum of its movements (a missing row counts as 0)."""
    from django.db.models import Sum

    # SQLite sums decimals as floats (0.001 + … comes back as 0.00100000000000001): back to the column's places
    places = Decimal(1).scaleb(-StockMovement._meta.get_field("quantity").decimal_places)
    sums = {(row["part_id"], row["warehouse_id"], row["holder_id"]): Decimal(row["total"] or 0).quantize(places)
            for row in StockMovement.objects.values("part_id", "warehouse_id", "holder_id")
            .annotate(total=Sum("quantity")).order_by()}
    on_hand = {(row.part_id, row.warehouse_id, row.holder_id): row.quantity for row in StockLevel.objects.all()}
    differences = []
    for key in sorted(set(sums) | set(on_hand), key=lambda k: tuple(x or 0 for x in k)):
        ledger, held = sums.get(key) or Decimal(0), on_hand.get(key) or Decimal(0)
        if ledger != held:
            differences.append((*key, held, ledger))
    return differences


# public names of the engine's steps for the other subjects of this package (usage.py)
lock_levels = _lock_levels
format_quantity = _fmt
