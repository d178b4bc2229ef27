"""Every write to recurring plans (计划任务, WO-22) and the generation of their work orders.

A plan's occurrence dates come from `recurrence` (dateutil.rrule); "today" is the company's day (its time
zone). An occurrence's order is created `days_ahead` days before its date, planned at the plan's time on
that date. Generation is exactly-once: the occurrences are created in transactions under the plan's row lock
(select_for_update; the periodic job skips a plan another runner holds), each after re-reading which days
are not done, and write PlanOccurrences whose (plan, date) is unique in the database, so a second runner —
the periodic job twice, or 立即生成 beside it — creates nothing again. A plan that assigns to a named
person creates up to BATCH occurrences per transaction through the bulk path
(workorders.services.orders_bulk: the same orders, timeline and events as one by one); the others one
occurrence per transaction through the single path. After downtime
the next run catches up every missed occurrence since the plan was saved or resumed (occurrences before
that day, and those while paused, are skipped on purpose).

Dispatch: "assignee" creates the order assigned to the plan's assignee; "pool" and "auto" create it 待指派
with a timeline note and then call the dispatcher registered for the mode (`register_dispatcher`) —
the work-order pool and the auto-assignment rules register theirs when they exist.
"""

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import clean, permissions, references, timeline
from shouhou.core.errors import Conflict, PermissionDenied, ValidationFailed
from shouhou.core.forms_engine import get_schema
from shouhou.core.working_hours import zone_of
from shouhou.workorders import references as order_refs
from shouhou.workorders.models import Priority
from shouhou.workorders.queries.types import usable_types
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import kernel as order_kernel
from shouhou.workorders.services import orders as order_services
from shouhou.workorders.services import orders_bulk

from . import recurrence
from .models import Plan, PlanOccurrence
from .queries import PERMISSION

log = logging.getLogger(__name__)

MAX_INTERVAL = 366
MAX_COUNT = 1000
MAX_DAYS_AHEAD = 365
MAX_PER_RUN = 500  # occurrences one plan turns into orders in one run (a long catch-up continues next run)
BATCH = 100  # occurrences one transaction turns into orders through the bulk path
EDITABLE = ("name", "order_type", "customer", "product", "priority", "description", "fields", "freq",
            "interval", "weekdays", "day_of_month", "start_date", "end_date", "count", "planned_time",
            "days_ahead", "dispatch_mode", "assignee")

_DISPATCHERS = {}


def register_dispatcher(mode, dispatcher):
    """`dispatcher(actor, order, plan)` runs after an order of a plan with this dispatch mode ("pool",
    "auto") was created 待指派, in the same transaction."""
    _DISPATCHERS[mode] = dispatcher


def company_today(tenant, now=None):
    return (now or timezone.now()).astimezone(zone_of(tenant)).date()


def _require(actor):
    permissions.require(actor, PERMISSION)


EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)  # bounds the rule's iterations


def _date(value, key, errors, *, required=False):
    if value in (None, ""):
        if required:
            errors[key] = [clean.REQUIRED]
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value))
        except ValueError:
            errors[key] = [_("Enter a valid date.")]
            return None
    if not EARLIEST <= value <= LATEST:
        errors[key] = [_("Enter a date from %(earliest)s to %(latest)s.") % {
            "earliest": EARLIEST.isoformat(), "latest": LATEST.isoformat()}]
        return None
    return value


