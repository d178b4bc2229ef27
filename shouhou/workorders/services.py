"""Every write to a work order itself: create, edit, copy, the flow actions with their receipt, location
checks and approval requests, and notes (DESIGN §4, §8). Beside it: type_services (types and
settings), approval_services (deciding approvals), upload_services, timeout_services.

Each action locks the order row, checks the actor's data scope (an order they cannot see is a
NotFound), the optional `expected_version`, the permission and the flow table (flow.py), then writes
the change, the StatusSpan time tracking, the deadline, the timeline entry and the outbox event in
one transaction. A refused action raises before anything is written, so it changes nothing.
A node with an approval rule does not act: it records an Approval, and `approval_services.approve`
applies it later.
"""

import base64
import binascii
import re
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.accounts.models import User
from shouhou.core import (
    company_settings,
    forms_engine,
    outbox,
    permissions,
    references,
    timeline,
    working_hours,
)
from shouhou.core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from shouhou.core.forms_engine.kinds import FieldError
from shouhou.core.forms_engine.kinds.files import clean_ref
from shouhou.core.geo import distance_km
from shouhou.core.numbering import next_value
from shouhou.core.tenancy import require_tenant
from shouhou.products.models import Product

from . import flow
from . import references as refs
from .models import (
    Approval,
    ComponentEntry,
    Note,
    Priority,
    Receipt,
    ServiceOption,
    Status,
    StatusSpan,
    WorkOrder,
)
from .upload_services import MB, _image_type, _store

MAX_TEXT = 5000
MAX_REASON = 500
MAX_FILES = 20
SIGNATURE_DATA_URL = re.compile(r"^data:image/(png|jpeg);base64,([A-Za-z0-9+/=\s]+)$")
FLAG_FIELDS = ("is_paused", "is_overdue", "is_rejected", "awaiting_approval", "location_anomaly")
TRACKED = ("status", "assignee", *FLAG_FIELDS)
EDITABLE = ("customer", "contact", "contact_name", "contact_phone", "address", "address_text", "latitude",
            "longitude", "product", "priority", "service_type", "service_content", "planned_at", "description",
            "attachments", "fields", "collaborator_ids")
SYSTEM_FIELDS = [name for name in EDITABLE if name not in ("fields", "collaborator_ids")]


# === shared helpers =================================================================================

def _now():
    return timezone.now()


def _pk(value):
    return getattr(value, "pk", value)


def _can_see(actor, order):
    """The order is within the actor's data scope. Its assignee and creator see it under every scope (and
    so does an actor with the "all" scope), which spares the scope query for nearly every action."""
    from .queries import visible_work_orders

    if actor is None:
        return False
    scope = permissions.data_scope(actor, "workorder")
    if scope is None:
        return False
    if scope == permissions.SCOPE_ALL or actor.pk in (order.assignee_id, order.created_by_id):
        return True
    return visible_work_orders(actor).filter(pk=order.pk).exists()


def _lock(actor, order, expected_version=None, *, check_scope=True):
    """The order, locked for this transaction; Conflict on a stale version; NotFound outside the actor's scope.

    The version comes first: an actor who read the order and lost sight of it meanwhile (it was
    transferred away while he was accepting it) is told that it changed, as the one who won the race
    was. Its type (the flow), assignee (the timeline's before/after), customer, product and receipt (the
    API's answer) come in the same query; only the order's row is locked."""
    locked = (WorkOrder.objects.select_for_update(of=("self",))
              .select_related("order_type", "assignee", "customer", "receipt", "product")
              .filter(pk=_pk(order)).first())
    if locked is None:
        raise NotFound()
    if expected_version is not None and int(expected_version) != locked.version:
        raise Conflict(_("The work order has changed; reload it and try again."),
                       details={"version": locked.version})
    if check_scope and not _can_see(actor, locked):
        raise NotFound()
    return locked


def _receipt_of(order):
    """The order's receipt or None (joined by _lock, so usually no query)."""
    try:
        return order.receipt
    except Receipt.DoesNotExist:
        return None


def _flow_of(order):
    return flow.normalize(order.order_type.flow)


def _save(order, fields=()):
    """Write the changed fields; keeps is_exception in step and bumps the version."""
    order.is_exception = any(getattr(order, name) for name in FLAG_FIELDS)
    order.version += 1
    order.save(update_fields=sorted({*fields, *FLAG_FIELDS, "is_exception", "version", "updated_at"}))


def _snapshot(order):
    return {name: getattr(order, name) for name in TRACKED}


def _changes(order, before):
    """Timeline changes of status, assignee and flags, in words."""
    changes = []
    for name in TRACKED:
        old, new = before[name], getattr(order, name)
        if old == new:
            continue
        label = str(WorkOrder._meta.get_field(name).verbose_name)
        if name == "status":
            old, new = Status(old).label, Status(new).label
        elif name == "assignee":
            old, new = (old.name if old else ""), (new.name if new else "")
        else:
            old, new = ("✓" if old else "✗"), ("✓" if new else "✗")
        changes.append({"field": name, "label": label, "old": str(old), "new": str(new)})
    return changes


