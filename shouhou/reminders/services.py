"""Every write to reminder rules and reminders, and the sending of due reminders (CUS-07, CUS-11, PRD-10).

A rule says when (once, or every N days/weeks/months, counted from a date of the record or from a
fixed date, some days in advance) and whom to remind (the customer's owners, its service team's
leaders, named colleagues, and/or the customer's default contact by SMS). Attaching a rule to a
customer or product makes a `Reminder` with its next due date.

Sending (`send_due_reminders`, run by the periodic task) is idempotent: the delivery row of a reminder
and due date is unique, the notifications carry a stable event id, and the SMS is claimed before it
goes out, so running twice sends nothing twice — a crash can lose an SMS, never double it.
"""

import calendar
import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.accounts.models import User
from shouhou.core import clean, outbox, timeline
from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import NotFound, PermissionDenied, QuotaExceeded, ValidationFailed
from shouhou.core.forms_engine.kinds.temporal import company_zone
from shouhou.core.validators import MAINLAND_MOBILE, normalize_phone

from . import queries
from .models import Reminder, ReminderDelivery, ReminderRule

Rule, Delivery = ReminderRule, ReminderDelivery
REQUIRED = gettext_lazy("This field is required.")
MAX_EVERY = 1000
MAX_LEAD_DAYS = 365
NAME_LIMIT, DESCRIPTION_LIMIT, TEMPLATE_LIMIT = 100, 300, 300
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
CUSTOMER_TAG, PRODUCT_TAG, DATE_TAG = "客户", "产品", "日期"
PLACEHOLDERS = (CUSTOMER_TAG, PRODUCT_TAG, DATE_TAG)
# uuid5 namespace of the event ids of deliveries (notifications and SMS are deduplicated by them)
DELIVERY_NAMESPACE = uuid.UUID("6f1c2d0e-9a57-4c3b-8f6e-2b1d7e5a4c90")
TRACKED = ("name", "description", "target", "kind", "anchor_field", "fixed_date", "every", "unit", "lead_days",
           "notify_owner", "notify_team_leader", "sms_contact", "sms_template")


# === the schedule ==========================================================================================

def company_today():
    """Today in the active company's time zone."""
    return timezone.now().astimezone(company_zone()).date()


