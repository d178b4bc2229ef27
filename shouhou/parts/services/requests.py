"""Requisitions (申领, PART-06) and returns (退回, PART-08).

A requisition asks a warehouse for parts; its warehouse's manager (the `stock.approve` permission and the
warehouse in his data scope) approves all or part of each line — the approved quantities move from the
warehouse into the requester's personal stock (requisition_issue movements) — or refuses it; the
requester may withdraw it while it waits. A return is the same the other way: approval moves the parts
from the requester's personal stock into the warehouse (return movements). Decisions lock the request
and take the version the approver saw (`expected_version`, 409 when stale).
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import clean, outbox, references, timeline
from shouhou.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.numbering import next_number

from .. import policy, queries
from ..models import StockMovement, StockRequest, StockRequestLine
from ._common import actor_id, clean_id, quantity
from .stock import Place, clean_lines, move, refuse_defective

__all__ = ["create_requisition", "create_return", "approve_request", "refuse_request", "withdraw_request"]

Kind, Status = StockRequest.Kind, StockRequest.Status
PREFIX = {Kind.REQUISITION: "SL", Kind.RETURN: "TH"}


def _create(actor, kind, warehouse_id, lines, note):
    policy.require(actor, None, "request.create")
    with transaction.atomic():
        errors = {}
        warehouse = references.resolve(actor, queries.requestable_warehouses, warehouse_id, field="warehouse_id",
                                       errors=errors, required=True)
        if kind == Kind.REQUISITION:
            refuse_defective(warehouse, errors)
        cleaned = clean_lines(actor, lines, errors, serials_required=False)
        note = clean.text(note, 500, "note", errors)
        if kind == Kind.RETURN:
            _check_held(actor, cleaned, errors)
        clean.raise_if(errors)
        request = StockRequest.objects.create(kind=kind, number=next_number(f"stock_request:{kind}", PREFIX[kind]),
                                              requester=actor, warehouse=warehouse, note=note)
        StockRequestLine.objects.bulk_create([
            StockRequestLine(request=request, part=line.part, quantity=line.quantity, serials=line.serials,
                             tenant=request.tenant) for line in cleaned])
        summary = _("Requested parts") if kind == Kind.REQUISITION else _("Asked to return parts")
        timeline.record(actor=actor, obj=request, verb=f"stock_request.{kind}.created", summary=summary)
        outbox.emit("stock_request.created", request_id=request.pk, kind=kind, warehouse_id=warehouse.pk,
                    actor_id=actor_id(actor))
    return request


def _check_held(actor, lines, errors):
    """A return names only what the requester holds (checked again, under lock, at approval)."""
    from ..models import StockLevel

    held = {row.part_id: row.quantity - row.reserved
            for row in StockLevel.objects.filter(holder=actor, part__in=[line.part for line in lines])}
    for line in lines:
        available = held.get(line.part.pk, Decimal(0))
        if line.quantity > available:
            errors[f"lines.{line.index}.quantity"] = [_("You hold only %(available)s of %(part)s.")
                                                      % {"available": available.normalize(), "part": line.part}]


def create_requisition(*, actor, warehouse_id, lines, note="", request=None):
    """申领: {warehouse_id, lines: [{part_id, quantity}], note}, for the actor's personal stock."""
    return _create(actor, Kind.REQUISITION, warehouse_id, lines, note)


def create_return(*, actor, warehouse_id, lines, note="", request=None):
    """退回: parts of the actor's personal stock back to a warehouse, once its manager approves."""
    return _create(actor, Kind.RETURN, warehouse_id, lines, note)


def _lock_for_decision(actor, stock_request, expected_version):
    in_scope = queries.visible_warehouses(actor).values("pk")
    locked = (StockRequest.objects.select_for_update()
              .filter(pk=getattr(stock_request, "pk", stock_request), warehouse__in=in_scope).first())
    if locked is None:
        if queries.requests(actor).filter(pk=getattr(stock_request, "pk", stock_request)).exists():
            raise PermissionDenied()  # his own request, at a warehouse he does not manage
        raise NotFound()
    if expected_version is not None and locked.version != expected_version:
        raise Conflict()
    if locked.status != Status.PENDING:
        raise Conflict(_("The request %(number)s has been decided already.") % {"number": locked.number})
    return locked


