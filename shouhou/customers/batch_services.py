"""Services over many customers at once (CUS-01, CUS-06): one name, "batch", for what was split
between batch_services and bulk_services.

Batch edit and SMS of the customers selected in the list: the same change on each of them, all or
none; a text to each one's default contact within the SMS quota.

Creating many customers in one go: the commit of the Excel import (CUS-06).

`create_customers` checks every row as `services.create_customer` does — the same cleaners, the same
messages — and then writes the rows a thousand at a time: customers (with the copies of their default
contact and address already filled in), owners, contacts, addresses, one timeline entry and one
`customer.created` event each. Creating them one by one costs some twenty statements per customer;
10,000 imported rows took minutes that way and take seconds this way (docs/benchmarks.md).
Geocoding is the caller's: the importer locates addresses while it checks the file.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.accounts.models import Team, User
from shouhou.core import clean, company_settings, forms_engine, outbox, timeline
from shouhou.core.errors import DomainError, QuotaExceeded, ValidationFailed
from shouhou.core.models import Counter
from shouhou.core.tenancy import require_tenant
from shouhou.core.validators import MAINLAND_MOBILE

from . import policy, services
from .models import Address, Contact, Customer
from .services import (
    NOT_GIVEN,
    REQUIRED,
    clean_owners,
    clean_status,
    clean_tags,
    clean_team,
    lock_customer,
    schema,
    write_update,
)

OWNER_MODES = ("add", "remove", "set")


def batch_update(*, actor, customers, status=NOT_GIVEN, service_team_id=NOT_GIVEN, owner_ids=NOT_GIVEN,
                 owners_mode="set", tags=NOT_GIVEN, tags_mode="add", field_key=None, field_value=NOT_GIVEN,
                 request=None):
    """Change the same things on several customers: all of them, or — on any error — none."""
    policy.require(actor, None, "edit")
    errors, changes = {}, {}
    if status is not NOT_GIVEN:
        changes["status"] = clean_status(status, errors)
    if service_team_id is not NOT_GIVEN:
        changes["service_team"] = clean_team(service_team_id, errors)
    owners = None if owner_ids is NOT_GIVEN else clean_owners(owner_ids, errors)
    new_tags = None if tags is NOT_GIVEN else clean_tags(tags, errors)
    for mode, key in ((owners_mode, "owners"), (tags_mode, "tags")):
        if mode not in OWNER_MODES:
            errors[key] = [_("Choose add, remove or replace.")]
    definition = clean.batch_field(schema(), field_key, errors) if field_key else None
    clean.raise_if(errors)
    with transaction.atomic():
        locked = [lock_customer(actor, customer) for customer in customers]
        for customer in locked:
            new_fields = _batch_fields(actor, customer, definition, field_value, errors) if definition else None
            clean.raise_if(errors)
            per_customer = dict(changes)
            if new_tags is not None:
                per_customer["tags"] = _combine(customer.tags, new_tags, tags_mode)
            combined = None
            if owners is not None:
                combined = _combine_owners(customer, owners, owners_mode)
            write_update(actor, customer, per_customer, owners=combined, new_fields=new_fields,
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

    policy.require(actor, None, "sms")
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


# Creating many customers in one go: the commit of the Excel import (CUS-06).

BATCH = 1000
LOOKUP_CHUNK = 500
NUMBER_WIDTH = 5  # as core.numbering.next_number writes them


class RowsRefused(ValidationFailed):
    """Some rows cannot be created; `details` maps each row's index to {field: [messages]}."""


def create_customers(*, actor, rows, check_perm=True):
    """Create a customer for each dict of `services.create_customer` keyword arguments; all or none.

    Raises RowsRefused listing every refused row. Returns the customers, in the order of `rows`.
    """
    if check_perm:
        policy.require(actor, None, "create")
    context = _Context(actor)
    prepared, refused = [], {}
    for index, row in enumerate(rows):
        values, errors = _prepare(row, context)
        prepared.append(values)
        if errors:
            refused[index] = errors
    with transaction.atomic():
        services.serialize_name_checks()
        _check_unique(prepared, "number", _("The customer number %(number)s is already used."), "number", refused)
        if not company_settings.get("customer.allow_duplicate_names"):
            _check_unique(prepared, "name", _("A customer named “%(name)s” already exists."), "name", refused)
        if refused:
            raise RowsRefused(_("Some rows cannot be imported."), details=refused)
        _give_numbers(prepared)
        return _insert(actor, prepared)


class _Context:
    """What every row is checked against, loaded once."""

    def __init__(self, actor):
        self.actor = actor
        self.schema = services.schema()
        self.teams = {team.pk: team for team in Team.objects.all()}
        self.active_user_ids = set(User.objects.for_tenant().filter(is_active=True).values_list("pk", flat=True))
        self.address_required = company_settings.get("customer.address_required")