def add_months(start, months):
    """`start` plus whole months; the day is clamped to the month's end (Jan 31 + 1 → Feb 28/29)."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    return dt.date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


def add_interval(start, count, unit):
    if unit == Rule.Unit.MONTH:
        return add_months(start, count)
    return start + dt.timedelta(days=count * (7 if unit == Rule.Unit.WEEK else 1))


def next_occurrence(start, every, unit, floor):
    """The first date `start + k·every units` (k ≥ 1) on or after `floor`.

    Each occurrence is computed from `start`, not from the previous one, so monthly dates from the
    31st come back to the 31st after a short month instead of drifting to the 28th.
    """
    if unit == Rule.Unit.MONTH:
        months = (floor.year - start.year) * 12 + floor.month - start.month
        k = max(1, months // every)
        while k > 1 and add_months(start, (k - 1) * every) >= floor:
            k -= 1
        while add_months(start, k * every) < floor:
            k += 1
        return add_months(start, k * every)
    step = every * (7 if unit == Rule.Unit.WEEK else 1)
    k = max(1, -(-(floor - start).days // step))
    return start + dt.timedelta(days=k * step)


def compute_next_due(rule, record, *, today, last_due=None):
    """The next date to remind `record` of, or None (no start date, or a one-time date passed or done).

    One-time: the start date plus `every` units (0: the date itself), if it is today or later.
    Periodic: the first `start + k·every units` (k ≥ 1) that is today or later and after `last_due`.
    """
    start = queries.anchor_date(rule, record)
    if start is None:
        return None
    try:
        if rule.kind == Rule.Kind.ONCE:
            if last_due is not None:
                return None
            due = add_interval(start, rule.every, rule.unit)
            return due if due >= today else None
        floor = today if last_due is None else max(today, last_due + dt.timedelta(days=1))
        return next_occurrence(start, max(rule.every, 1), rule.unit, floor)
    except (OverflowError, ValueError):  # beyond year 9999
        return None


# === rules (自动提醒设置, CUS-11) ===============================================================================

@dataclass
class _Checked:
    values: dict
    users: list = field(default_factory=list)


def save_rule(*, actor, rule=None, name, target, kind, description="", anchor_field="", fixed_date=None, every=1,
              unit=Rule.Unit.MONTH, lead_days=0, notify_owner=False, notify_team_leader=False, user_ids=(),
              sms_contact=False, sms_template="", request=None):
    """Create a rule (rule=None) or change one; a changed schedule reschedules its reminders."""
    if target in queries.REMIND_PERMS:
        queries.require_remind(actor, target)
    elif not queries.remindable_targets(actor):  # an unknown target is a field error, for those who may remind
        raise PermissionDenied()
    with transaction.atomic():
        if rule is not None:
            rule = _lock_rule(actor, rule)
        checked = _check_rule(rule, {
            "name": name, "description": description, "target": target, "kind": kind,
            "anchor_field": anchor_field, "fixed_date": fixed_date, "every": every, "unit": unit,
            "lead_days": lead_days, "notify_owner": notify_owner, "notify_team_leader": notify_team_leader,
            "sms_contact": sms_contact, "sms_template": sms_template,
        }, user_ids)
        creating = rule is None
        before = {} if creating else timeline.snapshot(rule, TRACKED)
        old_users = [] if creating else sorted(u.name for u in rule.users.all())
        rule = rule or Rule()
        for name_, value in checked.values.items():
            setattr(rule, name_, value)
        rule.save()
        rule.users.set(checked.users)
        changes = timeline.diff(rule, before, TRACKED) if not creating else []
        new_users = sorted(u.name for u in checked.users)
        if not creating and new_users != old_users:
            changes.append({"field": "users", "label": str(Rule._meta.get_field("users").verbose_name),
                            "old": "、".join(old_users), "new": "、".join(new_users)})
        _record_rule_change(actor, rule, creating, changes, request)
        if not creating and rule.is_active:
            reschedule(rule)
    return rule


def _lock_rule(actor, rule):
    """The rule re-read under a row lock, among those the actor may manage (NotFound otherwise)."""
    locked = queries.visible_rules(actor).select_for_update().filter(pk=getattr(rule, "pk", rule)).first()
    if locked is None:
        raise NotFound()
    queries.require_remind(actor, locked.target)
    return locked


def _check_rule(rule, data, user_ids):
    """Every value checked before anything is written; a refusal raises with all the field errors."""
    errors = {}
    values = {
        "name": clean.text(data["name"], NAME_LIMIT, "name", errors, required=True),
        "description": clean.text(data["description"], DESCRIPTION_LIMIT, "description", errors),
        "target": _choice(data["target"], Rule.Target, "target", errors),
        "kind": _choice(data["kind"], Rule.Kind, "kind", errors),
        "unit": _choice(data["unit"], Rule.Unit, "unit", errors),
        "lead_days": _number(data["lead_days"], 0, MAX_LEAD_DAYS, "lead_days", errors),
        "notify_owner": bool(data["notify_owner"]),
        "notify_team_leader": bool(data["notify_team_leader"]),
        "sms_contact": bool(data["sms_contact"]),
    }
    if rule is not None and values["target"] != rule.target and Reminder.objects.filter(rule=rule).exists():
        errors["target"] = [_("The rule is attached to records; remove them before changing what it applies to.")]
    values["every"] = _every(data["every"], values["kind"], errors)
    values["anchor_field"], values["fixed_date"] = _anchor(rule, data, values["target"], errors)
    values["sms_template"] = _sms_template(data["sms_template"], values, errors)
    users = _named_users(rule, user_ids)
    if not (values["notify_owner"] or values["notify_team_leader"] or users or values["sms_contact"]):
        errors["recipients"] = [_("Choose at least one recipient.")]
    if errors:
        raise ValidationFailed(details=errors)
    return _Checked(values, users)


def _choice(value, choices, key, errors):
    if value not in choices.values:
        errors[key] = [_("Choose a valid option.")]
    return value


def _number(value, low, high, key, errors):
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        errors[key] = [_("Enter a whole number from %(low)d to %(high)d.") % {"low": low, "high": high}]
        return low
    return number


def _every(value, kind, errors):
    if kind == Rule.Kind.PERIODIC and value in (None, "", 0, "0"):
        errors["every"] = [_("Enter how often the reminder repeats (at least 1).")]
        return 1
    return _number(value, 1 if kind == Rule.Kind.PERIODIC else 0, MAX_EVERY, "every", errors)


def _anchor(rule, data, target, errors):
    """(anchor_field, fixed_date): a date field of the record, or "" and a fixed date."""
    anchor = (data["anchor_field"] or "").strip()
    if not anchor:
        fixed = _date(data["fixed_date"])
        if fixed is None:
            errors["fixed_date"] = [_("Choose the date to count from.")]
        return "", fixed
    if "target" in errors:
        return anchor, None
    unchanged = rule is not None and rule.target == target and rule.anchor_field == anchor
    if not unchanged and anchor not in dict(queries.anchor_choices(target)):
        errors["anchor_field"] = [_("Choose a date field of the record.")]
    return anchor, None


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None


def _sms_template(value, values, errors):
    text = clean.text(value, TEMPLATE_LIMIT, "sms_template", errors)
    if not values["sms_contact"] or "sms_template" in errors:
        return text
    if not text:
        errors["sms_template"] = [_("Enter the text of the SMS.")]
        return text
    unknown = [tag for tag in PLACEHOLDER_RE.findall(text) if tag not in PLACEHOLDERS]
    if unknown:
        errors["sms_template"] = [_("Unknown placeholder {%(name)s}; use {客户}, {产品} or {日期}.") % {"name": unknown[0]}]
    elif PRODUCT_TAG in PLACEHOLDER_RE.findall(text) and values["target"] != Rule.Target.PRODUCT:
        errors["sms_template"] = [_("{产品} can only be used in rules for products.")]
    return text


def _named_users(rule, user_ids):
    """Active colleagues of the company (one already on the rule may stay once disabled); an id that is
    not one of them — another company's user — is NotFound."""
    ids = set()
    for value in user_ids or ():
        try:
            ids.add(int(value))
        except (TypeError, ValueError):
            raise NotFound()
    kept = set(rule.users.values_list("pk", flat=True)) if rule is not None else set()
    users = list(User.objects.for_tenant().filter(Q(is_active=True) | Q(pk__in=kept), pk__in=ids))
    if len(users) != len(ids):
        raise NotFound()
    return users


