"""Settling work orders (结算, WO-15): the flow's 结算 node, performed by this module.

`settle` and `batch_settle` are the writes every surface calls (console, phone, API). Each follows the
action protocol (architecture §8): lock the order (versioned, in the actor's scope) → the work-order
policy (our rule, policy.settle_rule, registered for "settle") → clean the input → the flow runner, which
checks the table (the type has 结算 on, the order stands where the node waits), then records an approval
request when the node has an approval rule, or applies `apply_settle` (registered as the node's
performer): the frozen Settlement row, 已结算, the timeline entry and the `workorder.settled` event.

A batch is all or nothing: every order goes through the same steps in one transaction, locked in id order
(two batches never deadlock); the first refusal rolls all back and names the order it stopped at."""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import clean, forms_engine, permissions
from shouhou.core.errors import ValidationFailed
from shouhou.core.flow.runner import NEXT, Step
from shouhou.core.numbers import format_amount
from shouhou.workorders import fees
from shouhou.workorders import policy as order_policy
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import batch as order_batch
from shouhou.workorders.services import kernel

from .models import FORM_TARGET, Settlement

MAX_ADJUSTMENT = Decimal("999999999.99")
MAX_REASON = 200
MAX_NOTE = 500
MAX_BATCH = 500
CENT = Decimal("0.01")


def schema():
    """The company's settlement form (工单结算设置, WO-16): fields it designs in the form designer."""
    return forms_engine.get_schema(FORM_TARGET)


def fees_of(order):
    """(lines, total) of the order's fees now, from the registered fees provider (the receipt's parts and
    service items); nothing while no module records fees."""
    provider = fees.fees_provider()
    if provider is None:
        return [], Decimal("0.00")
    answer = provider.fees(order)
    return list(answer.get("lines") or []), Decimal(answer.get("total_amount") or 0).quantize(CENT)


def clean_adjustment(value, reason, errors):
    """(adjustment, reason): a signed amount in cents (empty = none); a non-zero adjustment needs a reason."""
    adjustment = Decimal("0.00")
    if value not in (None, ""):
        try:
            adjustment = Decimal(str(value).strip())
        except InvalidOperation:
            errors["adjustment"] = [_("Enter an amount such as 12.50 or -8.")]
            return adjustment, ""
        if not adjustment.is_finite() or abs(adjustment) > MAX_ADJUSTMENT:
            errors["adjustment"] = [_("Enter an amount such as 12.50 or -8.")]
            return Decimal("0.00"), ""
        if adjustment != adjustment.quantize(CENT):
            errors["adjustment"] = [_("Enter the amount in yuan with at most two decimal places.")]
        adjustment = adjustment.quantize(CENT)
    reason = clean.text(reason, MAX_REASON, "reason", errors, required=adjustment != 0)
    if adjustment == 0:
        reason = ""
    return adjustment, reason


def clean_input(actor, *, adjustment, reason, fields, note):
    """The settlement's input, cleaned once for one order or a batch; every error at once."""
    errors = {}
    adjustment, reason = clean_adjustment(adjustment, reason, errors)
    note = clean.text(note, MAX_NOTE, "note", errors)
    values = clean.custom_fields(schema(), fields, partial=False, previous=None, errors=errors, actor=actor)
    clean.raise_if(errors)
    return {"adjustment": str(adjustment), "reason": reason, "fields": values or {}, "note": note}


def _check_amount(order, payload):
    """The settled amount (fees + adjustment) may not fall below zero."""
    _lines, total = fees_of(order)
    amount = total + Decimal(payload["adjustment"])
    if amount < 0:
        raise ValidationFailed(details={"adjustment": [
            _("The adjustment would make the settled amount negative (fees %(total)s).") % {
                "total": format_amount(total)}]})
    return amount


def _settle_locked(actor, order, payload):
    order_policy.require(actor, order, "settle")
    _check_amount(order, payload)  # refused before an approval is asked for, too
    return order_actions.perform(actor, order, "settle", payload)


@transaction.atomic
def settle(*, actor, order, adjustment=None, reason="", fields=None, note="", expected_version=None):
    """结算 one order (or ask for approval when the node has a rule). Answers the order."""
    order = kernel.lock(actor, order, expected_version)
    order_policy.require(actor, order, "settle")
    payload = clean_input(actor, adjustment=adjustment, reason=reason, fields=fields, note=note)
    return _settle_locked(actor, order, payload)


@transaction.atomic
def batch_settle(*, actor, orders, adjustment=None, reason="", fields=None, note=""):
    """批量结算: every order or none; the same adjustment, reason and fields on each."""
    permissions.require(actor, "settlement.settle")
    ids = sorted({kernel.pk(order) for order in orders})
    if not ids:
        raise ValidationFailed(details={"order_ids": [_("Select at least one work order.")]})
    if len(ids) > MAX_BATCH:
        raise ValidationFailed(details={"order_ids": [
            _("Select at most %(n)s work orders at a time.") % {"n": MAX_BATCH}]})
    payload = clean_input(actor, adjustment=adjustment, reason=reason, fields=fields, note=note)
    return order_batch.each_locked(actor, ids, lambda locked: _settle_locked(actor, locked, payload))


def apply_settle(actor, order, payload, flow_config, now):
    """The 结算 node's APPLY step (the performer registered with the work-order flow): freeze the fees as
    they stand now into a Settlement, then the runner enters 已结算, saves and records."""
    lines, total = fees_of(order)
    adjustment = Decimal(payload.get("adjustment") or "0")
    amount = total + adjustment
    if amount < 0:  # the fees changed while an approval waited
        raise ValidationFailed(details={"adjustment": [
            _("The adjustment would make the settled amount negative (fees %(total)s).") % {
                "total": format_amount(total)}]})
    Settlement.objects.filter(order=order, is_current=True).update(is_current=False)
    settlement = Settlement.objects.create(
        tenant_id=order.tenant_id, order=order, lines=lines, fees_total=total, adjustment=adjustment,
        reason=payload.get("reason", ""), amount=amount, fields=payload.get("fields") or {},
        note=payload.get("note", ""), settled_by=actor, settled_at=now)
    summary = _("Settled the work order: %(amount)s") % {"amount": format_amount(amount)}
    if adjustment:
        summary += " " + _("(fees %(total)s, adjustment %(adjustment)s: %(reason)s)") % {
            "total": format_amount(total), "adjustment": format_amount(adjustment), "reason": settlement.reason}
    return Step("settled", summary, enter=NEXT, note=payload.get("note", ""), settlement_id=settlement.pk,
                amount=str(amount))
