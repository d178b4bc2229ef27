"""Every write to a customer itself, its notes and the customer settings (architecture §4; CUS-01…06, CUS-08),
and the cleaners shared with contact_services and batch_services.

Each function checks the permission and the actor's data scope (a customer they cannot see is a
NotFound), validates everything before writing — so a refusal changes nothing — then writes, keeps
the customer's copies of its default contact and address in step, records the timeline entry with
the changed fields, and emits the domain event, in one transaction.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.accounts.models import Team, User
from shouhou.core import (
    clean,
    company_settings,
    dependents,
    forms_engine,
    outbox,
    references,
    regions,
    timeline,
)
from shouhou.core.audit import SystemLog, log
from shouhou.core.company_settings import update_settings
from shouhou.core.errors import Conflict, NotFound, ValidationFailed
from shouhou.core.forms_engine import FieldDef, ParsedSchema
from shouhou.core.forms_engine.kinds.text import LANDLINE, SERVICE_NUMBER
from shouhou.core.geo import GeocodingError, geocoder
from shouhou.core.models import Counter
from shouhou.core.numbering import next_number
from shouhou.core.validators import MAINLAND_MOBILE, normalize_phone

from . import geocoding, policy
from .models import Address, Contact, Customer

FORM_TARGET = "customer"
COUNTER_KEY = "customer"
REQUIRED = gettext_lazy("This field is required.")
MAX_TAGS, MAX_TAG_LENGTH = 20, 20
MAX_NOTE = 5000
PREFIX_RE = re.compile(r"^[A-Za-z0-9-]{1,10}$")
TAG_SEPARATORS = re.compile(r"[,，;；、\n]+")
TRACKED = ("name", "status", "service_team", "contact_name", "contact_phone", "province", "city", "district",
           "address_detail", "latitude", "longitude")
CONTACT_FIELDS = ("name", "phone", "email", "position", "note")
ADDRESS_PARTS = ("province", "city", "district", "detail")
REGION_PARTS = ("province", "city", "district")
REGION_CODES = ("province_code", "city_code", "district_code")
# the attachments of a note (CUS-04), checked like an attachment field of the form engine
NOTE_FILES = ParsedSchema.from_definitions([FieldDef(key="files", kind="attachment", label="files",
                                                     multiple=True)])


class _NotGiven:
    def __repr__(self):
        return "NOT_GIVEN"


NOT_GIVEN = _NotGiven()  # "leave unchanged" in updates and batch edits


def schema():
    return forms_engine.get_schema(FORM_TARGET)


# === shared checks ===================================================================================

def lock_customer(actor, customer):
    """The customer re-read under a row lock, within the actor's scope (NotFound otherwise)."""
    from .queries import visible_customers

    in_scope = visible_customers(actor).filter(pk=getattr(customer, "pk", customer)).values("pk")
    locked = Customer.objects.select_for_update().filter(pk__in=in_scope).first()
    if locked is None:
        raise NotFound()
    return locked


def serialize_name_checks():
    """Concurrent writes check names one after another: they queue on the customer counter row."""
    Counter.objects.get_or_create(key=COUNTER_KEY, defaults={"value": 0})
    Counter.objects.select_for_update().filter(key=COUNTER_KEY).first()


def _check_name(name, errors, *, exclude_pk=None):
    if "name" in errors or company_settings.get("customer.allow_duplicate_names"):
        return
    taken = Customer.objects.filter(name=name)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        errors["name"] = [_("A customer named “%(name)s” already exists.") % {"name": name}]