def _record(actor, order, verb, summary, before=None, *, note="", attachments=None, changes=()):
    all_changes = [*(_changes(order, before) if before is not None else []), *changes]
    timeline.record(actor=actor, obj=order, verb=verb, summary=summary, changes=all_changes, note=note,
                    attachments=attachments)


def _emit(name, order, actor, **payload):
    outbox.emit(name, order_id=order.pk, number=order.number, actor_id=_pk(actor), **payload)


def _text(value, field, *, required=False, limit=MAX_REASON, errors=None):
    """Stripped text; a field error when required and empty or too long."""
    text = (value or "").strip() if isinstance(value, str) else ("" if value is None else str(value).strip())
    message = None
    if required and not text:
        message = _("This field is required.")
    elif len(text) > limit:
        message = _("Enter at most %(limit)s characters.") % {"limit": limit}
    if message:
        if errors is None:
            raise ValidationFailed(details={field: [message]})
        errors[field] = [message]
    return text


def _file_refs(items, field, errors, *, limit=MAX_FILES):
    items = list(items or [])
    if len(items) > limit:
        errors[field] = [_("Attach at most %(limit)d files.") % {"limit": limit}]
        return []
    refs = []
    for item in items:
        try:
            refs.append(clean_ref(item))
        except FieldError as exc:
            errors[field] = exc.messages
            return []
    return refs


def _merge_validation(errors, exc):
    for key, messages in exc.details.items():
        errors.setdefault(key, []).extend(messages)


def _active_user(value, field="assignee"):
    """An active user of the company who may see work orders, or ValidationFailed."""
    # with the company: its grants_version lets has_perm use the cached grants (core.permissions)
    user = (User.objects.for_tenant().select_related("tenant").filter(pk=_pk(value), is_active=True).first()
            if value is not None else None)
    if user is None or not permissions.has_perm(user, "workorder.view"):
        raise ValidationFailed(details={field: [_("Choose an active colleague who may handle work orders.")]})
    return user


def _check_service_team(customer, user, field="assignee"):
    """启用按服务团队派单 (team.dispatch_by_team, ACC-06): an order of a customer with a service team goes to
    a member or leader of that team or of its sub-teams. Nothing is read while the switch is off."""
    from shouhou.accounts.queries import members_of

    from .queries import service_team_ids

    team_ids = service_team_ids(customer)
    if team_ids is None or members_of(team_ids).filter(pk=user.pk).exists():
        return
    raise ValidationFailed(details={field: [
        _("Choose a member of %(team)s, the customer's service team, or of one of its sub-teams.") % {
            "team": customer.service_team.name}]})


def _assignee(actor, value, *, order=None, customer=None):
    """The new assignee: an active colleague who may handle work orders, of the customer's service team
    when the company dispatches by it, and one the actor's assignee picker offers (refused alike when
    missing or outside the actor's choice)."""
    user = _active_user(value)
    _check_service_team(order.customer if order is not None else customer, user)
    refs.assignee(actor, user.pk, order=order, customer=customer)
    return user


# === time tracking and deadlines ====================================================================

def _open_span(order, now):
    StatusSpan.objects.create(tenant_id=order.tenant_id, order=order, status=order.status,
                              paused=order.is_paused, started_at=now)


def _close_span(order, now):
    StatusSpan.objects.filter(order=order, ended_at=None).update(ended_at=now)


def _split_span(order, now):
    """Close the running span and open the next: on every status change and on pause/resume."""
    _close_span(order, now)
    _open_span(order, now)


def _set_deadline(order, flow_config, now):
    """Start the clock of the node the order now waits for (or stop it when nothing follows). The node's
    hours count on the wall clock, or in working hours when the company counts timeouts so (SYS-10)."""
    node = flow.waiting_node(order.status, flow_config) if order.status not in flow.FINAL_STATUSES else None
    hours = flow.timeout_hours(flow_config, node) if node else None
    order.deadline_node = node if hours else ""
    order.deadline_at = None
    if hours:
        schedule = working_hours.timeout_schedule()
        order.deadline_at = schedule.add(now, hours) if schedule else now + timedelta(hours=hours)
    order.is_overdue = False


def _move(order, status, flow_config, now):
    """Enter `status` (or re-enter it): new time span, new deadline."""
    order.status = status
    if status not in flow.WORKING_STATUSES:
        order.is_paused = False
    _split_span(order, now)
    _set_deadline(order, flow_config, now)
    return ["status", "deadline_node", "deadline_at"]


# === numbers ========================================================================================