def _number(value, key, errors, *, low, high, required=False):
    if value in (None, ""):
        if required:
            errors[key] = [clean.REQUIRED]
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or isinstance(value, bool) or not low <= number <= high:
        errors[key] = [_("Enter a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}]
        return None
    return number


def _clean(actor, data, current, errors):
    """Model values for a plan from `data` over `current` (a dict of the plan's values)."""
    merged = {**current, **data}
    values = {}
    values["name"] = clean.text(merged.get("name"), 100, "name", errors, required=True)
    values["order_type"] = references.resolve(
        actor, usable_types, merged.get("order_type"), field="order_type", errors=errors, required=True,
        message=_("Choose an enabled work-order type your teams may use."))
    customer = order_refs.customer(actor, merged.get("customer"), errors=errors)
    if customer is None and "customer" not in errors:
        errors["customer"] = [clean.REQUIRED]
    values["customer"] = customer
    product = order_refs.product(actor, merged.get("product"), errors=errors) if merged.get("product") else None
    if product is not None and customer is not None and product.customer_id not in (None, customer.pk):
        errors["product"] = [_("This product belongs to another customer.")]
    values["product"] = product
    priority = merged.get("priority") or Priority.NORMAL
    if priority not in Priority.values:
        errors["priority"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Priority.values)}]
    values["priority"] = priority
    values["description"] = clean.text(merged.get("description"), order_kernel.MAX_TEXT, "description", errors)
    if values["order_type"] is not None:
        schema = get_schema(values["order_type"].form_target)
        values["fields"] = clean.custom_fields(schema, merged.get("fields") or {}, partial=False, previous=None,
                                               errors=errors, actor=actor) or {}
    freq = merged.get("freq")
    if freq not in Plan.Freq.values:
        errors["recurrence.freq"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Plan.Freq.values)}]
    values["freq"] = freq
    values["interval"] = _number(1 if merged.get("interval") is None else merged["interval"], "recurrence.interval", errors, low=1,
                                 high=MAX_INTERVAL) or 1
    weekdays = merged.get("weekdays") or []
    if not isinstance(weekdays, list | tuple) or any(
            isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6 for day in weekdays):
        errors["recurrence.weekdays"] = [_("Weekdays are numbers from 0 (Monday) to 6 (Sunday).")]
        weekdays = []
    values["weekdays"] = sorted(set(weekdays)) if freq == Plan.Freq.WEEKLY else []
    day = _number(merged.get("day_of_month"), "recurrence.day_of_month", errors, low=1, high=31)
    values["day_of_month"] = day if freq == Plan.Freq.MONTHLY else None
    values["start_date"] = _date(merged.get("start_date"), "start_date", errors, required=True)
    values["end_date"] = _date(merged.get("end_date"), "end_date", errors)
    values["count"] = _number(merged.get("count"), "count", errors, low=1, high=MAX_COUNT)
    if values["end_date"] and values["count"]:
        errors["count"] = [_("Give an end date or a number of occurrences, not both.")]
    if values["end_date"] and values["start_date"] and values["end_date"] < values["start_date"]:
        errors["end_date"] = [_("The end date cannot be before the start date.")]
    planned_time = merged.get("planned_time") or dt.time(9, 0)
    if isinstance(planned_time, str):
        try:
            planned_time = dt.time.fromisoformat(planned_time)
        except ValueError:
            errors["planned_time"] = [_("Enter a valid time.")]
            planned_time = dt.time(9, 0)
    values["planned_time"] = planned_time
    values["days_ahead"] = _number(0 if merged.get("days_ahead") is None else merged["days_ahead"], "days_ahead", errors, low=0,
                                   high=MAX_DAYS_AHEAD) or 0
    mode = merged.get("dispatch_mode") or Plan.Dispatch.ASSIGNEE
    if mode not in Plan.Dispatch.values:
        errors["dispatch.mode"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Plan.Dispatch.values)}]
    values["dispatch_mode"] = mode
    values["assignee"] = None
    if mode == Plan.Dispatch.ASSIGNEE:
        if not permissions.has_perm(actor, "workorder.assign"):
            errors["dispatch.assignee_id"] = [_("You may not assign work orders.")]
        elif merged.get("assignee") in (None, ""):
            errors["dispatch.assignee_id"] = [_("Choose the assignee to dispatch to.")]
        else:
            try:
                values["assignee"] = order_kernel.resolve_assignee(actor, order_kernel.pk(merged["assignee"]),
                                                                   customer=customer)
            except ValidationFailed as exc:
                for key, messages in exc.details.items():
                    errors["dispatch.assignee_id" if key in ("assignee", "assignee_id") else key] = messages
    clean.raise_if(errors)
    return values


def _current(plan):
    return {name: getattr(plan, name) for name in EDITABLE}


def _schedule(plan, today):
    """The first occurrence on or after the plan's skip_before day that has not been generated."""
    plan_rule = recurrence.rule(freq=plan.freq, interval=plan.interval, start_date=plan.start_date,
                                weekdays=plan.weekdays, day_of_month=plan.day_of_month, end_date=plan.end_date,
                                count=plan.count)
    done = set(plan.occurrences.values_list("date", flat=True)) if plan.pk else set()
    day = max(plan.skip_before, plan.start_date)
    while True:
        day = recurrence.first_on_or_after(plan_rule, day)
        if day is None or day not in done:
            return day
        day += dt.timedelta(days=1)


@transaction.atomic
def create_plan(*, actor, **data):
    _require(actor)
    unknown = set(data) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in sorted(unknown)})
    values = _clean(actor, data, {}, {})
    plan = Plan(**values, created_by=clean.signed_in(actor), skip_before=company_today(actor.tenant))
    plan.next_date = _schedule(plan, plan.skip_before)
    plan.save()
    timeline.record(actor=actor, obj=plan, verb="created", summary=_("Created the plan"))
    return plan


