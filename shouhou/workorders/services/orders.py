"""Writes to a work order's own values: create (仅保存 / 保存并派单), edit, copy, notes and add-on
components (architecture §4). References (customer, contact, address, product, users) are resolved through
the actor's data scope (workorders.references)."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shouhou.core import (
    company_settings,
    forms_engine,
    permissions,
    references,
    timeline,
)
from shouhou.core.errors import (
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from shouhou.core.numbering import next_value
from shouhou.core.tenancy import require_tenant
from shouhou.products.models import Product

from .. import flow, policy
from .. import references as refs
from ..models import (
    ComponentEntry,
    Note,
    Priority,
    ServiceOption,
    Status,
    WorkOrder,
)
from . import actions, dispatch_rules, geocoding, kernel

EDITABLE = ("customer", "contact", "contact_name", "contact_phone", "address", "address_text", "latitude",
            "longitude", "product", "priority", "service_type", "service_content", "planned_at", "description",
            "attachments", "fields", "collaborator_ids")


SYSTEM_FIELDS = [name for name in EDITABLE if name not in ("fields", "collaborator_ids")]


def number_parts(now):
    """(prefix + yymmdd, the counter's key) of the numbers of orders created at `now` (company time zone)."""
    tenant = require_tenant()
    day = timezone.localtime(now, ZoneInfo(tenant.time_zone or "Asia/Shanghai")).strftime("%y%m%d")
    return f"{company_settings.get('workorder.number_prefix') or ''}{day}", f"workorder:{day}"


def format_number(head, value):
    return f"{head}{value:04d}"


def _next_number(now):
    head, key = number_parts(now)
    return format_number(head, next_value(key))


def _tenant_row(model, value, field, errors, **extra):
    return references.resolve(None, lambda _actor: model.objects.filter(**extra), value, field=field, errors=errors,
                              message=_("Choose a valid option; that one does not exist."))


def clean_planned_at(value, errors):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        errors["planned_at"] = [_("Enter a valid date and time.")]
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _clean_system_values(actor, data, current, errors):
    """Model values for the system fields present in `data`; `current` supplies the others (edit). The
    customer, contact, address and product are resolved through the actor's data scope (refs)."""
    values = {}
    customer = current.get("customer")
    if "customer" in data:
        customer = refs.customer(actor, data["customer"], current=customer, errors=errors)
        if customer is None and "customer" not in errors:
            errors["customer"] = [_("This field is required.")]
        values["customer"] = customer
    if "contact" in data:
        contact = refs.contact(actor, data["contact"], customer, errors=errors)
        values["contact"] = contact
        if contact is not None:
            values["contact_name"], values["contact_phone"] = contact.name, contact.phone
    if "address" in data:
        address = refs.address(actor, data["address"], customer, errors=errors)
        values["address"] = address
        if address is not None:
            values["address_text"] = str(address)
            values["latitude"], values["longitude"] = address.latitude, address.longitude
    if "product" in data:
        product = refs.product(actor, data["product"], current=current.get("product"), errors=errors)
        if product is not None and product.customer_id not in (None, kernel.pk(customer)):
            errors["product"] = [_("This product belongs to another customer.")]
        values["product"] = product
    if "priority" in data:
        if data["priority"] not in Priority.values:
            errors["priority"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(Priority.values)}]
        values["priority"] = data["priority"]
    for name, kind in (("service_type", ServiceOption.Kind.SERVICE_TYPE),
                       ("service_content", ServiceOption.Kind.SERVICE_CONTENT)):
        if name in data:
            values[name] = _tenant_row(ServiceOption, data[name], name, errors, kind=kind, is_active=True)
    if "planned_at" in data:
        values["planned_at"] = clean_planned_at(data["planned_at"], errors)
    for name, limit in (("contact_name", 50), ("contact_phone", 30), ("address_text", 300),
                        ("description", kernel.MAX_TEXT)):
        if name in data:
            values[name] = kernel.clean_text(data[name], name, limit=limit, errors=errors)
    for name, limit in (("latitude", 90), ("longitude", 180)):
        if name in data:
            values[name] = kernel.clean_coordinate(data[name], limit, name, errors)
    if "attachments" in data:
        values["attachments"] = kernel.clean_file_refs(data["attachments"], "attachments", errors)
    return values