def _next_number(now):
    tenant = require_tenant()
    day = timezone.localtime(now, ZoneInfo(tenant.time_zone or "Asia/Shanghai")).strftime("%y%m%d")
    prefix = str(company_settings.get("workorder.number_prefix") or "")
    return f"{prefix}{day}{next_value(f'workorder:{day}'):04d}"


# === order values (create / edit) ===================================================================

def _tenant_row(model, value, field, errors, **extra):
    return references.resolve(None, lambda _actor: model.objects.filter(**extra), value, field=field, errors=errors,
                              message=_("Choose a valid option; that one does not exist."))


def _clean_planned_at(value, errors):
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        errors["planned_at"] = [_("Enter a valid date and time.")]
        return None
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _clean_coordinate(value, limit, field, errors):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        number = None
    if number is None or abs(number) > limit:
        errors[field] = [_("Enter a number between -%(limit)s and %(limit)s.") % {"limit": limit}]
        return None
    return number


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
        if product is not None and product.customer_id not in (None, _pk(customer)):
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
        values["planned_at"] = _clean_planned_at(data["planned_at"], errors)
    for name, limit in (("contact_name", 50), ("contact_phone", 30), ("address_text", 300),
                        ("description", MAX_TEXT)):
        if name in data:
            values[name] = _text(data[name], name, limit=limit, errors=errors)
    for name, limit in (("latitude", 90), ("longitude", 180)):
        if name in data:
            values[name] = _clean_coordinate(data[name], limit, name, errors)
    if "attachments" in data:
        values["attachments"] = _file_refs(data["attachments"], "attachments", errors)
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
        _merge_validation(errors, exc)
        return previous or {}
    return forms_engine.merge_values(previous, cleaned) if partial else cleaned


def _usable_type(actor, order_type):
    """An enabled type the actor may use (a type limited to teams needs one of them): queries.usable_types."""
    from .queries import usable_types

    return references.resolve(actor, usable_types, order_type, field="order_type", required=True,
                              message=_("Choose an enabled work-order type your teams may use."))


def _link_product(actor, product, customer):
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


# === create, edit, copy =============================================================================

@transaction.atomic
def create_work_order(*, actor, order_type, customer, contact=None, address=None, product=None,
                      priority=Priority.NORMAL, service_type=None, service_content=None, planned_at=None,
                      description="", attachments=(), fields=None, collaborator_ids=(), assignee=None,
                      dispatch=False):
    """仅保存 (pending) or 保存并派单 (`dispatch` or an `assignee` given: assigned at once)."""
    permissions.require(actor, "workorder.create")
    if (dispatch or assignee is not None) and not permissions.has_perm(actor, "workorder.assign"):
        raise PermissionDenied(_("You may not assign work orders."))
    if dispatch and assignee is None:
        raise ValidationFailed(details={"assignee": [_("Choose the assignee to dispatch to.")]})
    order_type = _usable_type(actor, order_type)
    errors = {}
    data = {"customer": customer, "contact": contact, "address": address, "product": product,
            "priority": priority, "service_type": service_type, "service_content": service_content,
            "planned_at": planned_at, "description": description, "attachments": attachments}
    values = _clean_system_values(actor, data, {}, errors)
    custom = _clean_custom_fields(actor, order_type, fields, errors)
    collaborators = []
    try:
        collaborators = _collaborators_for(actor, values.get("customer"), collaborator_ids)
    except ValidationFailed as exc:
        _merge_validation(errors, exc)
    if assignee is not None:
        try:
            assignee = _assignee(actor, assignee, customer=values.get("customer"))
        except ValidationFailed as exc:
            _merge_validation(errors, exc)
    if errors:
        raise ValidationFailed(details=errors)
    _customer_defaults(values["customer"], values)
    now = _now()
    order = WorkOrder(number=_next_number(now), order_type=order_type, status=Status.PENDING, created_by=actor,
                      fields=custom, created_at=now, **values)
    _set_deadline(order, flow.normalize(order_type.flow), now)
    order.save()
    order.collaborators.set(collaborators)
    _open_span(order, now)
    _link_product(actor, values.get("product"), values["customer"])
    _record(actor, order, "created", _("Created the work order"))
    _emit("workorder.created", order, actor, type_id=order_type.pk)
    if assignee is not None:
        order = _perform(actor, order, "assign", {"assignee_id": assignee.pk, "note": ""}, assignee=assignee)
    return order