def _lock(actor, plan, expected_version=None):
    from .queries import visible_plans

    locked = visible_plans(actor).select_for_update().filter(pk=plan.pk).first()
    if locked is None:
        from .queries import get_plan

        get_plan(actor, plan.pk)  # NotFound
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(_("Someone else changed this plan; reload and try again."))
    return locked


@transaction.atomic
def update_plan(*, actor, plan, expected_version=None, **changes):
    _require(actor)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown field.")] for name in sorted(unknown)})
    plan = _lock(actor, plan, expected_version)
    before = timeline.snapshot(plan, EDITABLE)
    values = _clean(actor, changes, _current(plan), {})
    for name, value in values.items():
        setattr(plan, name, value)
    plan.next_date = _schedule(plan, company_today(plan.tenant))
    plan.version = F("version") + 1
    plan.save()
    plan.refresh_from_db()
    changed = timeline.diff(plan, before, [name for name in EDITABLE if name not in ("fields", "weekdays")])
    timeline.record(actor=actor, obj=plan, verb="updated", summary=_("Edited the plan"), changes=changed)
    return plan


@transaction.atomic
def pause_plan(*, actor, plan, expected_version=None):
    _require(actor)
    plan = _lock(actor, plan, expected_version)
    if plan.is_paused:
        raise Conflict(_("The plan is already paused."))
    Plan.objects.filter(pk=plan.pk).update(is_paused=True, version=F("version") + 1)
    timeline.record(actor=actor, obj=plan, verb="paused", summary=_("Paused the plan"))
    plan.refresh_from_db()
    return plan


@transaction.atomic
def resume_plan(*, actor, plan, expected_version=None):
    """Resume from today: occurrences that fell while the plan was paused are not created afterwards."""
    _require(actor)
    plan = _lock(actor, plan, expected_version)
    if not plan.is_paused:
        raise Conflict(_("The plan is not paused."))
    plan.is_paused = False
    plan.skip_before = company_today(plan.tenant)
    plan.next_date = _schedule(plan, plan.skip_before)
    plan.version = F("version") + 1
    plan.save(update_fields=["is_paused", "skip_before", "next_date", "version", "updated_at"])
    timeline.record(actor=actor, obj=plan, verb="resumed", summary=_("Resumed the plan"))
    plan.refresh_from_db()
    return plan


@transaction.atomic
def delete_plan(*, actor, plan):
    """The plan and its occurrence records go; the orders it created stay."""
    _require(actor)
    plan = _lock(actor, plan)
    plan.delete()


def _create_order(actor, plan, day):
    planned_at = dt.datetime.combine(day, plan.planned_time, tzinfo=zone_of(plan.tenant))
    assignee = plan.assignee if plan.dispatch_mode == Plan.Dispatch.ASSIGNEE else None
    order = order_services.create_work_order(
        actor=actor, order_type=plan.order_type, customer=plan.customer, product=plan.product,
        priority=plan.priority, planned_at=planned_at, description=plan.description, fields=plan.fields)
    order_kernel.record(actor, order, "planned", _planned_note(plan, day))
    if assignee is not None:
        order = order_actions.perform(actor, order, "assign", {"assignee_id": assignee.pk, "note": ""},
                                      assignee=assignee)
    else:
        dispatcher = _DISPATCHERS.get(plan.dispatch_mode)
        if dispatcher is None:
            order_kernel.record(actor, order, "planned", _("Waiting for dispatch (%(mode)s)") % {
                "mode": plan.get_dispatch_mode_display()})
        else:
            order = dispatcher(actor, order, plan) or order
    return order


def _due_dates(plan, today):
    plan_rule = recurrence.rule(freq=plan.freq, interval=plan.interval, start_date=plan.start_date,
                                weekdays=plan.weekdays, day_of_month=plan.day_of_month, end_date=plan.end_date,
                                count=plan.count)
    horizon = today + dt.timedelta(days=plan.days_ahead)
    done = set(plan.occurrences.values_list("date", flat=True))
    return [day for day in recurrence.dates(plan_rule, until=horizon, after=plan.skip_before) if day not in done]


def _lock_for_run(actor, plan, on_demand):
    """The plan row, locked for one occurrence: 立即生成 waits for another runner; the periodic job skips a
    plan another runner holds (that runner is creating its orders), so two consumers share the plans."""
    if on_demand:
        return _lock(actor, plan)
    return Plan.objects.select_for_update(skip_locked=True).filter(pk=plan.pk).first()


def _bulk(plan):
    """The occurrences of a plan that assigns its orders go through the bulk path (orders_bulk: a batch in one
    transaction, the same orders, timeline and events); pool / auto dispatch, a plan whose assignee is gone and
    an assign step needing approval go one order per transaction through the single path."""
    return (plan.dispatch_mode == Plan.Dispatch.ASSIGNEE and plan.assignee is not None
            and orders_bulk.supports(plan.order_type))


