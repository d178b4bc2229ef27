"""Scoped reads of reminder rules, reminders and their deliveries (CUS-07, CUS-11, PRD-10).

Rules are company settings per target: an actor sees the rules of the targets they may remind
(`customer.remind`, `product.remind`). Reminders and deliveries are read through their record, which
the actor must be able to see (the customer's or product's own data scope).
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core import forms_engine, permissions
from shouhou.core.errors import NotFound, PermissionDenied
from shouhou.core.forms_engine.kinds.temporal import company_zone

from .models import Reminder, ReminderDelivery, ReminderRule

TARGETS = (ReminderRule.Target.CUSTOMER, ReminderRule.Target.PRODUCT)
REMIND_PERMS = {ReminderRule.Target.CUSTOMER: "customer.remind", ReminderRule.Target.PRODUCT: "product.remind"}
VIEW_PERMS = {ReminderRule.Target.CUSTOMER: "customer.view", ReminderRule.Target.PRODUCT: "product.view"}
CUSTOM_PREFIX = "fields."
DATE_KINDS = ("date", "datetime")
# the record's own date columns a schedule may count from, per target
SYSTEM_ANCHORS = {
    ReminderRule.Target.CUSTOMER: [("created_at", _("Created at"))],
    ReminderRule.Target.PRODUCT: [
        ("warranty_end", _("Warranty end date")), ("purchase_date", _("Purchase date")),
        ("install_date", _("Installation date")), ("created_at", _("Created at")),
    ],
}


# --- targets -------------------------------------------------------------------------------------------

def target_model(target):
    if target == ReminderRule.Target.CUSTOMER:
        from shouhou.customers.models import Customer

        return Customer
    if target == ReminderRule.Target.PRODUCT:
        from shouhou.products.models import Product

        return Product
    raise NotFound()


def target_of(record):
    """"customer" or "product" for a record."""
    for target in TARGETS:
        if isinstance(record, target_model(target)):
            return target
    raise NotFound()


def content_type_of(target):
    return ContentType.objects.get_for_model(target_model(target))


def visible_records(actor, target):
    """The customers or products the actor may see (their app's data scope)."""
    if target == ReminderRule.Target.CUSTOMER:
        from shouhou.customers.queries import visible_customers

        return visible_customers(actor)
    if target == ReminderRule.Target.PRODUCT:
        from shouhou.products.queries import visible_products

        return visible_products(actor).select_related("customer")
    raise NotFound()


def records_for(actor, target, ids):
    """The records named by `ids`, every one visible to the actor — else NotFound (another company's too)."""
    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    permissions.require(actor, VIEW_PERMS[target])
    found = list(visible_records(actor, target).filter(pk__in=wanted))
    if len(found) != len(wanted):
        raise NotFound()
    return found


def record_for(actor, target, pk):
    permissions.require(actor, VIEW_PERMS[target])
    return permissions.get_visible_or_404(visible_records(actor, target), pk=pk)


def remindable_targets(actor):
    return [target for target in TARGETS if permissions.has_perm(actor, REMIND_PERMS[target])]


def require_remind(actor, target):
    if target not in REMIND_PERMS:
        raise NotFound()
    permissions.require(actor, REMIND_PERMS[target])


# --- the date fields a schedule counts from ------------------------------------------------------------

def anchor_choices(target):
    """[(anchor_field, label)]: the record's date columns, then the date custom fields of its form."""
    choices = [(key, label) for key, label in SYSTEM_ANCHORS.get(target, [])]
    schema = forms_engine.get_schema(target).parsed
    for field in schema.value_fields():
        if field.kind in DATE_KINDS:
            choices.append((CUSTOM_PREFIX + field.key, field.label or field.key))
    return choices


def anchor_label(target, anchor_field):
    """The label of a rule's date field, also for a custom field removed from the form since."""
    for key, label in SYSTEM_ANCHORS.get(target, []):
        if key == anchor_field:
            return label
    if anchor_field.startswith(CUSTOM_PREFIX):
        schema = forms_engine.get_schema(target).parsed
        key = anchor_field[len(CUSTOM_PREFIX):]
        field = schema.get(key) or schema.retired_field(key)
        if field is not None:
            return field.label or key
    return anchor_field


def anchor_date(rule, record):
    """The date the rule's schedule counts from for this record, or None when the record has none."""
    if not rule.anchor_field:
        return rule.fixed_date
    if rule.anchor_field.startswith(CUSTOM_PREFIX):
        value = (record.fields or {}).get(rule.anchor_field[len(CUSTOM_PREFIX):])
    else:
        value = getattr(record, rule.anchor_field, None)
    return as_local_date(value)


def as_local_date(value):
    """A date from a date, an aware datetime (the company's day) or the engine's ISO text."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = dt.datetime.fromisoformat(text) if "T" in text or " " in text else dt.date.fromisoformat(text)
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return value.date()
        return value.astimezone(company_zone()).date()
    return value if isinstance(value, dt.date) else None


# --- rules ---------------------------------------------------------------------------------------------

def visible_rules(actor):
    """The rules of the targets the actor may remind; with neither permission, PermissionDenied."""
    targets = remindable_targets(actor)
    if not targets:
        raise PermissionDenied()
    return ReminderRule.objects.filter(target__in=targets)


def get_rule(actor, pk):
    return permissions.get_visible_or_404(visible_rules(actor).prefetch_related("users"), pk=pk)


def rules_to_attach(actor, target):
    """The enabled rules the actor may attach to records of `target` (the 批量提醒 dialog)."""
    require_remind(actor, target)
    return ReminderRule.objects.filter(target=target, is_active=True).order_by("name", "id")


def rule_record_count(rule):
    return Reminder.objects.filter(rule=rule).count()


# --- reminders and deliveries of one record, or of one rule ---------------------------------------------

def reminders_of(record):
    """The reminders attached to a record (the caller has checked the actor may see the record)."""
    ct = ContentType.objects.get_for_model(type(record))
    reminders = list(Reminder.objects.filter(content_type=ct, object_id=record.pk).select_related("rule")
                     .order_by("next_due", "id"))
    for reminder in reminders:
        reminder.record = record
    return reminders


def deliveries_of(record, limit=50):
    ct = ContentType.objects.get_for_model(type(record))
    return list(ReminderDelivery.objects.filter(reminder__content_type=ct, reminder__object_id=record.pk)
                .select_related("reminder__rule").order_by("-created_at", "-id")[:limit])


def visible_reminders_of_rule(actor, rule):
    """The rule's reminders on records the actor may see, each with its `record` loaded."""
    visible_ids = visible_records(actor, rule.target).values("pk")
    reminders = list(Reminder.objects.filter(rule=rule, object_id__in=visible_ids).order_by("next_due", "id"))
    records = visible_records(actor, rule.target).in_bulk([r.object_id for r in reminders])
    for reminder in reminders:
        reminder.record = records.get(reminder.object_id)
    return [reminder for reminder in reminders if reminder.record is not None]


def visible_deliveries_of_rule(actor, rule, limit=50):
    visible_ids = visible_records(actor, rule.target).values("pk")
    deliveries = list(ReminderDelivery.objects.filter(reminder__rule=rule, reminder__object_id__in=visible_ids)
                      .select_related("reminder").order_by("-created_at", "-id")[:limit])
    records = visible_records(actor, rule.target).in_bulk({d.reminder.object_id for d in deliveries})
    for delivery in deliveries:
        delivery.record = records.get(delivery.reminder.object_id)
    return deliveries


def get_reminder(actor, pk):
    """One reminder on a record the actor may see (NotFound otherwise), of a target they may remind."""
    reminder = Reminder.objects.select_related("rule").filter(pk=pk).first()
    if reminder is None:
        raise NotFound()
    require_remind(actor, reminder.rule.target)
    if not visible_records(actor, reminder.rule.target).filter(pk=reminder.object_id).exists():
        raise NotFound()
    return reminder