@transaction.atomic
def update_work_order(*, actor, order, expected_version=None, **changes):
    """Edit the system and custom fields sent (partial); `fields` merges into the stored values."""
    order = _lock(actor, order, expected_version)
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise ValidationFailed(details={name: [_("This field cannot be edited.")] for name in unknown})
    own_new_order = order.created_by_id == actor.pk and order.status == Status.PENDING
    if not (permissions.has_perm(actor, "workorder.edit") or own_new_order):
        raise PermissionDenied()
    if order.status in flow.FINAL_STATUSES:
        raise flow.NotAllowed(_("A closed or cancelled work order cannot be edited."))
    errors = {}
    data = {k: v for k, v in changes.items() if k in SYSTEM_FIELDS}
    if "customer" in data and _pk(data["customer"]) != order.customer_id:
        # another customer: its contact and address replace the old one's unless given
        data.setdefault("contact", None)
        data.setdefault("address", None)
    values = _clean_system_values(actor, data, {"customer": order.customer, "product": order.product}, errors)
    if "customer" in data and _pk(data["customer"]) != order.customer_id and not errors:
        _customer_defaults(values["customer"], values)
    before_fields = dict(order.fields or {})
    if "fields" in changes:
        order.fields = _clean_custom_fields(actor, order.order_type, changes["fields"], errors,
                                            previous=before_fields, partial=True)
    collaborators = None
    if "collaborator_ids" in changes:
        try:
            collaborators = refs.collaborators(actor, changes["collaborator_ids"], order=order)
        except ValidationFailed as exc:
            _merge_validation(errors, exc)
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
    _save(order, [*values, "fields"])
    _link_product(actor, values.get("product"), order.customer)
    _record(actor, order, "updated", _("Edited the work order"), changes=change_list)
    _emit("workorder.updated", order, actor, fields=[c["field"] for c in change_list])
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
    source = _lock(actor, order)
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
    _record(actor, copy, "copied", _("Copied from %(number)s") % {"number": source.number})
    return copy


# === the flow: performing an action =================================================================

def _perform(actor, order, action, payload, **checked):
    """Check the table, then apply the action, or record an approval request when its node needs one.

    `checked` hands the apply step objects the caller has just validated (the new assignee), which it
    would otherwise read again; an approval stores only the payload, and its apply step reads them anew."""
    flow_config = _flow_of(order)
    flow.check(action, order, flow_config)
    node = flow.ACTION_NODE.get(action)
    rule = flow.approval_rule(flow_config, node) if node else None
    if rule is not None:
        return _request_approval(actor, order, action, node, rule, payload)
    return APPLY[action](actor, order, payload, flow_config, _now(), **checked)


def _require_assignee(actor, order):
    if order.assignee_id != actor.pk or not permissions.has_perm(actor, "workorder.execute"):
        raise PermissionDenied(_("Only the work order's assignee can do this."))


@transaction.atomic
def assign(*, actor, order, assignee, note="", expected_version=None):
    order = _lock(actor, order, expected_version)
    permissions.require(actor, "workorder.assign")
    note = _text(note, "note")
    assignee = _assignee(actor, assignee, order=order)
    return _perform(actor, order, "assign", {"assignee_id": assignee.pk, "note": note}, assignee=assignee)


@transaction.atomic
def accept(*, actor, order, expected_version=None):
    order = _lock(actor, order, expected_version)
    _require_assignee(actor, order)
    return _perform(actor, order, "accept", {})


@transaction.atomic
def reject(*, actor, order, reason, expected_version=None):
    order = _lock(actor, order, expected_version)
    _require_assignee(actor, order)
    if not company_settings.get("workorder.allow_reject"):
        raise PermissionDenied(_("Your company does not allow rejecting work orders."))
    reason = _text(reason, "reason", required=True)
    return _perform(actor, order, "reject", {"reason": reason})


@transaction.atomic
def transfer(*, actor, order, assignee, note="", expected_version=None):
    order = _lock(actor, order, expected_version)
    return _transfer_locked(actor, order, assignee, note)


def _transfer_locked(actor, order, assignee, note):
    by_assignee = order.assignee_id == actor.pk and company_settings.get("workorder.allow_transfer")
    if not (permissions.has_perm(actor, "workorder.transfer") or by_assignee):
        raise PermissionDenied(_("You may not transfer this work order."))
    note = _text(note, "note", required=company_settings.get("workorder.transfer_note_required"))
    if order.assignee_id is not None and references.clean_id(assignee) == order.assignee_id:
        raise ValidationFailed(details={"assignee": [_("Choose someone other than the current assignee.")]})
    new_assignee = _assignee(actor, assignee, order=order)
    return _perform(actor, order, "transfer", {"assignee_id": new_assignee.pk, "note": note},
                    assignee=new_assignee)


@transaction.atomic
def batch_transfer(*, actor, orders, assignee, note=""):
    """Transfer several orders (批量转派, admins): all or none."""
    permissions.require(actor, "workorder.transfer")
    done = []
    for order in sorted(orders, key=_pk):  # a fixed lock order: no deadlock between two batches
        locked = _lock(actor, order)
        try:
            done.append(_transfer_locked(actor, locked, assignee, note))
        except DomainError as exc:
            exc.details = {**exc.details, "number": locked.number}
            exc.message = f"{locked.number}: {exc.message}"
            raise
    return done