def _customer_defaults(customer, values):
    """Contact and address copied from the customer's defaults when none was chosen."""
    if customer is None:
        return
    if not values.get("contact_name") and not values.get("contact"):
        values["contact_name"], values["contact_phone"] = customer.contact_name, customer.contact_phone
    if not values.get("address_text") and not values.get("address"):
        values["address_text"] = customer.full_address
        values["latitude"], values["longitude"] = customer.latitude, customer.longitude


def _clean_custom_fields(actor, order_type, data, errors, *, previous=None, partial=False):
    schema = forms_engine.get_schema(order_type.form_target)
    try:
        cleaned = forms_engine.validate_values(schema, data or {}, partial=partial, previous=previous,
                                               error_prefix="fields.", actor=actor)
    except ValidationFailed as exc:
        kernel.merge_validation(errors, exc)
        return previous or {}
    return forms_engine.merge_values(previous, cleaned) if partial else cleaned


def _usable_type(actor, order_type):
    """An enabled type the actor may use (a type limited to teams needs one of them): queries.types.usable_types."""
    from ..queries.types import usable_types

    return references.resolve(actor, usable_types, order_type, field="order_type", required=True,
                              message=_("Choose an enabled work-order type your teams may use."))


def link_product(actor, product, customer):
    """A product picked without a customer becomes that customer's (PRD-02)."""
    if product is None or product.customer_id is not None:
        return
    Product.objects.filter(pk=product.pk, customer=None).update(customer=customer)
    timeline.record(actor=actor, obj=product, verb="linked", summary=_("Linked to customer %(name)s") % {
        "name": customer.name})


def _collaborators_for(actor, customer, collaborator_ids):
    users = refs.collaborators(actor, collaborator_ids)
    if customer is not None and company_settings.get("customer.owner_as_collaborator"):
        users += list(customer.owners.filter(is_active=True))
    return list({user.pk: user for user in users}.values())


@dataclass
class NewOrder:
    """A new order's cleaned input (clean_new_order): its type, system values, custom fields, collaborators and
    the resolved assignee (None when none was given)."""

    order_type: object
    values: dict
    fields: dict
    collaborators: list
    assignee: object = None


def clean_new_order(actor, order_type, data, fields, collaborator_ids=(), *, assignee=None):
    """create_work_order's validation, also the bulk path's (orders_bulk): the type the actor may use, the system
    values of `data` (references through the actor's scope), the custom fields, the collaborators and the
    assignee; every error at once as ValidationFailed. The customer's contact and address fill in when none
    was chosen."""
    order_type = _usable_type(actor, order_type)
    errors = {}
    values = _clean_system_values(actor, data, {}, errors)
    custom = _clean_custom_fields(actor, order_type, fields, errors)
    collaborators = []
    try:
        collaborators = _collaborators_for(actor, values.get("customer"), collaborator_ids)
    except ValidationFailed as exc:
        kernel.merge_validation(errors, exc)
    if assignee is not None:
        try:
            assignee = kernel.resolve_assignee(actor, assignee, customer=values.get("customer"))
        except ValidationFailed as exc:
            kernel.merge_validation(errors, exc)
    if errors:
        raise ValidationFailed(details=errors)
    _customer_defaults(values["customer"], values)
    return NewOrder(order_type, values, custom, collaborators, assignee)


