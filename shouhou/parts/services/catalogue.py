"""Writes of the catalogue: parts (PART-01), part categories, service items (SVC-01) and warehouses
(PART-03). Each checks the permission, cleans every value and refuses all errors at once, then writes,
records the timeline entry and emits the event in one transaction. Error keys are the API's names."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from shouhou.core import clean, outbox, references, timeline
from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import Conflict, NotFound, ValidationFailed

from .. import policy, queries
from ..models import Part, PartCategory, ServiceItem, StockLevel, StockMovement, Warehouse
from ._common import NOT_GIVEN, actor_id, clean_id, flag, money

__all__ = [
    "create_part", "update_part", "delete_part", "create_category", "rename_category", "delete_category",
    "create_service_item", "update_service_item", "delete_service_item", "create_warehouse",
    "update_warehouse", "delete_warehouse",
]

PART_TRACKED = ("number", "name", "category", "specification", "unit", "sale_price", "cost_price",
                "description", "enabled", "in_mall", "serial_tracked")
ITEM_TRACKED = ("number", "name", "category", "unit", "sale_price", "cost_price", "enabled", "in_mall")
WAREHOUSE_TRACKED = ("name", "kind", "region", "enabled")


def _category(category_id, errors):
    if category_id in (None, ""):
        return None
    found = PartCategory.objects.filter(pk=clean_id(category_id)).first()
    if found is None:
        errors["category_id"] = [_("The selected category does not exist.")]
    return found


def _unique(model, field, value, errors, message, *, exclude_pk=None):
    if not value or field in errors:
        return
    taken = model.objects.filter(**{field: value})
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        errors[field] = [message]


def _save(obj, field, message):
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise ValidationFailed(details={field: [message]})


def _locked(model, obj):
    locked = model.objects.select_for_update().filter(pk=getattr(obj, "pk", obj)).first()
    if locked is None:
        raise NotFound()
    return locked


def _apply(actor, obj, changes, tracked, verb, summary):
    before = timeline.snapshot(obj, tracked)
    for name, value in changes.items():
        setattr(obj, name, value)
    return before


# === parts =================================================================================================

def _part_values(data, errors, *, partial):
    """Clean the given part values (all of them unless `partial`)."""
    texts = {"number": (50, True), "name": (100, True), "specification": (100, False), "unit": (20, False),
             "description": (2000, False)}
    values = {}
    for key, (limit, required) in texts.items():
        if key in data or not partial:
            values[key] = clean.text(data.get(key), limit, key, errors, required=required)
    for key in ("sale_price", "cost_price"):
        if key in data or not partial:
            values[key] = money(data.get(key), key, errors)
    for key, default in (("enabled", True), ("in_mall", False), ("serial_tracked", False)):
        if key in data or not partial:
            values[key] = flag(data.get(key, default))
    if "category_id" in data or not partial:
        values["category"] = _category(data.get("category_id"), errors)
    return values


def _part_taken(number):
    return _("The part number %(number)s is already used.") % {"number": number}


def create_part(*, actor, request=None, check_perm=True, **data):
    """A part: number (unique in the company), name, category_id, specification, unit, sale_price,
    cost_price, description, enabled, in_mall, serial_tracked. `check_perm=False`: the importer checked
    part.import for the whole file."""
    if check_perm:
        policy.require(actor, None, "part.create")
    errors = {}
    values = _part_values(data, errors, partial=False)
    with transaction.atomic():
        _unique(Part, "number", values["number"], errors, _part_taken(values["number"]))
        clean.raise_if(errors)
        part = Part(created_by=clean.signed_in(actor), **values)
        _save(part, "number", _part_taken(part.number))
        timeline.record(actor=actor, obj=part, verb="part.created", summary=_("Created the part"))
        outbox.emit("part.created", part_id=part.pk, actor_id=actor_id(actor))
    return part


def update_part(*, actor, part, request=None, **data):
    """Change the given values; serial tracking cannot change while the part has stock or movements."""
    policy.require(actor, part, "part.edit")
    with transaction.atomic():
        part = _locked(Part, part)
        errors = {}
        changes = _part_values(data, errors, partial=True)
        if changes.get("number") and changes["number"] != part.number:
            _unique(Part, "number", changes["number"], errors, _part_taken(changes["number"]), exclude_pk=part.pk)
        if "serial_tracked" in changes and changes["serial_tracked"] != part.serial_tracked \
                and StockMovement.objects.filter(part=part).exists():
            errors["serial_tracked"] = [_("Serial tracking cannot change once the part has stock movements.")]
        clean.raise_if(errors)
        before = _apply(actor, part, changes, PART_TRACKED, "part.updated", None)
        _save(part, "number", _part_taken(part.number))
        recorded = timeline.diff(part, before, PART_TRACKED)
        if recorded:
            timeline.record(actor=actor, obj=part, verb="part.updated", summary=_("Edited the part"),
                            changes=recorded)
            outbox.emit("part.updated", part_id=part.pk, actor_id=actor_id(actor))
    return part


def delete_part(*, actor, part, request=None):
    """Refused once the part has stock or movements (the ledger keeps its history): disable it instead."""
    policy.require(actor, part, "part.delete")
    with transaction.atomic():
        part = _locked(Part, part)
        if StockMovement.objects.filter(part=part).exists():
            raise Conflict(_("The part %(number)s has stock movements and cannot be deleted; disable it instead.")
                           % {"number": part.number})
        StockLevel.objects.filter(part=part).delete()  # only safety-stock rows without movements
        log(SystemLog.Kind.DELETE, user=actor, request=request,
            action=_("Deleted part %(name)s (%(number)s)") % {"name": part.name, "number": part.number},
            detail={"object": "part", "id": part.pk, "number": part.number})
        outbox.emit("part.deleted", part_id=part.pk, number=part.number, actor_id=actor_id(actor))
        part.delete()


# === categories ===========================================================================================

def _category_name(name, errors, *, exclude_pk=None):
    name = clean.text(name, 50, "name", errors, required=True)
    _unique(PartCategory, "name", name, errors,
            _("A category named “%(name)s” already exists.") % {"name": name}, exclude_pk=exclude_pk)
    return name


def create_category(*, actor, name, parent_id=None, request=None):
    policy.require(actor, None, "part.edit")
    with transaction.atomic():
        errors = {}
        name = _category_name(name, errors)
        parent = None
        if parent_id not in (None, ""):
            parent = PartCategory.objects.filter(pk=clean_id(parent_id)).first()
            if parent is None:
                errors["parent_id"] = [_("The selected category does not exist.")]
        clean.raise_if(errors)
        last = PartCategory.objects.aggregate(last=Max("sort_order"))["last"]
        category = PartCategory(name=name, parent=parent, sort_order=0 if last is None else last + 1)
        _save(category, "name", _("A category named “%(name)s” already exists.") % {"name": name})
        log(SystemLog.Kind.SETTINGS, user=actor, request=request,
            action=_("Added part category %(name)s") % {"name": name}, detail={"part_category": category.pk})
    return category


def rename_category(*, actor, category, name, request=None):
    policy.require(actor, None, "part.edit")
    with transaction.atomic():
        category = _locked(PartCategory, category)
        errors = {}
        name = _category_name(name, errors, exclude_pk=category.pk)
        clean.raise_if(errors)
        category.name = name
        _save(category, "name", _("A category named “%(name)s” already exists.") % {"name": name})
    return category


def delete_category(*, actor, category, request=None):
    """Refused while it has sub-categories; its parts lose their category."""
    policy.require(actor, None, "part.edit")
    with transaction.atomic():
        category = _locked(PartCategory, category)
        if category.children.exists():
            raise Conflict(_("The category %(name)s has sub-categories; delete them first.") % {"name": category.name})
        log(SystemLog.Kind.DELETE, user=actor, request=request,
            action=_("Deleted part category %(name)s") % {"name": category.name},
            detail={"object": "part_category", "id": category.pk})
        category.delete()


# === service items ========================================================================================

def _item_values(data, errors, *, partial):
    texts = {"number": (50, True), "name": (100, True), "category": (50, False), "unit": (20, False)}
    values = {}
    for key, (limit, required) in texts.items():
        if key in data or not partial:
            values[key] = clean.text(data.get(key), limit, key, errors, required=required)
    for key in ("sale_price", "cost_price"):
        if key in data or not partial:
            values[key] = money(data.get(key), key, errors)
    for key, default in (("enabled", True), ("in_mall", False)):
        if key in data or not partial:
            values[key] = flag(data.get(key, default))
    return values


def _item_taken(number):
    return _("The service item number %(number)s is already used.") % {"number": number}


def create_service_item(*, actor, request=None, **data):
    policy.require(actor, None, "service_item.create")
    errors = {}
    values = _item_values(data, errors, partial=False)
    with transaction.atomic():
        _unique(ServiceItem, "number", values["number"], errors, _item_taken(values["number"]))
        clean.raise_if(errors)
        item = ServiceItem(**values)
        _save(item, "number", _item_taken(item.number))
        timeline.record(actor=actor, obj=item, verb="service_item.created", summary=_("Created the service item"))
        outbox.emit("service_item.created", service_item_id=item.pk, actor_id=actor_id(actor))
    return item


def update_service_item(*, actor, item, request=None, **data):
    policy.require(actor, item, "service_item.edit")
    with transaction.atomic():
        item = _locked(ServiceItem, item)
        errors = {}
        changes = _item_values(data, errors, partial=True)
        if changes.get("number") and changes["number"] != item.number:
            _unique(ServiceItem, "number", changes["number"], errors, _item_taken(changes["number"]),
                    exclude_pk=item.pk)
        clean.raise_if(errors)
        before = _apply(actor, item, changes, ITEM_TRACKED, None, None)
        _save(item, "number", _item_taken(item.number))
        recorded = timeline.diff(item, before, ITEM_TRACKED)
        if recorded:
            timeline.record(actor=actor, obj=item, verb="service_item.updated",
                            summary=_("Edited the service item"), changes=recorded)
            outbox.emit("service_item.updated", service_item_id=item.pk, actor_id=actor_id(actor))
    return item


def delete_service_item(*, actor, item, request=None):
    policy.require(actor, item, "service_item.delete")
    with transaction.atomic():
        item = _locked(ServiceItem, item)
        log(SystemLog.Kind.DELETE, user=actor, request=request,
            action=_("Deleted service item %(name)s (%(number)s)") % {"name": item.name, "number": item.number},
            detail={"object": "service_item", "id": item.pk, "number": item.number})
        outbox.emit("service_item.deleted", service_item_id=item.pk, actor_id=actor_id(actor))
        item.delete()


# === warehouses ===========================================================================================

def _warehouse_values(actor, data, errors, *, partial):
    values = {}
    if "name" in data or not partial:
        values["name"] = clean.text(data.get("name"), 50, "name", errors, required=True)
    if "region" in data or not partial:
        values["region"] = clean.text(data.get("region"), 100, "region", errors)
    if "kind" in data or not partial:
        kind = data.get("kind") or Warehouse.Kind.SPARE
        if kind not in Warehouse.Kind.values:
            errors["kind"] = [_("Choose a warehouse kind.")]
        values["kind"] = kind
    if "enabled" in data or not partial:
        values["enabled"] = flag(data.get("enabled", True))
    managers = NOT_GIVEN
    if "manager_ids" in data or not partial:
        from shouhou.accounts.queries import pickable_users

        managers = references.resolve_many(actor, pickable_users, data.get("manager_ids") or [],
                                           field="manager_ids", errors=errors)
    return values, managers


def _warehouse_taken(name):
    return _("A warehouse named “%(name)s” already exists.") % {"name": name}


def create_warehouse(*, actor, request=None, **data):
    """A warehouse: name (unique), kind (spare/defective/regional), region, manager_ids, enabled."""
    policy.require(actor, None, "warehouse.manage")
    with transaction.atomic():
        errors = {}
        values, managers = _warehouse_values(actor, data, errors, partial=False)
        _unique(Warehouse, "name", values["name"], errors, _warehouse_taken(values["name"]))
        clean.raise_if(errors)
        warehouse = Warehouse(**values)
        _save(warehouse, "name", _warehouse_taken(warehouse.name))
        warehouse.managers.set(managers)
        timeline.record(actor=actor, obj=warehouse, verb="warehouse.created", summary=_("Created the warehouse"))
        outbox.emit("warehouse.created", warehouse_id=warehouse.pk, actor_id=actor_id(actor))
    return warehouse


def _locked_warehouse(actor, warehouse):
    in_scope = queries.visible_warehouses(actor).filter(pk=getattr(warehouse, "pk", warehouse)).values("pk")
    locked = Warehouse.objects.select_for_update().filter(pk__in=in_scope).first()
    if locked is None:
        raise NotFound()
    return locked


def update_warehouse(*, actor, warehouse, request=None, **data):
    policy.require(actor, warehouse, "warehouse.manage")
    with transaction.atomic():
        warehouse = _locked_warehouse(actor, warehouse)
        errors = {}
        changes, managers = _warehouse_values(actor, data, errors, partial=True)
        if changes.get("name") and changes["name"] != warehouse.name:
            _unique(Warehouse, "name", changes["name"], errors, _warehouse_taken(changes["name"]),
                    exclude_pk=warehouse.pk)
        clean.raise_if(errors)
        before = _apply(actor, warehouse, changes, WAREHOUSE_TRACKED, None, None)
        _save(warehouse, "name", _warehouse_taken(warehouse.name))
        recorded = timeline.diff(warehouse, before, WAREHOUSE_TRACKED)
        if managers is not NOT_GIVEN:
            old = set(warehouse.managers.values_list("pk", flat=True))
            if old != {user.pk for user in managers}:
                warehouse.managers.set(managers)
                recorded.append({"field": "managers", "label": str(_("warehouse managers")),
                                 "old": "", "new": "、".join(user.name for user in managers)})
        if recorded:
            timeline.record(actor=actor, obj=warehouse, verb="warehouse.updated", summary=_("Edited the warehouse"),
                            changes=recorded)
            outbox.emit("warehouse.updated", warehouse_id=warehouse.pk, actor_id=actor_id(actor))
    return warehouse


def delete_warehouse(*, actor, warehouse, request=None):
    """Refused once it has movements (the ledger keeps its history): disable it instead."""
    policy.require(actor, warehouse, "warehouse.manage")
    with transaction.atomic():
        warehouse = _locked_warehouse(actor, warehouse)
        if StockMovement.objects.filter(warehouse=warehouse).exists() or warehouse.requests.exists():
            raise Conflict(_("The warehouse %(name)s has stock records and cannot be deleted; disable it instead.")
                           % {"name": warehouse.name})
        StockLevel.objects.filter(warehouse=warehouse).delete()
        log(SystemLog.Kind.DELETE, user=actor, request=request,
            action=_("Deleted warehouse %(name)s") % {"name": warehouse.name},
            detail={"object": "warehouse", "id": warehouse.pk, "name": warehouse.name})
        outbox.emit("warehouse.deleted", warehouse_id=warehouse.pk, actor_id=actor_id(actor))
        warehouse.delete()