@transaction.atomic
def start(*, actor, order, latitude=None, longitude=None, expected_version=None):
    order = _lock(actor, order, expected_version)
    _require_assignee(actor, order)
    lat, lng = _clean_position(latitude, longitude)
    return _perform(actor, order, "start", {"latitude": lat, "longitude": lng})


@transaction.atomic
def pause(*, actor, order, reason, expected_version=None):
    order = _lock(actor, order, expected_version)
    _require_assignee(actor, order)
    reason = _text(reason, "reason", required=True)
    return _perform(actor, order, "pause", {"reason": reason})


@transaction.atomic
def resume(*, actor, order, expected_version=None):
    order = _lock(actor, order, expected_version)
    _require_assignee(actor, order)
    return _perform(actor, order, "resume", {})


@transaction.atomic
def complete(*, actor, order, content, attachments=(), signature=None, fields=None, latitude=None,
             longitude=None, expected_version=None):
    """回执并完成: validate the receipt (content, files, signature, custom fields) and finish the order."""
    order = _lock(actor, order, expected_version)
    _require_assignee(actor, order)
    flow_config = _flow_of(order)
    flow.check("complete", order, flow_config)  # refuse before storing a signature image
    values = _clean_receipt(actor, order, _receipt_of(order), content=content, attachments=attachments,
                            signature=signature, fields=fields, final=True)
    lat, lng = _clean_position(latitude, longitude)
    if flow.approval_rule(flow_config, flow.ACTION_NODE["complete"]) is not None:
        _store_receipt(actor, order, _receipt_of(order), values, draft=True)  # kept while the approval waits
    return _perform(actor, order, "complete", {**values, "latitude": lat, "longitude": lng})


@transaction.atomic
def save_receipt_draft(*, actor, order, content="", attachments=(), signature=None, fields=None):
    """暂存: keep the receipt as typed so far; nothing is required yet."""
    order = _lock(actor, order)
    _require_assignee(actor, order)
    if order.status not in flow.WORKING_STATUSES:
        raise flow.NotAllowed(_("The receipt can be filled in once the work order is accepted."))
    receipt = _receipt_of(order)
    if receipt is not None and not receipt.is_draft:
        raise flow.NotAllowed(_("The receipt has already been submitted."))
    values = _clean_receipt(actor, order, receipt, content=content, attachments=attachments, signature=signature,
                            fields=fields, final=False)
    receipt = _store_receipt(actor, order, receipt, values, draft=True)
    _record(actor, order, "receipt_draft", _("Saved the receipt draft"))
    return receipt


@transaction.atomic
def close(*, actor, order, note="", expected_version=None):
    order = _lock(actor, order, expected_version)
    permissions.require(actor, "workorder.close")
    return _perform(actor, order, "close", {"note": _text(note, "note")})


@transaction.atomic
def cancel(*, actor, order, reason, expected_version=None):
    order = _lock(actor, order, expected_version)
    permissions.require(actor, "workorder.cancel")
    return _perform(actor, order, "cancel", {"reason": _text(reason, "reason", required=True)})


@transaction.atomic
def reopen(*, actor, order, reason, expected_version=None):
    order = _lock(actor, order, expected_version)
    permissions.require(actor, "workorder.reopen")
    return _perform(actor, order, "reopen", {"reason": _text(reason, "reason", required=True)})


# === the flow: applying an action (also run by `approve`, as the requester) ==========================

def _apply_assign(actor, order, payload, flow_config, now, assignee=None):
    if assignee is None:  # applying an approved request: the assignee is checked again, as when asked
        assignee = _assignee(actor, payload["assignee_id"], order=order)
    before = _snapshot(order)
    status = flow.next_status("assign", order, flow_config)
    order.assignee, order.dispatcher, order.assigned_at = assignee, actor, now
    order.accepted_at = now if status == Status.ACCEPTED else None
    order.is_rejected = False
    fields = _move(order, status, flow_config, now)
    _save(order, [*fields, "assignee", "dispatcher", "assigned_at", "accepted_at"])
    _record(actor, order, "assigned", _("Assigned the work order to %(name)s") % {"name": assignee.name}, before,
            note=payload.get("note", ""))
    _emit("workorder.assigned", order, actor, assignee_id=assignee.pk)
    return order


def _apply_accept(actor, order, payload, flow_config, now):
    before = _snapshot(order)
    order.accepted_at = now
    fields = _move(order, flow.next_status("accept", order, flow_config), flow_config, now)
    _save(order, [*fields, "accepted_at"])
    _record(actor, order, "accepted", _("Accepted the work order"), before)
    _emit("workorder.accepted", order, actor, dispatcher_id=order.dispatcher_id)
    return order