def _check_number(number, errors, *, exclude_pk=None):
    if not number or "number" in errors:
        return
    taken = Customer.objects.filter(number=number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        errors["number"] = [_("The customer number %(number)s is already used.") % {"number": number}]


def clean_status(value, errors):
    if value not in Customer.Status.values:
        errors["status"] = [_("Choose a valid status.")]
    return value


def clean_team(team_id, errors):
    """A team of the company (teams are not data-scoped; core.references bounds the id)."""
    return references.resolve(None, lambda _actor: Team.objects.all(), team_id, field="service_team", errors=errors,
                              message=_("The selected team does not exist."))


def clean_owners(owner_ids, errors, current=None):
    """Active colleagues; an owner already on the customer stays allowed even once disabled."""
    ids = {to_int(i) for i in owner_ids or ()}
    kept = set(current.owners.values_list("pk", flat=True)) if current is not None else set()
    owners = list(User.objects.for_tenant().filter(Q(is_active=True) | Q(pk__in=kept), pk__in=ids))
    if len(owners) != len(ids):
        errors["owners"] = [_("A selected owner does not exist or is disabled.")]
    return owners


def to_int(value):
    """An id, or -1 (matches nothing) for anything that is not one, a too large number too."""
    number = references.clean_id(value)
    return -1 if number is None else number


def clean_tags(value, errors=None):
    """A list of distinct short tags from a list or a text separated by commas or 、."""
    errors = {} if errors is None else errors
    items = TAG_SEPARATORS.split(value) if isinstance(value, str) else list(value or [])
    tags = list(dict.fromkeys(str(tag).strip() for tag in items if str(tag).strip()))
    if len(tags) > MAX_TAGS:
        errors["tags"] = [_("At most %(n)d tags.") % {"n": MAX_TAGS}]
    elif any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        errors["tags"] = [_("A tag has at most %(n)d characters.") % {"n": MAX_TAG_LENGTH}]
    return tags


def valid_phone(number):
    return bool(MAINLAND_MOBILE.match(number) or LANDLINE.match(number) or SERVICE_NUMBER.match(number))


def clean_contact(data, prefix=""):
    """(values, errors) of one contact; errors are keyed "<prefix><field>"."""
    errors = {}
    values = {
        "name": clean.text(data.get("name"), 50, f"{prefix}name", errors, required=True),
        "phone": normalize_phone(data.get("phone")),
        "email": clean.text(data.get("email"), 254, f"{prefix}email", errors).lower(),
        "position": clean.text(data.get("position"), 50, f"{prefix}position", errors),
        "note": clean.text(data.get("note"), 200, f"{prefix}note", errors),
        "is_default": bool(data.get("is_default")),
    }
    if values["phone"] and not valid_phone(values["phone"]):
        errors[f"{prefix}phone"] = [_("Enter a valid phone number: a mobile number or a landline with area code.")]
    if values["email"] and f"{prefix}email" not in errors:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors[f"{prefix}email"] = [_("Enter a valid e-mail address.")]
    return values, errors


def clean_address(data, prefix="", *, match_regions=True):
    """(values, errors) of one address; an address needs a province, city or detail.

    Province, city and district are matched against the administrative divisions (core.regions): each
    may be given as a name (common variants too: 上海 / 上海市, 广西 / 广西壮族自治区) or a GB/T 2260 code,
    in the part itself or in `<part>_code` (which wins); the values carry the canonical names and codes,
    and a part that does not match is an error on that part. A detail given alone ("上海市浦东新区碧波路690号")
    is split into its parts by `core.regions.split` when its start names a region."""
    errors = {}
    values = {part: clean.text(data.get(part), 200 if part == "detail" else 30, f"{prefix}{part}", errors)
              for part in ADDRESS_PARTS}
    codes = {part: clean.text(data.get(f"{part}_code"), 6, f"{prefix}{part}", errors) for part in REGION_PARTS}
    if match_regions and not errors:
        if values["detail"] and not any(values[part] or codes[part] for part in REGION_PARTS):
            # a whole address in one text (the API, a pasted line): its region is read from its start
            found = regions.split(values["detail"])
            if found["province_code"]:
                codes = {part: found[f"{part}_code"] for part in REGION_PARTS}
                values["detail"] = found["detail"]
        match_region(values, codes, prefix, errors)
    values["latitude"] = clean.coordinate(data.get("latitude"), 90, f"{prefix}latitude", errors)
    values["longitude"] = clean.coordinate(data.get("longitude"), 180, f"{prefix}longitude", errors)
    values["is_default"] = bool(data.get("is_default"))
    if not any(values[part] for part in ("province", "city", "detail")) and not errors:
        errors[f"{prefix}detail"] = [_("Enter at least a province, a city or a detailed address.")]
    if (values["latitude"] is None) != (values["longitude"] is None) and not errors:
        errors[f"{prefix}latitude"] = [_("Give both latitude and longitude, or neither.")]
    return values, errors


def match_region(values, codes, prefix, errors):
    """Put the matched names and codes of the three parts into `values`, or the errors into `errors`."""
    given = {part: codes.get(part) or values[part] for part in REGION_PARTS}
    found = regions.match(**given)
    for part, message in found.errors.items():
        errors[f"{prefix}{part}"] = [message]
    values.update(found.values())


def has_address(data):
    return any(str(data.get(part) or "").strip() for part in ADDRESS_PARTS)


def locate(values):
    """Fill in missing coordinates from the address (maps adapter); returns True when located."""
    if values.get("latitude") is not None and values.get("longitude") is not None:
        return True
    try:
        found = geocoder().geocode(**{part: values.get(part, "") for part in ADDRESS_PARTS})
    except GeocodingError:
        return False
    values["latitude"], values["longitude"] = found.latitude, found.longitude
    return True


# === keeping the customer's copies of its default contact and address in step ==========================

def sync_defaults(customer):
    """Exactly one default contact and address (the first when none is marked), copied onto the row."""
    contact = Contact.objects.filter(customer=customer).order_by("-is_default", "id").first()
    address = Address.objects.filter(customer=customer).order_by("-is_default", "id").first()
    for model, default in ((Contact, contact), (Address, address)):
        others = model.objects.filter(customer=customer, is_default=True)
        if default is not None:
            others = others.exclude(pk=default.pk)
            if not default.is_default:
                model.objects.filter(pk=default.pk).update(is_default=True)
        others.update(is_default=False)
    customer.contact_name = contact.name if contact else ""
    customer.contact_phone = contact.phone if contact else ""
    for part in (*REGION_PARTS, *REGION_CODES):
        setattr(customer, part, getattr(address, part) if address else "")
    customer.address_detail = address.detail if address else ""
    customer.latitude = address.latitude if address else None
    customer.longitude = address.longitude if address else None
    customer.save(update_fields=["contact_name", "contact_phone", *REGION_PARTS, *REGION_CODES,
                                 "address_detail", "latitude", "longitude", "updated_at"])


# === customers ============================================================================================

def create_customer(*, actor, name, status=Customer.Status.ACTIVE, number="", service_team_id=None,
                    owner_ids=(), tags=(), fields=None, contacts=(), addresses=(), request=None,
                    check_perm=True, geocode=True):
    """A new customer with its contacts and addresses (the first of each is the default unless one
    is marked). The number comes from the company's counter with its prefix unless one is given."""
    if check_perm:
        policy.require(actor, None, "create")
    errors = {}
    values = {"name": clean.text(name, 100, "name", errors, required=True),
              "number": clean.text(number, 30, "number", errors), "status": clean_status(status, errors)}
    team, owners = clean_team(service_team_id, errors), clean_owners(owner_ids, errors)
    values["tags"] = clean_tags(tags, errors)
    contact_rows = clean_rows(contacts, "contacts", clean_contact, errors)
    address_rows = clean_rows(addresses, "addresses", clean_address, errors)
    if not address_rows and company_settings.get("customer.address_required") and "addresses" not in errors:
        errors["addresses"] = [_("Enter the customer's address.")]
    if geocode and not errors:
        for row in address_rows:
            locate(row)
    with transaction.atomic():  # custom values may store files: a refusal below rolls their quota back
        serialize_name_checks()
        _check_name(values["name"], errors)
        _check_number(values["number"], errors)
        values["fields"] = clean.custom_fields(schema(), fields, partial=False,
                                               previous=None, errors=errors, actor=actor)
        clean.raise_if(errors)
        values["number"] = values["number"] or _next_free_number()
        customer = Customer.objects.create(service_team=team, created_by=clean.signed_in(actor), **values)
        customer.owners.set(owners)
        _insert_children(customer, contact_rows, address_rows)
        sync_defaults(customer)
        if geocode:  # what the provider could not place now is tried again in a job after commit
            geocoding.locate_later(customer)
        timeline.record(actor=actor, obj=customer, verb="customer.created", summary=_("Created the customer"))
        outbox.emit("customer.created", customer_id=customer.pk, actor_id=getattr(actor, "pk", None))
    return customer


def _next_free_number():
    """The counter's next number, skipping numbers already given by hand (e.g. imported ones)."""
    prefix = company_settings.get("customer.number_prefix") or "CUS"
    while True:
        number = next_number(COUNTER_KEY, prefix)
        if not Customer.objects.filter(number=number).exists():
            return number


def clean_rows(rows, key, cleaner, errors):
    cleaned = []
    for index, row in enumerate(rows or ()):
        if not isinstance(row, dict):
            errors[f"{key}.{index}"] = [_("Enter an object.")]
            continue
        values, row_errors = cleaner(row, prefix=f"{key}.{index}.")
        errors.update(row_errors)
        cleaned.append(values)
    return cleaned


def _insert_children(customer, contact_rows, address_rows):
    for model, rows in ((Contact, contact_rows), (Address, address_rows)):
        marked = next((i for i, row in enumerate(rows) if row["is_default"]), 0)
        model.objects.bulk_create([
            model(tenant_id=customer.tenant_id, customer=customer, **{**row, "is_default": i == marked})
            for i, row in enumerate(rows)])


def update_customer(*, actor, customer, name=NOT_GIVEN, status=NOT_GIVEN, service_team_id=NOT_GIVEN,
                    owner_ids=NOT_GIVEN, tags=NOT_GIVEN, fields=NOT_GIVEN, replace_fields=False,
                    default_contact=NOT_GIVEN, default_address=NOT_GIVEN, request=None):
    """Change what is given. `fields` is merged into the stored values (None removes a key) unless
    `replace_fields` (the console form, which sends the whole set). `default_contact` and
    `default_address` (dicts) change the default contact/address, adding one if there is none;
    `default_address=None` removes the default address (refused when an address is required)."""
    policy.require(actor, customer, "edit")
    with transaction.atomic():
        customer = lock_customer(actor, customer)
        errors, changes = {}, {}
        if name is not NOT_GIVEN:
            changes["name"] = clean.text(name, 100, "name", errors, required=True)
        if status is not NOT_GIVEN:
            changes["status"] = clean_status(status, errors)
        if service_team_id is not NOT_GIVEN:
            changes["service_team"] = clean_team(service_team_id, errors)
        owners = None if owner_ids is NOT_GIVEN else clean_owners(owner_ids, errors, current=customer)
        if tags is not NOT_GIVEN:
            changes["tags"] = clean_tags(tags, errors)
        new_fields = None
        if fields is not NOT_GIVEN:
            cleaned = clean.custom_fields(schema(), fields, partial=not replace_fields,
                                          previous=customer.fields, errors=errors, actor=actor)
            if cleaned is not None:
                new_fields = cleaned if replace_fields else forms_engine.merge_values(customer.fields, cleaned)
        contact = _default_contact_values(default_contact, errors)
        address = _default_address_values(default_address, errors)
        clean.raise_if(errors)
        if "name" in changes and changes["name"] != customer.name:
            serialize_name_checks()
            _check_name(changes["name"], errors, exclude_pk=customer.pk)
            clean.raise_if(errors)
        write_update(actor, customer, changes, owners=owners, new_fields=new_fields,
                      contact=contact, address=address)
        if address not in (NOT_GIVEN, None):
            geocoding.locate_later(customer)
    return customer


def _default_contact_values(data, errors):
    if data is NOT_GIVEN:
        return NOT_GIVEN
    values, row_errors = clean_contact(data or {}, prefix="contact.")
    errors.update(row_errors)
    return values


def _default_address_values(data, errors):
    if data is NOT_GIVEN:
        return NOT_GIVEN
    if data is None or not (has_address(data) or data.get("latitude") not in (None, "")):
        if company_settings.get("customer.address_required"):
            errors["address.detail"] = [_("Enter the customer's address.")]
        return None
    values, row_errors = clean_address(data, prefix="address.")
    errors.update(row_errors)
    if not row_errors:
        locate(values)
    return values


def write_update(actor, customer, changes, *, owners=None, new_fields=None, contact=NOT_GIVEN,
                  address=NOT_GIVEN, verb="customer.updated", summary=None):
    """Apply checked changes to a locked customer; records what changed (nothing: no entry)."""
    before = timeline.snapshot(customer, TRACKED)
    before_tags, before_fields = list(customer.tags), dict(customer.fields or {})
    before_owners = list(customer.owners.all()) if owners is not None else None
    for name, value in changes.items():
        setattr(customer, name, value)
    if new_fields is not None:
        customer.fields = new_fields
    customer.save()
    if owners is not None:
        customer.owners.set(owners)
    if contact is not NOT_GIVEN:
        _upsert_default(Contact, customer, contact)
    if address is not NOT_GIVEN:
        _upsert_default(Address, customer, address)
    if contact is not NOT_GIVEN or address is not NOT_GIVEN:
        sync_defaults(customer)
    recorded = timeline.diff(customer, before, TRACKED)
    recorded += _list_change("tags", _("Tags"), before_tags, customer.tags)
    if owners is not None:
        recorded += _list_change("owners", _("Customer owners"), [u.name for u in before_owners],
                                 [u.name for u in owners])
    if new_fields is not None:
        recorded += forms_engine.diff_values(schema(), before_fields, customer.fields)
    if recorded:
        timeline.record(actor=actor, obj=customer, verb=verb, summary=summary or _("Edited the customer"),
                        changes=recorded)
        outbox.emit("customer.updated", customer_id=customer.pk, actor_id=getattr(actor, "pk", None),
                    fields=[change["field"] for change in recorded])
    return recorded


def _list_change(key, label, old, new):
    if sorted(old) == sorted(new):
        return []
    return [{"field": key, "label": str(label), "old": "、".join(old), "new": "、".join(new)}]


def _upsert_default(model, customer, values):
    current = model.objects.filter(customer=customer, is_default=True).first()
    if values is None:
        if current is not None:
            current.delete()
        return
    values = {**values, "is_default": True}
    if current is None:
        model.objects.create(tenant_id=customer.tenant_id, customer=customer, **values)
        return
    for name, value in values.items():
        setattr(current, name, value)
    current.save()


def delete_customers(*, actor, customers, request=None):
    """Delete customers (and their contacts and addresses); refused — for all — while any has work orders."""
    policy.require(actor, None, "delete")
    with transaction.atomic():
        locked = [lock_customer(actor, customer) for customer in customers]
        busy = [customer.name for customer in locked if _has_work_orders(customer)]
        if busy:
            raise Conflict(_("These customers have work orders and cannot be deleted: %(names)s")
                           % {"names": "、".join(busy[:10])})
        dependents.forget(Customer, [customer.pk for customer in locked])  # e.g. their reminders
        for customer in locked:
            log(SystemLog.Kind.DELETE, user=actor, request=request,
                action=_("Deleted customer %(name)s (%(number)s)") % {"name": customer.name,
                                                                    "number": customer.number},
                detail={"object": "customer", "id": customer.pk, "name": customer.name, "number": customer.number})
            outbox.emit("customer.deleted", customer_id=customer.pk, number=customer.number,
                        actor_id=getattr(actor, "pk", None))
            customer.delete()
    return len(locked)


def delete_customer(*, actor, customer, request=None):
    return delete_customers(actor=actor, customers=[customer], request=request)


def _has_work_orders(customer):
    related = getattr(customer, "work_orders", None)
    return related is not None and related.exists()


# === notes with attachments on the timeline (CUS-04) ======================================================

def add_note(*, actor, customer, content="", files=()):
    """A note on the customer's 信息动态, with attachments (checked and stored like an attachment field)."""
    policy.require(actor, customer, "edit")
    content = (content or "").strip()
    files = [f for f in files or () if f]
    errors = {}
    if not content and not files:
        errors["content"] = [_("Write a note or attach a file.")]
    elif len(content) > MAX_NOTE:
        errors["content"] = [_("Ensure this value has at most %(limit)d characters.") % {"limit": MAX_NOTE}]
    clean.raise_if(errors)
    with transaction.atomic():
        customer = lock_customer(actor, customer)
        attachments = []
        if files:
            attachments = forms_engine.validate_values(NOTE_FILES, {"files": files})["files"]
        entry = timeline.record(actor=actor, obj=customer, verb="customer.note", summary=_("Added a note"),
                                note=content, attachments=attachments)
        outbox.emit("customer.note_added", customer_id=customer.pk, actor_id=actor.pk, activity_id=entry.pk)
    return entry


# === settings (客户管理设置) ============================================================================

def update_customer_settings(*, actor, values, request=None):
    """The customer toggles and the number prefix; the system log records the change."""
    policy.require(actor, None, "settings")
    values = dict(values)
    if "customer.number_prefix" in values:
        prefix = str(values["customer.number_prefix"] or "").strip().upper()
        if not PREFIX_RE.match(prefix):
            raise ValidationFailed(details={"customer.number_prefix": [
                _("Use 1–10 letters, digits or hyphens.")]})
        values["customer.number_prefix"] = prefix
    return update_settings(actor=actor, values=values, request=request, permission="customer.settings")