@transaction.atomic
def create_work_order(*, actor, order_type, customer, contact=None, address=None, product=None,
                      priority=Priority.NORMAL, service_type=None, service_content=None, planned_at=None,
                      description="", attachments=(), fields=None, collaborator_ids=(), assignee=None,
                      dispatch=False, to_pool=False, auto_assign=False):
    """仅保存 (pending) or 保存并派单 (`dispatch` or an `assignee` given: assigned at once; `to_pool`: published
    to the work-order pool instead, WOSET-P1; `auto_assign`: 自动派单 by the company's rules, the order staying
    待指派 with the reasons on its timeline when no rule yields anyone)."""
    permissions.require(actor, "workorder.create")
    if to_pool and (assignee is not None or dispatch):
        raise ValidationFailed(details={"to_pool": [_("Publish to the pool or choose an assignee, not both.")]})
    if auto_assign and (assignee is not None or dispatch or to_pool):
        raise ValidationFailed(details={"auto_assign": [_("Choose one way of dispatching.")]})
    if (dispatch or assignee is not None or auto_assign) and not permissions.has_perm(actor, "workorder.assign"):
        raise PermissionDenied(_("You may not assign work orders."))
    if dispatch and assignee is None:
        raise ValidationFailed(details={"assignee": [_("Choose the assignee to dispatch to.")]})
    data = {"customer": customer, "contact": contact, "address": address, "product": product,
            "priority": priority, "service_type": service_type, "service_content": service_content,
            "planned_at": planned_at, "description": description, "attachments": attachments}
    new = clean_new_order(actor, order_type, data, fields, collaborator_ids, assignee=assignee)
    order_type, values, assignee = new.order_type, new.values, new.assignee
    now = kernel.now()
    order = WorkOrder(number=_next_number(now), order_type=order_type, status=Status.PENDING, created_by=actor,
                      fields=new.fields, created_at=now, **values)
    kernel.set_deadline(order, flow.normalize(order_type.flow), now)
    order.save()
    order.collaborators.set(new.collaborators)
    kernel.open_span(order, now)
    link_product(actor, values.get("product"), values["customer"])
    kernel.record(actor, order, "created", _("Created the work order"))
    kernel.emit("workorder.created", order, actor, type_id=order_type.pk)
    geocoding.locate_later(order)  # a free-text address without coordinates: located after commit
    if assignee is not None:
        order = actions.perform(actor, order, "assign", {"assignee_id": assignee.pk, "note": ""}, assignee=assignee)
    elif to_pool:  # a refusal rolls the whole creation back
        policy.require(actor, order, "publish")
        order = actions.perform(actor, order, "publish", {"note": ""})
    elif auto_assign:
        order = dispatch_rules.assign_locked(actor, order).order
    return order


@transaction.atomic
def update_work_order(*, actor, order, expected_version=None, **changes):
    """Edit the system and custom fields sent (partial); `fields` merges into the stored values."""
    order = kernel.lock(actor, order, expected_version)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed(details={name: [_("This field cannot be edited.")] for name in unknown})
    policy.require(actor, order, "edit")
    if order.status in flow.FINAL_STATUSES:
        raise flow.NotAllowed(_("A closed or cancelled work order cannot be edited."))
    errors = {}
    data = {k: v for k, v in changes.items() if k in SYSTEM_FIELDS}
    if "customer" in data and kernel.pk(data["customer"]) != order.customer_id:
        # another customer: its contact and address replace the old one's unless given
        data.setdefault("contact", None)
        data.setdefault("address", None)
    values = _clean_system_values(actor, data, {"customer": order.customer, "product": order.product}, errors)
    if "customer" in data and kernel.pk(data["customer"]) != order.customer_id and not errors:
        _customer_defaults(values["customer"], values)
    if (values.get("address_text", order.address_text) != order.address_text and "latitude" not in values
            and values.get("address") is None):
        values["latitude"] = values["longitude"] = None  # a moved address is located again (after commit)
    before_fields = dict(order.fields or {})
    if "fields" in changes:
        order.fields = _clean_custom_fields(actor, order.order_type, changes["fields"], errors,
                                            previous=before_fields, partial=True)
    collaborators = None
    if "collaborator_ids" in changes:
        try:
            collaborators = refs.collaborators(actor, changes["collaborator_ids"], order=order)
        except ValidationFailed as exc:
            kernel.merge_validation(errors, exc)
    if errors:
        raise ValidationFailed(details=errors)
    before = timeline.snapshot(order, SYSTEM_FIELDS)
    for name, value in values.items():
        setattr(order, name, value)
    change_list = timeline.diff(order, before, SYSTEM_FIELDS)
    schema = forms_engine.get_schema(order.order_type.form_target)
    change_list += forms_engine.diff_values(schema, before_fields, order.fields)
    if collaborators is not None:
        change_list += _collaborator_change(order, collaborators)
    if not change_list:
        return order
    kernel.save(order, [*values, "fields"])
    link_product(actor, values.get("product"), order.customer)
    kernel.record(actor, order, "updated", _("Edited the work order"), changes=change_list)
    kernel.emit("workorder.updated", order, actor, fields=[c["field"] for c in change_list])
    geocoding.locate_later(order)
    return order


