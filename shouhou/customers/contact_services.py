"""Every write to a customer's contacts and addresses (CUS-05), keeping its one default contact and
address, and the customer's copies of them, in step."""

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.core import clean, company_settings, outbox, timeline
from shouhou.core.errors import DomainError, NotFound

from . import geocoding, policy
from .models import Address, Contact
from .services import (
    ADDRESS_PARTS,
    CONTACT_FIELDS,
    REGION_CODES,
    REGION_PARTS,
    clean_address,
    clean_contact,
    locate,
    lock_customer,
    sync_defaults,
)


def _make_default(model, customer, record):
    if record.is_default:
        model.objects.filter(customer=customer, is_default=True).exclude(pk=record.pk).update(is_default=False)



@transaction.atomic
def add_contact(*, actor, customer, **data):
    policy.require(actor, customer, "edit")
    customer = lock_customer(actor, customer)
    values, errors = clean_contact(data)
    clean.raise_if(errors)
    first = not Contact.objects.filter(customer=customer).exists()
    contact = Contact.objects.create(tenant_id=customer.tenant_id, customer=customer,
                                     **{**values, "is_default": values["is_default"] or first})
    _make_default(Contact, customer, contact)
    sync_defaults(customer)
    _record_child(actor, customer, "customer.contact_added", _("Added the contact %(name)s") % {"name": contact})
    return contact


@transaction.atomic
def update_contact(*, actor, contact, **data):
    policy.require(actor, None, "edit")  # scope: the lock below
    customer = lock_customer(actor, contact.customer_id)
    contact = _child(Contact, customer, contact)
    values, errors = clean_contact({**{f: getattr(contact, f) for f in (*CONTACT_FIELDS, "is_default")}, **data})
    clean.raise_if(errors)
    before = timeline.snapshot(contact, (*CONTACT_FIELDS, "is_default"))
    for name, value in values.items():
        setattr(contact, name, value if name != "is_default" else value or contact.is_default)
    contact.save()
    _make_default(Contact, customer, contact)
    sync_defaults(customer)
    changes = timeline.diff(contact, before, (*CONTACT_FIELDS, "is_default"))
    if changes:
        _record_child(actor, customer, "customer.contact_updated",
                      _("Edited the contact %(name)s") % {"name": contact.name}, changes)
    return contact


@transaction.atomic
def delete_contact(*, actor, contact):
    policy.require(actor, None, "edit")  # scope: the lock below
    customer = lock_customer(actor, contact.customer_id)
    contact = _child(Contact, customer, contact)
    label = str(contact)
    contact.delete()
    sync_defaults(customer)
    _record_child(actor, customer, "customer.contact_deleted", _("Deleted the contact %(name)s") % {"name": label})


@transaction.atomic
def add_address(*, actor, customer, geocode=True, **data):
    policy.require(actor, customer, "edit")
    customer = lock_customer(actor, customer)
    values, errors = clean_address(data)
    clean.raise_if(errors)
    if geocode:
        locate(values)
    first = not Address.objects.filter(customer=customer).exists()
    address = Address.objects.create(tenant_id=customer.tenant_id, customer=customer,
                                     **{**values, "is_default": values["is_default"] or first})
    _make_default(Address, customer, address)
    sync_defaults(customer)
    if geocode:
        geocoding.locate_later(customer)
    _record_child(actor, customer, "customer.address_added", _("Added the address %(address)s") % {"address": address})
    return address


@transaction.atomic
def update_address(*, actor, address, geocode=True, **data):
    policy.require(actor, None, "edit")  # scope: the lock below
    customer = lock_customer(actor, address.customer_id)
    address = _child(Address, customer, address)
    fields = (*ADDRESS_PARTS, "latitude", "longitude", "is_default")
    current = {name: getattr(address, name) for name in fields}
    moved = any(part in data for part in (*ADDRESS_PARTS, *REGION_CODES))
    if moved and "latitude" not in data:
        current.update(latitude=None, longitude=None)  # a moved address is located again
    # the region is matched again only when it is given: making an unmatched address the default still works
    values, errors = clean_address({**current, **data},
                                   match_regions=any(key in data for key in (*REGION_PARTS, *REGION_CODES)))
    clean.raise_if(errors)
    if geocode:
        locate(values)
    before = timeline.snapshot(address, fields)
    for name, value in values.items():
        setattr(address, name, value if name != "is_default" else value or address.is_default)
    address.save()
    _make_default(Address, customer, address)
    sync_defaults(customer)
    if geocode:
        geocoding.locate_later(customer)
    changes = timeline.diff(address, before, fields)
    if changes:
        _record_child(actor, customer, "customer.address_updated",
                      _("Edited the address %(address)s") % {"address": address}, changes)
    return address


@transaction.atomic
def delete_address(*, actor, address):
    policy.require(actor, None, "edit")  # scope: the lock below
    customer = lock_customer(actor, address.customer_id)
    address = _child(Address, customer, address)
    if company_settings.get("customer.address_required") and \
            not Address.objects.filter(customer=customer).exclude(pk=address.pk).exists():
        raise DomainError(_("A customer needs an address: add another one before deleting this one."))
    label = str(address)
    address.delete()
    sync_defaults(customer)
    _record_child(actor, customer, "customer.address_deleted", _("Deleted the address %(address)s") % {"address": label})


def _child(model, customer, record):
    found = model.objects.select_for_update().filter(customer=customer, pk=getattr(record, "pk", record)).first()
    if found is None:
        raise NotFound()
    return found


def _record_child(actor, customer, verb, summary, changes=None):
    timeline.record(actor=actor, obj=customer, verb=verb, summary=summary, changes=changes)
    outbox.emit("customer.updated", customer_id=customer.pk, actor_id=getattr(actor, "pk", None), what=verb)