def _create_batch(actor, plan, days):
    """The orders of `days` (the plan locked) through the bulk path, in one go."""
    zone = zone_of(plan.tenant)
    return orders_bulk.create_assigned(
        actor=actor, order_type=plan.order_type, customer=plan.customer, product=plan.product,
        priority=plan.priority, description=plan.description, fields=plan.fields, assignee=plan.assignee,
        planned_ats=[dt.datetime.combine(day, plan.planned_time, tzinfo=zone) for day in days],
        notes=[("planned", _planned_note(plan, day)) for day in days])


def _planned_note(plan, day):
    return _("Created by plan %(name)s for %(date)s") % {"name": plan.name, "date": day.isoformat()}


def generate(*, actor, plan, now=None, on_demand=True):
    """Create the orders of the plan's due occurrences not yet created; answers the orders created (none
    when another runner did them). `actor` creates the orders (the plan's creator for the periodic job).

    Each transaction holds the plan's row lock and re-reads which of the due days are still to do (the unique
    (plan, date) key is the last guard), then creates a batch of up to BATCH of them through the bulk path, or
    one through the single path (`_bulk`); so a long catch-up holds no lock for long, a batch that cannot be
    created leaves those before it created, and two runners never create a day twice."""
    if on_demand:
        _require(actor)
    orders = []
    plan_id, today, due = plan.pk, None, None
    while len(orders) < MAX_PER_RUN:
        with transaction.atomic():
            locked = _lock_for_run(actor, plan, on_demand)
            if locked is None or locked.is_paused:
                if on_demand and locked is not None and not orders:
                    raise Conflict(_("The plan is paused; resume it first."))
                break
            if due is None:
                today = company_today(locked.tenant, now)
                due = _due_dates(locked, today)[:MAX_PER_RUN]
            bulk = _bulk(locked)
            days = []
            while due and not days:  # the next days still to do (another runner may have created some meanwhile)
                window, due[:] = due[:BATCH if bulk else 1], due[BATCH if bulk else 1:]
                done = set(PlanOccurrence.objects.filter(plan=locked, date__in=window).values_list("date", flat=True))
                days = [day for day in window if day not in done]
            if not days:
                break
            created = _create_batch(actor, locked, days) if bulk else [_create_order(actor, locked, days[0])]
            PlanOccurrence.objects.bulk_create([
                PlanOccurrence(tenant_id=locked.tenant_id, plan=locked, date=day, order=order)
                for day, order in zip(days, created, strict=True)])
            orders += created
    with transaction.atomic():
        locked = Plan.objects.select_for_update().filter(pk=plan_id).first()
        if locked is None:
            return orders
        today = today or company_today(locked.tenant, now)
        locked.next_date = _schedule(locked, today)
        locked.created_count = locked.occurrences.count()
        locked.save(update_fields=["next_date", "created_count", "updated_at"])
        if orders:
            timeline.record(actor=actor, obj=locked, verb="generated", summary=_(
                "Created %(count)d work orders: %(numbers)s") % {
                "count": len(orders), "numbers": ", ".join(order.number for order in orders)[:200]})
    return orders


def _failure_noted_recently(plan, now):
    from django.contrib.contenttypes.models import ContentType

    from shouhou.core.models import Activity

    since = (now or timezone.now()) - dt.timedelta(days=1)
    return Activity.objects.filter(content_type=ContentType.objects.get_for_model(Plan), object_id=str(plan.pk),
                                   verb="failed", created_at__gte=since).exists()


def generate_due(now=None):
    """The periodic sweep of the active company: every enabled plan's due occurrences. A plan whose orders
    cannot be created (its creator left, its type was disabled …) is noted on its timeline once a day and
    the others go on."""
    created = 0
    for plan in Plan.objects.filter(is_paused=False).exclude(next_date=None).select_related("created_by"):
        today = company_today(plan.tenant, now)
        if plan.next_create_date is None or plan.next_create_date > today:
            continue
        actor = plan.created_by
        try:
            if actor is None or not actor.is_active:
                raise PermissionDenied(_("The plan's creator can no longer create work orders."))
            created += len(generate(actor=actor, plan=plan, now=now, on_demand=False))
        except (ValidationFailed, PermissionDenied, Conflict) as exc:
            log.warning("plan %s could not create its orders: %s", plan.pk, exc)
            if _failure_noted_recently(plan, now):
                continue
            with transaction.atomic():
                timeline.record(actor=None, obj=plan, verb="failed", summary=_(
                    "Could not create the planned work order: %(reason)s") % {"reason": exc})
    return created