def _apply_reject(actor, order, payload, flow_config, now):
    before = _snapshot(order)
    former = order.assignee
    status = flow.next_status("reject", order, flow_config)
    order.assignee, order.assigned_at, order.accepted_at, order.is_rejected = None, None, None, True
    fields = _move(order, status, flow_config, now)
    _save(order, [*fields, "assignee", "assigned_at", "accepted_at"])
    _record(actor, order, "rejected", _("Rejected the work order"), before, note=payload["reason"])
    _emit("workorder.rejected", order, actor, assignee_id=_pk(former), dispatcher_id=order.dispatcher_id,
          created_by_id=order.created_by_id, reason=payload["reason"])
    return order


def _apply_transfer(actor, order, payload, flow_config, now, assignee=None):
    new_assignee = assignee
    if new_assignee is None:  # applying an approved request: the assignee is checked again, as when asked
        new_assignee = _assignee(actor, payload["assignee_id"], order=order)
    keep = bool(company_settings.get("workorder.transfer_keep_status"))
    before = _snapshot(order)
    former = order.assignee
    status = flow.next_status("transfer", order, flow_config, keep_status_on_transfer=keep)
    order.assignee, order.assigned_at = new_assignee, now
    fields = ["assignee", "assigned_at", "accepted_at"]
    if not keep:  # the new assignee starts the step over: fresh clock, no pause carried over
        order.accepted_at = now if status == Status.ACCEPTED else None
        order.is_paused = False
        fields += _move(order, status, flow_config, now)
    _save(order, fields)
    _record(actor, order, "transferred", _("Transferred the work order from %(old)s to %(new)s") % {
        "old": former.name if former else "-", "new": new_assignee.name}, before, note=payload.get("note", ""))
    _emit("workorder.transferred", order, actor, old_assignee_id=_pk(former), new_assignee_id=new_assignee.pk)
    return order


def _apply_start(actor, order, payload, flow_config, now):
    before = _snapshot(order)
    _check_location(actor, order, "start", payload.get("latitude"), payload.get("longitude"), now)
    order.started_at = now
    fields = _move(order, flow.next_status("start", order, flow_config), flow_config, now)
    _save(order, [*fields, "started_at"])
    _record(actor, order, "started", _("Started the work"), before)
    _emit("workorder.started", order, actor)
    return order


def _apply_pause(actor, order, payload, flow_config, now):
    before = _snapshot(order)
    order.is_paused = True
    _split_span(order, now)
    _save(order)
    _record(actor, order, "paused", _("Paused the work order"), before, note=payload["reason"])
    _emit("workorder.paused", order, actor, reason=payload["reason"])
    return order


def _apply_resume(actor, order, payload, flow_config, now):
    before = _snapshot(order)
    order.is_paused = False
    _split_span(order, now)
    _save(order)
    _record(actor, order, "resumed", _("Resumed the work order"), before)
    _emit("workorder.resumed", order, actor)
    return order


def _apply_complete(actor, order, payload, flow_config, now):
    before = _snapshot(order)
    _check_location(actor, order, "finish", payload.get("latitude"), payload.get("longitude"), now)
    _store_receipt(actor, order, _receipt_of(order), payload, draft=False, now=now)
    order.finished_at = now
    fields = _move(order, flow.next_status("complete", order, flow_config), flow_config, now)
    _save(order, [*fields, "finished_at"])
    _record(actor, order, "finished", _("Completed the work order with the receipt"), before,
            note=payload.get("content", ""), attachments=payload.get("attachments"))
    _emit("workorder.finished", order, actor, dispatcher_id=order.dispatcher_id, created_by_id=order.created_by_id)
    return order


def _apply_close(actor, order, payload, flow_config, now):
    before = _snapshot(order)
    order.closed_at = now
    fields = _move(order, flow.next_status("close", order, flow_config), flow_config, now)
    _save(order, [*fields, "closed_at"])
    _record(actor, order, "closed", _("Closed the work order"), before, note=payload.get("note", ""))
    _emit("workorder.closed", order, actor)
    return order


def _apply_cancel(actor, order, payload, flow_config, now):
    before = _snapshot(order)
    order.cancelled_at = now
    fields = _move(order, flow.next_status("cancel", order, flow_config), flow_config, now)
    _save(order, [*fields, "cancelled_at"])
    _record(actor, order, "cancelled", _("Cancelled the work order"), before, note=payload["reason"])
    _emit("workorder.cancelled", order, actor, assignee_id=order.assignee_id, reason=payload["reason"])
    return order


def _apply_reopen(actor, order, payload, flow_config, now):
    before = _snapshot(order)
    order.finished_at = order.closed_at = None
    fields = _move(order, flow.next_status("reopen", order, flow_config), flow_config, now)
    Receipt.objects.filter(order=order).update(is_draft=True)
    _save(order, [*fields, "finished_at", "closed_at"])
    _record(actor, order, "reopened", _("Reopened the work order"), before, note=payload["reason"])
    _emit("workorder.reopened", order, actor, assignee_id=order.assignee_id, reason=payload["reason"])
    return order