def _prepare(row, context):
    """(values, errors) of one row, checked like services.create_customer checks its arguments."""
    errors = {}
    values = {"name": clean.text(row.get("name"), 100, "name", errors, required=True),
              "number": clean.text(row.get("number", ""), 30, "number", errors),
              "status": services.clean_status(row.get("status", Customer.Status.ACTIVE), errors),
              "tags": services.clean_tags(row.get("tags", ()), errors)}
    values["team"] = _known_team(row.get("service_team_id"), context, errors)
    values["owner_ids"] = _owner_ids(row.get("owner_ids", ()), context, errors)
    values["contacts"] = services.clean_rows(row.get("contacts", ()), "contacts", services.clean_contact, errors)
    values["addresses"] = services.clean_rows(row.get("addresses", ()), "addresses", services.clean_address,
                                               errors)
    if not values["addresses"] and context.address_required and "addresses" not in errors:
        errors["addresses"] = [_("Enter the customer's address.")]
    try:
        values["fields"] = forms_engine.validate_values(context.schema, row.get("fields") or {}, partial=False,
                                                        previous=None, error_prefix="fields.", actor=context.actor)
    except ValidationFailed as exc:
        errors.update(exc.details)
    return values, errors


def _known_team(team_id, context, errors):
    if team_id in (None, ""):
        return None
    team = context.teams.get(services.to_int(team_id))
    if team is None:
        errors["service_team"] = [_("The selected team does not exist.")]
    return team


def _owner_ids(owner_ids, context, errors):
    ids = {services.to_int(value) for value in owner_ids or ()}
    if ids - context.active_user_ids:
        errors["owners"] = [_("A selected owner does not exist or is disabled.")]
    return sorted(ids)


def _check_unique(prepared, key, message, field, refused):
    """Refuse rows whose `key` another customer has, or an earlier row of the same batch."""
    first = {}
    for index, values in enumerate(prepared):
        if values[key] and values[key] in first and index not in refused:
            refused[index] = {field: [message % {key: values[key]}]}
        first.setdefault(values[key], index)
    wanted = [value for value in first if value]
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        chunk = wanted[start:start + LOOKUP_CHUNK]
        for taken in Customer.objects.filter(**{f"{key}__in": chunk}).values_list(key, flat=True).distinct():
            for index, values in enumerate(prepared):
                if values[key] == taken:
                    refused.setdefault(index, {}).setdefault(field, []).append(message % {key: taken})


def _give_numbers(prepared):
    """Numbers from the company counter for rows without one, skipping numbers already given by hand.

    The counter row is locked (services.serialize_name_checks), as next_number would lock it.
    """
    missing = [values for values in prepared if not values["number"]]
    if not missing:
        return
    prefix = company_settings.get("customer.number_prefix") or "CUS"
    counter = Counter.objects.select_for_update().get(key=services.COUNTER_KEY)
    value, given, numbers = counter.value, {values["number"] for values in prepared if values["number"]}, []
    while len(numbers) < len(missing):
        wanted = len(missing) - len(numbers)
        candidates = [f"{prefix}{number:0{NUMBER_WIDTH}d}" for number in range(value + 1, value + 1 + wanted)]
        taken = set(given)
        for start in range(0, len(candidates), LOOKUP_CHUNK):
            chunk = candidates[start:start + LOOKUP_CHUNK]
            taken.update(Customer.objects.filter(number__in=chunk).values_list("number", flat=True))
        value += wanted
        numbers.extend(candidate for candidate in candidates if candidate not in taken)
    for values, number in zip(missing, numbers, strict=True):
        values["number"] = number
    Counter.objects.filter(pk=counter.pk).update(value=value)


def _default(rows):
    """The row marked default, else the first (as services._insert_children marks them)."""
    marked = next((i for i, row in enumerate(rows) if row["is_default"]), 0)
    return marked, (rows[marked] if rows else None)


def _insert(actor, prepared):
    tenant, creator = require_tenant(), clean.signed_in(actor)
    customers = []
    for values in prepared:
        _index, contact = _default(values["contacts"])
        _index, address = _default(values["addresses"])
        customers.append(Customer(
            tenant=tenant, created_by=creator, service_team=values["team"], name=values["name"],
            number=values["number"], status=values["status"], tags=values["tags"], fields=values["fields"],
            contact_name=contact["name"] if contact else "", contact_phone=contact["phone"] if contact else "",
            province=address["province"] if address else "", city=address["city"] if address else "",
            district=address["district"] if address else "", address_detail=address["detail"] if address else "",
            province_code=address.get("province_code", "") if address else "",
            city_code=address.get("city_code", "") if address else "",
            district_code=address.get("district_code", "") if address else "",
            latitude=address["latitude"] if address else None, longitude=address["longitude"] if address else None))
    Customer.objects.bulk_create(customers, batch_size=BATCH)
    Owners = Customer.owners.through
    Owners.objects.bulk_create([Owners(customer_id=customer.pk, user_id=user_id)
                                for customer, values in zip(customers, prepared, strict=True)
                                for user_id in values["owner_ids"]], batch_size=BATCH)
    for model, key in ((Contact, "contacts"), (Address, "addresses")):
        model.objects.bulk_create(_children(model, tenant, customers, prepared, key), batch_size=BATCH)
    timeline.record_many(actor=actor, objects=customers, verb="customer.created",
                         summary=_("Created the customer"))
    outbox.emit_many("customer.created", [{"customer_id": customer.pk, "actor_id": getattr(actor, "pk", None)}
                                          for customer in customers])
    return customers


def _children(model, tenant, customers, prepared, key):
    """The contacts or addresses of every customer, the default one marked."""
    rows = []
    for customer, values in zip(customers, prepared, strict=True):
        marked, _row = _default(values[key])
        rows.extend(model(tenant=tenant, customer=customer, **{**row, "is_default": i == marked})
                    for i, row in enumerate(values[key]))
    return rows