def _record_rule_change(actor, rule, creating, changes, request):
    if creating:
        summary = _("Created the reminder rule %(name)s") % {"name": rule.name}
    else:
        summary = _("Edited the reminder rule %(name)s") % {"name": rule.name}
    timeline.record(actor=actor, obj=rule, verb="created" if creating else "edited", summary=summary,
                    changes=changes)
    if creating or changes:
        log(SystemLog.Kind.SETTINGS, user=actor, request=request, action=summary,
            detail={"object": "reminder_rule", "id": rule.pk, "changes": changes})
    outbox.emit("reminder_rule.created" if creating else "reminder_rule.updated", rule_id=rule.pk,
                target=rule.target, actor_id=getattr(actor, "pk", None))


def set_rule_active(*, actor, rule, active, request=None):
    """Enable or disable a rule. A disabled rule sends nothing; enabling it again reschedules its
    reminders from today, so the dates it missed are not sent late."""
    with transaction.atomic():
        rule = _lock_rule(actor, rule)
        if rule.is_active == bool(active):
            return rule
        rule.is_active = bool(active)
        rule.save(update_fields=["is_active", "updated_at"])
        if rule.is_active:
            summary = _("Enabled the reminder rule %(name)s") % {"name": rule.name}
            reschedule(rule)
        else:
            summary = _("Disabled the reminder rule %(name)s") % {"name": rule.name}
        timeline.record(actor=actor, obj=rule, verb="enabled" if rule.is_active else "disabled", summary=summary)
        log(SystemLog.Kind.SETTINGS, user=actor, request=request, action=summary,
            detail={"object": "reminder_rule", "id": rule.pk, "active": rule.is_active})
        outbox.emit("reminder_rule.updated", rule_id=rule.pk, target=rule.target, actor_id=getattr(actor, "pk", None))
    return rule


def delete_rule(*, actor, rule, request=None):
    """Delete a rule with its reminders and their history."""
    with transaction.atomic():
        rule = _lock_rule(actor, rule)
        attached = Reminder.objects.filter(rule=rule).count()
        log(SystemLog.Kind.DELETE, user=actor, request=request,
            action=_("Deleted the reminder rule %(name)s") % {"name": rule.name},
            detail={"object": "reminder_rule", "id": rule.pk, "name": rule.name, "reminders": attached,
                    "sent": rule.sent_count})
        outbox.emit("reminder_rule.deleted", rule_id=rule.pk, target=rule.target, actor_id=getattr(actor, "pk", None))
        rule.delete()
    return attached