APPLY = {
    "assign": _apply_assign, "accept": _apply_accept, "reject": _apply_reject, "transfer": _apply_transfer,
    "start": _apply_start, "pause": _apply_pause, "resume": _apply_resume, "complete": _apply_complete,
    "close": _apply_close, "cancel": _apply_cancel, "reopen": _apply_reopen,
}


# === receipts =======================================================================================

def _clean_receipt(actor, order, receipt, *, content, attachments, signature, fields, final):
    errors = {}
    options = order.order_type.receipt_options or {}
    content = _text(content, "content", required=final, limit=MAX_TEXT, errors=errors)
    refs = _file_refs(attachments, "attachments", errors)
    if final and options.get("require_attachments") and not refs:
        errors["attachments"] = [_("Attach at least one photo or file.")]
    signature_ref = _clean_signature(signature, errors)
    if final and options.get("require_signature") and not signature_ref:
        errors["signature"] = [_("The customer's signature is required.")]
    previous = receipt.fields if receipt is not None else {}
    schema = forms_engine.get_schema(order.order_type.receipt_target)
    data = previous if fields is None else fields
    try:
        cleaned = forms_engine.validate_values(schema, data or {}, partial=not final, previous=previous,
                                               error_prefix="fields.", actor=actor)
        custom = cleaned if final else forms_engine.merge_values(previous, cleaned)
    except ValidationFailed as exc:
        _merge_validation(errors, exc)
        custom = {}
    if errors:
        raise ValidationFailed(details=errors)
    if isinstance(signature_ref, ContentFile):
        signature_ref = _store(signature_ref, name=signature_ref.name, content_type=signature_ref.content_type)
    return {"content": content, "attachments": refs, "signature": signature_ref or {}, "fields": custom}


def _clean_signature(signature, errors):
    """A stored-file reference, or a checked data-URL image waiting to be stored (ContentFile)."""
    if signature in (None, "", {}):
        return None
    if isinstance(signature, str):
        match = SIGNATURE_DATA_URL.match(signature.strip())
        try:
            data = base64.b64decode(re.sub(r"\s", "", match.group(2)), validate=True) if match else b""
        except (binascii.Error, ValueError):
            data = b""
        file = ContentFile(data, name="signature.png" if match and match.group(1) == "png" else "signature.jpg")
        content_type = _image_type(file) if data and len(data) <= 2 * MB else None
        if content_type not in ("image/png", "image/jpeg"):
            errors["signature"] = [_("The signature must be a PNG or JPEG image of at most 2 MB.")]
            return None
        file.content_type = content_type
        return file
    try:
        return clean_ref(signature)
    except FieldError as exc:
        errors["signature"] = exc.messages
        return None


def _store_receipt(actor, order, receipt, values, *, draft, now=None):
    receipt = receipt or Receipt(tenant_id=order.tenant_id, order=order)
    receipt.content, receipt.attachments = values["content"], values["attachments"]
    receipt.signature, receipt.fields, receipt.is_draft = values["signature"], values["fields"], draft
    if not draft:
        receipt.submitted_at, receipt.submitted_by = now, actor
    receipt.save()
    order.receipt = receipt  # the order's cached receipt is this one from now on
    return receipt


# === location (WOSET-C2) ============================================================================

def _clean_position(latitude, longitude):
    errors = {}
    lat = _clean_coordinate(latitude, 90, "latitude", errors)
    lng = _clean_coordinate(longitude, 180, "longitude", errors)
    if not errors and (lat is None) != (lng is None):
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]
    if errors:
        raise ValidationFailed(details=errors)
    return (None, None) if lat is None else (str(lat), str(lng))


def _check_location(actor, order, node, latitude, longitude, now):
    """Flag (never block) a position too far from the order's address at the checked nodes."""
    if latitude is not None and actor is not None:
        _store_location(actor, latitude, longitude, now)
    if not company_settings.get("workorder.location_check_enabled"):
        return
    if node not in (company_settings.get("workorder.location_check_nodes") or []):
        return
    if order.latitude is None or order.longitude is None:
        return  # no address position to compare with
    limit = float(company_settings.get("workorder.location_max_km") or 0)
    if latitude is None:
        summary = _("Location anomaly: no position was reported")
    else:
        km = distance_km(latitude, longitude, order.latitude, order.longitude)
        if km <= limit:
            return
        summary = _("Location anomaly: %(km).2f km from the order address (limit %(limit).2f km)") % {
            "km": km, "limit": limit}
    order.location_anomaly = True
    _record(actor, order, "location_anomaly", summary)


def _store_location(user, latitude, longitude, now):
    User.objects.filter(pk=user.pk).update(last_latitude=latitude, last_longitude=longitude, last_located_at=now)
    user.last_latitude, user.last_longitude, user.last_located_at = Decimal(latitude), Decimal(longitude), now