def _collaborator_change(order, users):
    before = list(order.collaborators.order_by("pk"))
    if {u.pk for u in before} == {u.pk for u in users}:
        return []
    order.collaborators.set(users)
    return [{"field": "collaborators", "label": str(WorkOrder._meta.get_field("collaborators").verbose_name),
             "old": "、".join(u.name for u in before), "new": "、".join(u.name for u in users)}]


@transaction.atomic
def copy_work_order(*, actor, order):
    """A new pending order with the same customer, product, service and custom fields (复制工单)."""
    source = kernel.lock(actor, order)
    copy = create_work_order(
        actor=actor, order_type=source.order_type, customer=source.customer, contact=source.contact,
        address=source.address, product=source.product, priority=source.priority,
        service_type=source.service_type, service_content=source.service_content,
        planned_at=source.planned_at, description=source.description, attachments=source.attachments,
        fields=source.fields, collaborator_ids=list(source.collaborators.values_list("pk", flat=True)),
    )
    changes = {name: getattr(source, name) for name in ("contact_name", "contact_phone", "address_text",
                                                        "latitude", "longitude")}
    WorkOrder.objects.filter(pk=copy.pk).update(**changes)
    for name, value in changes.items():
        setattr(copy, name, value)
    kernel.record(actor, copy, "copied", _("Copied from %(number)s") % {"number": source.number})
    return copy


@transaction.atomic
def add_note(*, actor, order, content, attachments=(), sms_to_contact=False):
    """工单备注, optionally texted to the order's contact after commit (WO-31)."""
    order = kernel.lock(actor, order)
    errors = {}
    content = kernel.clean_text(content, "content", required=True, limit=2000, errors=errors)
    refs = kernel.clean_file_refs(attachments, "attachments", errors)
    phone = order.contact_phone if sms_to_contact else ""
    if sms_to_contact and not phone:
        errors["sms_to_contact"] = [_("The work order has no contact phone to text.")]
    if errors:
        raise ValidationFailed(details=errors)
    note = Note.objects.create(tenant_id=order.tenant_id, order=order, author=actor, content=content,
                               attachments=refs, sms_phone=phone)
    kernel.record(actor, order, "note", _("Added a note"), note=content, attachments=refs)
    kernel.emit("workorder.note_added", order, actor, note_id=note.pk, sms_phone=phone)
    return note


@transaction.atomic
def save_component_entry(*, actor, order, component, values, entry=None):
    """Fill in an add-on component of the order's type (one entry, or another one if it repeats)."""
    order = kernel.lock(actor, order)
    policy.require(actor, order, "fill")
    if order.status in flow.FINAL_STATUSES:
        raise flow.NotAllowed(_("A closed or cancelled work order cannot be changed."))
    component = order.order_type.components.filter(pk=kernel.pk(component), is_enabled=True).first()
    if component is None:
        raise NotFound()
    existing = ComponentEntry.objects.filter(order=order, component=component)
    if entry is not None:
        entry = existing.filter(pk=kernel.pk(entry)).first()
        if entry is None:
            raise NotFound()
    elif not component.repeatable:
        entry = existing.first()
    schema = forms_engine.get_schema(component.form_target)
    previous = entry.fields if entry is not None else {}
    cleaned = forms_engine.validate_values(schema, values or {}, previous=previous, error_prefix="fields.",
                                           actor=actor)
    changes = forms_engine.diff_values(schema, previous, cleaned)
    entry = entry or ComponentEntry(tenant_id=order.tenant_id, order=order, component=component, created_by=actor)
    entry.fields = cleaned
    entry.save()
    kernel.record(actor, order, "component", _("Filled in “%(name)s”") % {"name": component.name}, changes=changes)
    return entry