def reschedule(rule, *, today=None, keep_due=False, batch=1000):
    """Recompute the next due date of every reminder of the rule: after an edit, on enabling, and once a
    day (the records' dates may have changed). With `keep_due`, reminders already due are left for the
    sender. Returns how many changed."""
    today = today or company_today()
    model = queries.target_model(rule.target)
    changed = 0
    reminders = Reminder.objects.filter(rule=rule).order_by("pk")
    if keep_due:
        reached = today + dt.timedelta(days=rule.lead_days)
        reminders = reminders.exclude(next_due__lte=reached)
    for chunk in _chunks(reminders.iterator(chunk_size=batch), batch):
        records = model.objects.in_bulk([r.object_id for r in chunk])
        updated = []
        for reminder in chunk:
            record = records.get(reminder.object_id)
            due = compute_next_due(rule, record, today=today, last_due=reminder.last_due) if record else None
            if due != reminder.next_due:
                reminder.next_due = due
                updated.append(reminder)
        Reminder.objects.bulk_update(updated, ["next_due"])
        changed += len(updated)
    return changed


def reschedule_all(*, today=None):
    """The daily pass: reschedule the enabled rules that count from a date of the record."""
    today = today or company_today()
    rules = Rule.objects.filter(is_active=True).exclude(anchor_field="").order_by("pk")
    return sum(reschedule(rule, today=today, keep_due=True) for rule in rules)


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# === attaching rules to records (批量提醒) ====================================================================

@dataclass
class AttachResult:
    added: list = field(default_factory=list)  # the new Reminders
    already: int = 0  # records that had the rule already

    @property
    def without_date(self):
        """New reminders with nothing to send yet: the record has no date, or a one-time date passed."""
        return sum(1 for reminder in self.added if reminder.next_due is None)


def attach_rule(*, actor, rule, objects):
    """Attach a rule to customers or products (of the rule's target, all visible to the actor)."""
    with transaction.atomic():
        rule = _lock_rule(actor, rule)  # also serializes concurrent attaches of the same rule
        if not rule.is_active:
            raise ValidationFailed(_("The rule “%(name)s” is disabled; enable it first.") % {"name": rule.name},
                                   details={"rule": [_("This rule is disabled.")]})
        records = _records(actor, rule.target, objects)
        content_type = queries.content_type_of(rule.target)
        taken = set(Reminder.objects.filter(rule=rule, content_type=content_type,
                                            object_id__in=[r.pk for r in records]).values_list("object_id", flat=True))
        today = company_today()
        result = AttachResult(already=len(taken))
        for record in records:
            if record.pk in taken:
                continue
            reminder = Reminder.objects.create(rule=rule, content_type=content_type, object_id=record.pk,
                                               next_due=compute_next_due(rule, record, today=today),
                                               created_by=actor if getattr(actor, "pk", None) else None)
            timeline.record(actor=actor, obj=record, verb="reminder_added",
                            summary=_("Added the reminder “%(rule)s”") % {"rule": rule.name})
            result.added.append(reminder)
        if result.added:
            outbox.emit("reminder.attached", rule_id=rule.pk, target=rule.target,
                        object_ids=[r.object_id for r in result.added], actor_id=getattr(actor, "pk", None))
    return result


def _records(actor, target, objects):
    """The records re-read within the actor's scope; one of another type or out of scope is NotFound."""
    model = queries.target_model(target)
    ids = set()
    for obj in objects:
        if isinstance(obj, model):
            ids.add(obj.pk)
        elif isinstance(obj, int) and not isinstance(obj, bool):
            ids.add(obj)
        else:
            raise NotFound()
    if not ids:
        raise ValidationFailed(_("Select at least one record."))
    return sorted(queries.records_for(actor, target, ids), key=lambda record: record.pk)


def detach_rule(*, actor, rule, objects):
    """Remove a rule from records (their delivery history goes with the reminders)."""
    with transaction.atomic():
        rule = _lock_rule(actor, rule)
        records = _records(actor, rule.target, objects)
        reminders = Reminder.objects.filter(rule=rule, content_type=queries.content_type_of(rule.target),
                                            object_id__in=[r.pk for r in records])
        attached = set(reminders.values_list("object_id", flat=True))
        for record in records:
            if record.pk in attached:
                timeline.record(actor=actor, obj=record, verb="reminder_removed",
                                summary=_("Removed the reminder “%(rule)s”") % {"rule": rule.name})
        reminders.delete()
        if attached:
            outbox.emit("reminder.detached", rule_id=rule.pk, target=rule.target, object_ids=sorted(attached),
                        actor_id=getattr(actor, "pk", None))
    return len(attached)