@transaction.atomic
def report_location(*, user, latitude, longitude):
    """The engineer's last position with its time (map dispatch uses it)."""
    lat, lng = _clean_position(latitude, longitude)
    if lat is None:
        raise ValidationFailed(details={"latitude": [_("This field is required.")]})
    _store_location(user, lat, lng, _now())
    return user


# === approvals: asking for one (deciding: approval_services.py) =====================================

ADMIN_ROLE_KEYS = ("admin", "manager")  # 系统管理员, 普通管理员 (accounts.roles)
ROUTED_TO_ADMINS = gettext_lazy("No approver under the flow's rule; the request was sent to the administrators.")


def _rule_users(order, rule, payload):
    kind = rule["rule"]
    users = User.objects.for_tenant().filter(is_active=True)
    if kind == "users":
        return users.filter(pk__in=rule.get("user_ids") or [])
    if kind == "role":
        return users.filter(roles=rule.get("role_id"))
    if kind == "team_leader":
        assignee_id = payload.get("assignee_id") or order.assignee_id
        return users.filter(led_teams__members=assignee_id) if assignee_id else users.none()
    if kind == "creator":
        return users.filter(pk=order.created_by_id)
    return users


def _approvers(actor, order, rule, payload):
    """(approvers, routed_to_admins). The requester never approves his own request: when the rule names
    nobody else (he leads his own team, he created the order …), the company's administrators decide."""
    users = list(_rule_users(order, rule, payload).exclude(pk=_pk(actor)).distinct())
    if users:
        return users, False
    admins = list(User.objects.for_tenant().filter(is_active=True, roles__system_key__in=ADMIN_ROLE_KEYS)
                  .exclude(pk=_pk(actor)).distinct())
    if not admins:
        raise ValidationFailed(details={"approval": [
            _("No approver could be found for this step; ask an administrator to check the flow settings.")]})
    return admins, True


def _request_approval(actor, order, action, node, rule, payload):
    approvers, routed = _approvers(actor, order, rule, payload)
    before = _snapshot(order)
    try:
        with transaction.atomic():
            approval = Approval.objects.create(tenant_id=order.tenant_id, order=order, node=node, action=action,
                                               payload=payload, requested_by=actor, routed_to_admins=routed)
    except IntegrityError:
        raise flow.NotAllowed(_("The work order is waiting for an approval."))
    approval.approvers.set(approvers)
    order.awaiting_approval = True
    _save(order)
    note = payload.get("reason") or payload.get("note") or ""
    if routed:
        note = f"{ROUTED_TO_ADMINS} {note}".strip()
    _record(actor, order, "approval_requested", _("Asked for approval: %(action)s") % {
        "action": flow.ACTION_LABELS[action]}, before, note=note)
    _emit("workorder.approval_requested", order, actor, approval_id=approval.pk, action=action,
          approver_ids=[user.pk for user in approvers], routed_to_admins=routed)
    return order


# === notes and add-on components ====================================================================

@transaction.atomic
def add_note(*, actor, order, content, attachments=(), sms_to_contact=False):
    """工单备注, optionally texted to the order's contact after commit (WO-31)."""
    order = _lock(actor, order)
    errors = {}
    content = _text(content, "content", required=True, limit=2000, errors=errors)
    refs = _file_refs(attachments, "attachments", errors)
    phone = order.contact_phone if sms_to_contact else ""
    if sms_to_contact and not phone:
        errors["sms_to_contact"] = [_("The work order has no contact phone to text.")]
    if errors:
        raise ValidationFailed(details=errors)
    note = Note.objects.create(tenant_id=order.tenant_id, order=order, author=actor, content=content,
                               attachments=refs, sms_phone=phone)
    _record(actor, order, "note", _("Added a note"), note=content, attachments=refs)
    _emit("workorder.note_added", order, actor, note_id=note.pk, sms_phone=phone)
    return note


@transaction.atomic
def save_component_entry(*, actor, order, component, values, entry=None):
    """Fill in an add-on component of the order's type (one entry, or another one if it repeats)."""
    order = _lock(actor, order)
    if not (permissions.has_perm(actor, "workorder.edit") or order.assignee_id == actor.pk):
        raise PermissionDenied()
    if order.status in flow.FINAL_STATUSES:
        raise flow.NotAllowed(_("A closed or cancelled work order cannot be changed."))
    component = order.order_type.components.filter(pk=_pk(component), is_enabled=True).first()
    if component is None:
        raise NotFound()
    existing = ComponentEntry.objects.filter(order=order, component=component)
    if entry is not None:
        entry = existing.filter(pk=_pk(entry)).first()
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
    _record(actor, order, "component", _("Filled in “%(name)s”") % {"name": component.name}, changes=changes)
    return entry

