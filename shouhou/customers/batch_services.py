"""Batch edit and SMS of the customers selected in the list (CUS-01): the same change on each of them,
all or none; a text to each one's default contact within the SMS quota."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import clean, forms_engine, permissions, timeline
from shouhou.core.errors import DomainError, QuotaExceeded, ValidationFailed
from shouhou.core.validators import MAINLAND_MOBILE

from .services import (
    NOT_GIVEN,
    REQUIRED,
    _lock,
    _owners,
    _status,
    _team,
    _write_update,
    clean_tags,
    schema,
)

OWNER_MODES = ("add", "remove", "set")


def batch_update(*, actor, customers, status=NOT_GIVEN, service_team_id=NOT_GIVEN, owner_ids=NOT_GIVEN,
                 owners_mode="set", tags=NOT_GIVEN, tags_mode="add", field_key=None, field_value=NOT_GIVEN,
                 request=None):
    """Change the same things on several customers: all of them, or — on any error — none."""
    permissions.require(actor, "customer.edit")
    errors, changes = {}, {}
    if status is not NOT_GIVEN:
        changes["status"] = _status(status, errors)
    if service_team_id is not NOT_GIVEN:
        changes["service_team"] = _team(service_team_id, errors)
    owners = None if owner_ids is NOT_GIVEN else _owners(owner_ids, errors)
    new_tags = None if tags is NOT_GIVEN else clean_tags(tags, errors)
    for mode, key in ((owners_mode, "owners"), (tags_mode, "tags")):
        if mode not in OWNER_MODES:
            errors[key] = [_("Choose add, remove or replace.")]
    definition = clean.batch_field(schema(), field_key, errors) if field_key else None
    clean.raise_if(errors)
    with transaction.atomic():
        locked = [_lock(actor, customer) for customer in customers]
        for customer in locked:
            new_fields = _batch_fields(actor, customer, definition, field_value, errors) if definition else None
            clean.raise_if(errors)
            per_customer = dict(changes)
            if new_tags is not None:
                per_customer["tags"] = _combine(customer.tags, new_tags, tags_mode)
            combined = None
            if owners is not None:
                combined = _combine_owners(customer, owners, owners_mode)
            _write_update(actor, customer, per_customer, owners=combined, new_fields=new_fields,
                          verb="customer.batch_updated", summary=_("Batch edit"))
    return len(locked)


def _batch_fields(actor, customer, definition, value, errors):
    data = {definition.key: None if value is NOT_GIVEN else value}
    cleaned = clean.custom_fields(schema(), data, partial=True,
                                  previous=customer.fields, errors=errors, actor=actor)
    return None if cleaned is None else forms_engine.merge_values(customer.fields, cleaned)


def _combine(current, given, mode):
    if mode == "set":
        return list(given)
    if mode == "remove":
        return [item for item in current if item not in given]
    return list(dict.fromkeys([*current, *given]))


def _combine_owners(customer, owners, mode):
    current = list(customer.owners.filter(is_active=True))
    if mode == "set":
        return owners
    if mode == "remove":
        return [user for user in current if user not in owners]
    return list({user.pk: user for user in [*current, *owners]}.values())


@dataclass
class SmsReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0  # no default contact with a mobile number
    errors: list = field(default_factory=list)


def send_sms_to_customers(*, actor, customers, content):
    """Text each customer's default contact (mobile numbers only), counted against the SMS quota.

    Sends what the quota allows; once it is used up the rest count as failed. Each sent message is
    recorded on its customer's timeline.
    """
    from shouhou.messaging.models import SmsMessage
    from shouhou.messaging.services import send_sms

    permissions.require(actor, "customer.sms")
    content = (content or "").strip()
    if not content:
        raise ValidationFailed(details={"content": [REQUIRED]})
    if len(content) > 500:
        raise ValidationFailed(details={"content": [_("Ensure this value has at most %(limit)d characters.")
                                                    % {"limit": 500}]})
    from .queries import visible_customers

    report = SmsReport()
    for customer in visible_customers(actor).filter(pk__in=[c.pk for c in customers]).order_by("pk"):
        if not MAINLAND_MOBILE.match(customer.contact_phone or ""):
            report.skipped += 1
            continue
        if report.errors and isinstance(report.errors[-1], QuotaExceeded):
            report.failed += 1
            continue
        try:
            message = send_sms(phone=customer.contact_phone, content=content, actor=actor, purpose="customer")
        except DomainError as exc:
            report.failed += 1
            report.errors.append(exc)
            continue
        if message is not None and message.status == SmsMessage.Status.SENT:
            report.sent += 1
            timeline.record(actor=actor, obj=customer, verb="customer.sms",
                            summary=_("Sent an SMS to %(contact)s") % {"contact": customer.contact_name},
                            note=content)
        else:
            report.failed += 1
    return report