def _approved_quantities(lines, approved, errors):
    """{line_id: quantity} from [{line_id | part_id, quantity}] (missing lines: none approved); None:
    every line in full."""
    if approved is None:
        return {line.pk: line.quantity for line in lines}
    if not isinstance(approved, (list, tuple)):
        errors["lines"] = [_("Give the approved lines as a list.")]
        return {}
    by_id = {line.pk: line for line in lines}
    by_part = {line.part_id: line for line in lines}
    found = {}
    for index, raw in enumerate(approved):
        raw = raw if isinstance(raw, dict) else {}
        key = f"lines.{index}"
        line = by_id.get(clean_id(raw.get("line_id"))) if raw.get("line_id") is not None \
            else by_part.get(clean_id(raw.get("part_id")))
        if line is None:
            errors[f"{key}.part_id"] = [_("This part is not on the request.")]
            continue
        amount = quantity(raw.get("quantity"), f"{key}.quantity", errors, allow_zero=True)
        if amount is None:
            continue
        if amount > line.quantity:
            errors[f"{key}.quantity"] = [_("At most the %(n)s requested.") % {"n": line.quantity.normalize()}]
            continue
        found[line.pk] = amount
    return found


def approve_request(*, actor, stock_request, lines=None, note="", expected_version=None, request=None):
    """Approve all (`lines` None) or part: `lines` [{part_id (or line_id), quantity}]; a line left out
    gets nothing. The approved parts move at once; a shortage refuses the approval (nothing moves)."""
    policy.require(actor, None, "request.approve")
    with transaction.atomic():
        locked = _lock_for_decision(actor, stock_request, expected_version)
        request_lines = list(locked.lines.select_related("part"))
        errors = {}
        approved = _approved_quantities(request_lines, lines, errors)
        note = clean.text(note, 500, "note", errors)
        clean.raise_if(errors)
        if not any(approved.values()):
            raise ValidationFailed(details={"lines": [_("Approve at least one part, or refuse the request.")]})
        moving = []
        from .stock import Line

        for index, line in enumerate(request_lines):
            amount = approved.get(line.pk, Decimal(0))
            line.approved_quantity = amount
            if amount:
                moving.append(Line(part=line.part, quantity=amount, serials=list(line.serials or [])[: int(amount)]
                                   if line.part.serial_tracked else [], index=index))
        warehouse, holder = Place(warehouse=locked.warehouse), Place(holder=locked.requester)
        if locked.kind == Kind.REQUISITION:
            move(actor=actor, kind_out=StockMovement.Kind.REQUISITION_ISSUE,
                 kind_in=StockMovement.Kind.REQUISITION_ISSUE, source=warehouse, dest=holder, lines=moving,
                 reason=_("Requisition %(number)s") % {"number": locked.number}, request=locked, pick_serials=True)
        else:
            move(actor=actor, kind_out=StockMovement.Kind.RETURN, kind_in=StockMovement.Kind.RETURN, source=holder,
                 dest=warehouse, lines=moving, reason=_("Return %(number)s") % {"number": locked.number},
                 request=locked, pick_serials=True)
        StockRequestLine.objects.bulk_update(request_lines, ["approved_quantity"])
        full = all(approved.get(line.pk, 0) == line.quantity for line in request_lines)
        _decide(actor, locked, Status.APPROVED if full else Status.PARTLY, note,
                _("Approved") if full else _("Approved in part"))
    return locked


def refuse_request(*, actor, stock_request, note="", expected_version=None, request=None):
    policy.require(actor, None, "request.approve")
    with transaction.atomic():
        locked = _lock_for_decision(actor, stock_request, expected_version)
        errors = {}
        note = clean.text(note, 500, "note", errors)
        clean.raise_if(errors)
        _decide(actor, locked, Status.REFUSED, note, _("Refused"))
    return locked


def withdraw_request(*, actor, stock_request, expected_version=None, request=None):
    """The requester takes back his pending request."""
    with transaction.atomic():
        locked = (StockRequest.objects.select_for_update()
                  .filter(pk__in=queries.requests(actor).filter(pk=getattr(stock_request, "pk", stock_request))
                          .values("pk")).first())
        if locked is None:
            raise NotFound()
        policy.require(actor, locked, "request.create")
        if expected_version is not None and locked.version != expected_version:
            raise Conflict()
        if locked.status != Status.PENDING:
            raise Conflict(_("The request %(number)s has been decided already.") % {"number": locked.number})
        locked.status = Status.WITHDRAWN
        locked.version += 1
        locked.save(update_fields=["status", "version", "updated_at"])
        timeline.record(actor=actor, obj=locked, verb="stock_request.withdrawn", summary=_("Withdrawn"))
        outbox.emit("stock_request.withdrawn", request_id=locked.pk, actor_id=actor_id(actor))
    return locked


def _decide(actor, locked, status, note, summary):
    locked.status = status
    locked.decided_by = clean.signed_in(actor)
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.version += 1
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "version", "updated_at"])
    timeline.record(actor=actor, obj=locked, verb=f"stock_request.{status}", summary=summary, note=note)
    outbox.emit(f"stock_request.{status}", request_id=locked.pk, requester_id=locked.requester_id,
                actor_id=actor_id(actor))