def detach(*, actor, reminder):
    """Remove one reminder from its record."""
    reminder = queries.get_reminder(actor, getattr(reminder, "pk", reminder))
    return detach_rule(actor=actor, rule=reminder.rule, objects=[reminder.object_id])


# === sending (the periodic task) =============================================================================

def forget_reminders(model, pks):
    """Delete the reminders of records about to be deleted (registered with core.dependents in apps.py):
    a reminder points at its record generically, so nothing cascades."""
    from django.contrib.contenttypes.models import ContentType

    Reminder.objects.filter(content_type=ContentType.objects.get_for_model(model), object_id__in=pks).delete()


def send_due_reminders(*, today=None, limit=2000):
    """Send the active company's due reminders: those whose next due date minus the lead days is
    today or earlier. Returns how many deliveries were made; safe to run twice."""
    today = today or company_today()
    sent = 0
    for rule in Rule.objects.filter(is_active=True).order_by("pk"):
        horizon = today + dt.timedelta(days=rule.lead_days)
        due_ids = list(Reminder.objects.filter(rule=rule, next_due__isnull=False, next_due__lte=horizon)
                       .order_by("next_due", "pk").values_list("pk", flat=True)[:limit])
        for reminder_id in due_ids:
            sent += deliver_reminder(reminder_id, today=today)
    send_pending_sms()
    return sent


def deliver_reminder(reminder_id, *, today):
    """Make the delivery of one due reminder and advance it. True when something was sent."""
    with transaction.atomic():
        # SKIP LOCKED: a reminder another worker is sending is that worker's; OF self: not the rule row
        reminder = (Reminder.objects.select_for_update(skip_locked=True, of=("self",))
                    .filter(pk=reminder_id, next_due__isnull=False).first())
        if reminder is None:
            return False
        rule = Rule.objects.get(pk=reminder.rule_id)
        due = reminder.next_due
        if not rule.is_active or due - dt.timedelta(days=rule.lead_days) > today:
            return False
        record = queries.target_model(rule.target).objects.filter(pk=reminder.object_id).first()
        if record is None:  # the record went without its reminders (deleted meanwhile)
            reminder.delete()
            return False
        delivery = _claim_delivery(reminder, due)
        if delivery is not None:
            _send(rule, reminder, record, delivery)
        reminder.last_due = due
        reminder.next_due = compute_next_due(rule, record, today=today, last_due=due)
        reminder.save(update_fields=["last_due", "next_due", "updated_at"])
    return delivery is not None


def _claim_delivery(reminder, due):
    """The new delivery row, or None when this due date was delivered already (the unique key)."""
    try:
        with transaction.atomic():
            return Delivery.objects.create(reminder=reminder, due_date=due)
    except IntegrityError:
        return None


def event_id(delivery):
    """The stable id of a delivery's notifications and SMS: a retry finds them already sent."""
    return uuid.uuid5(DELIVERY_NAMESPACE, f"{delivery.tenant_id}:{delivery.reminder_id}:{delivery.due_date}")


def _send(rule, reminder, record, delivery):
    from shouhou.messaging.services import notify

    customer = _customer_of(record)
    users = _recipients(rule, customer)
    notified = notify(users=users, title=_("Reminder: %(rule)s") % {"rule": rule.name},
                      body=_reminder_body(rule, record, delivery.due_date), url=_record_url(rule.target, record),
                      event_id=event_id(delivery))
    delivery.recipients = [{"id": n.user_id, "name": n.user.name} for n in notified]
    if rule.sms_contact:
        _prepare_sms(rule, record, customer, delivery)
    delivery.save()
    Rule.objects.filter(pk=rule.pk).update(sent_count=F("sent_count") + 1)
    timeline.record(actor=None, obj=record, verb="reminder_sent", note=_delivery_note(delivery),
                    summary=_("Reminder “%(rule)s” sent for %(date)s") % {"rule": rule.name,
                                                                            "date": delivery.due_date.isoformat()})
    outbox.emit("reminder.sent", reminder_id=reminder.pk, rule_id=rule.pk, target=rule.target,
                object_id=record.pk, due_date=delivery.due_date.isoformat(), delivery_id=delivery.pk)


def _customer_of(record):
    from shouhou.customers.models import Customer

    if isinstance(record, Customer):
        return record
    return getattr(record, "customer", None)


def _recipients(rule, customer):
    """The rule's people: the customer's owners, its service team's leaders, the named users."""
    users = list(rule.users.filter(is_active=True))
    if customer is not None and rule.notify_owner:
        users += list(customer.owners.filter(is_active=True))
    if customer is not None and rule.notify_team_leader and customer.service_team_id:
        users += list(customer.service_team.leaders.filter(is_active=True))
    return list({user.pk: user for user in users}.values())


def _reminder_body(rule, record, due):
    body = _("%(record)s · due %(date)s") % {"record": record, "date": due.isoformat()}
    return f"{body}\n{rule.description}" if rule.description else body


def _record_url(target, record):
    name = "customers:detail" if target == Rule.Target.CUSTOMER else "products:detail"
    try:
        return reverse(name, args=[record.pk])
    except NoReverseMatch:
        return ""


def render_sms(rule, record, due):
    """The rule's SMS text with {客户}, {产品} and {日期} filled in."""
    customer = _customer_of(record)
    product_name = record.name if rule.target == Rule.Target.PRODUCT else ""
    values = {CUSTOMER_TAG: customer.name if customer is not None else "", PRODUCT_TAG: product_name,
              DATE_TAG: due.isoformat()}
    return PLACEHOLDER_RE.sub(lambda match: values.get(match.group(1), match.group(0)), rule.sms_template)


def _prepare_sms(rule, record, customer, delivery):
    """Queue the SMS on the delivery (sent by `send_pending_sms`), or say why there is none."""
    phone = normalize_phone(customer.contact_phone) if customer is not None else ""
    if not phone or not MAINLAND_MOBILE.match(phone):
        delivery.sms_status = Delivery.SmsStatus.SKIPPED
        delivery.sms_error = str(_("The customer's default contact has no mobile number."))
        return
    delivery.sms_phone = phone
    delivery.sms_content = render_sms(rule, record, delivery.due_date)[:500]
    delivery.sms_status = Delivery.SmsStatus.PENDING


def _delivery_note(delivery):
    names = "、".join(person["name"] for person in delivery.recipients) or _("nobody")
    note = _("Notified: %(names)s") % {"names": names}
    if delivery.sms_status == Delivery.SmsStatus.PENDING:
        note += "\n" + _("SMS to %(phone)s: %(text)s") % {"phone": delivery.sms_phone, "text": delivery.sms_content}
    elif delivery.sms_status == Delivery.SmsStatus.SKIPPED:
        note += "\n" + delivery.sms_error
    return note


def send_pending_sms(limit=500):
    """Send the SMS of deliveries waiting for it. Each is claimed (pending → sending) before it goes out,
    so two workers never both send it; the quota is counted by messaging.send_sms, and a refusal
    (quota used up, not a mobile number) is recorded on the delivery, not raised."""
    ids = list(Delivery.objects.filter(sms_status=Delivery.SmsStatus.PENDING).order_by("pk")
               .values_list("pk", flat=True)[:limit])
    return sum(_send_delivery_sms(pk) for pk in ids)


def _send_delivery_sms(pk):
    from shouhou.messaging.models import SmsMessage
    from shouhou.messaging.services import send_sms

    claimed = Delivery.objects.filter(pk=pk, sms_status=Delivery.SmsStatus.PENDING).update(
        sms_status=Delivery.SmsStatus.SENDING)
    if not claimed:
        return False
    delivery = Delivery.objects.get(pk=pk)
    status, error = Delivery.SmsStatus.SENT, ""
    try:
        message = send_sms(phone=delivery.sms_phone, content=delivery.sms_content, purpose=_("Automatic reminder"),
                           event_id=event_id(delivery))
    except QuotaExceeded as exc:
        status, error = Delivery.SmsStatus.FAILED, str(exc.message)
    except ValidationFailed as exc:
        messages = [str(m) for values in exc.details.values() for m in values] or [str(exc.message)]
        status, error = Delivery.SmsStatus.FAILED, messages[0]
    else:
        if message is not None and message.status == SmsMessage.Status.FAILED:
            status, error = Delivery.SmsStatus.FAILED, message.error
    Delivery.objects.filter(pk=pk).update(sms_status=status, sms_error=error[:300])
    return status == Delivery.SmsStatus.SENT
