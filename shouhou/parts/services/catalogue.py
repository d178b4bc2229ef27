"""Writes of the catalogue: parts (PART-01), part categories, service items (SVC-01) and warehouses
(PART-03). Each checks the permission, cleans every value and refuses all errors at once, then writes,
records the timeline entry and emits the event in one transaction. Error keys are the API's names."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import clean, company_settings, forms_engine, outbox, references, timeline
from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import Conflict, NotFound, ValidationFailed

from .. import custom_fields, policy, queries
from ..models import Part, PartCategory, ServiceItem, StockLevel, StockMovement, Warehouse
from . import images
from ._common import NOT_GIVEN, actor_id, clean_id, flag, money

__all__ = [
    "create_part", "update_part", "batch_update_parts", "MAX_BATCH", "delete_part", "create_category", "rename_category", "delete_category",
    "create_service_item", "update_service_item", "delete_service_item", "ITEM_LISTS", "service_item_list",
    "add_service_item_options", "remove_service_item_option", "create_warehouse",
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


def _part_checks(part, changes, errors):
    if "serial_tracked" in changes and changes["serial_tracked"] != part.serial_tracked \
            and StockMovement.objects.filter(part=part).exists():
        errors["serial_tracked"] = [_("Serial tracking cannot change once the part has stock movements.")]


@dataclass(frozen=True)
class Entry:
    """What differs between the numbered catalogue entries (parts, service items): one create and one
    update write both — permission, clean all values, unique number, save, timeline entry, event."""

    model: type
    event: str  # "part" → part.created / part.updated, the payload's part_id
    perm: str
    values: Callable  # (data, errors, *, partial) -> {field: value}
    taken: Callable  # number -> the "already used" message
    tracked: tuple
    created: object  # the timeline summaries
    edited: object
    checks: Callable = lambda obj, changes, errors: None  # extra refusals of an update
    creator: bool = False  # the model records created_by
    schema: Callable | None = None  # the form engine's schema of the custom values in `fields`, if any


def _custom_values(entry, actor, data, errors, *, previous=None):
    """The checked custom values to store (None: not given, or refused into `errors` under
    "fields.<key>"). An update merges what is given (null removes a value) unless `replace_fields`
    (the console form, which sends the whole set)."""
    if entry.schema is None or (previous is not None and data.get("fields") is None):
        return None
    replace = previous is None or bool(data.get("replace_fields"))
    cleaned = clean.custom_fields(entry.schema(), data.get("fields"), partial=not replace, previous=previous,
                                  errors=errors, actor=actor)
    if cleaned is None or replace:
        return cleaned
    return forms_engine.merge_values(previous, cleaned)


def _create_entry(entry, actor, data):
    errors = {}
    values = entry.values(data, errors, partial=False)
    if entry.schema is not None:
        values["fields"] = _custom_values(entry, actor, data, errors) or {}
    with transaction.atomic():
        _unique(entry.model, "number", values["number"], errors, entry.taken(values["number"]))
        clean.raise_if(errors)
        if entry.creator:
            values["created_by"] = clean.signed_in(actor)
        obj = entry.model(**values)
        _save(obj, "number", entry.taken(obj.number))
        timeline.record(actor=actor, obj=obj, verb=f"{entry.event}.created", summary=str(entry.created))
        outbox.emit(f"{entry.event}.created", **{f"{entry.event}_id": obj.pk, "actor_id": actor_id(actor)})
    return obj


def _update_entry(entry, actor, obj, data):
    policy.require(actor, obj, f"{entry.perm}.edit")
    with transaction.atomic():
        obj = _locked(entry.model, obj)
        errors = {}
        changes = entry.values(data, errors, partial=True)
        if changes.get("number") and changes["number"] != obj.number:
            _unique(entry.model, "number", changes["number"], errors, entry.taken(changes["number"]),
                    exclude_pk=obj.pk)
        entry.checks(obj, changes, errors)
        new_fields = _custom_values(entry, actor, data, errors, previous=getattr(obj, "fields", None) or {})
        clean.raise_if(errors)
        before, before_fields = timeline.snapshot(obj, entry.tracked), dict(getattr(obj, "fields", None) or {})
        for name, value in changes.items():
            setattr(obj, name, value)
        if new_fields is not None:
            obj.fields = new_fields
        _save(obj, "number", entry.taken(obj.number))
        recorded = timeline.diff(obj, before, entry.tracked)
        if new_fields is not None:
            recorded += forms_engine.diff_values(entry.schema(), before_fields, obj.fields)
        if recorded:
            timeline.record(actor=actor, obj=obj, verb=f"{entry.event}.updated", summary=str(entry.edited),
                            changes=recorded)
            outbox.emit(f"{entry.event}.updated", **{f"{entry.event}_id": obj.pk, "actor_id": actor_id(actor)})
    return obj


PART = Entry(model=Part, event="part", perm="part", values=_part_values, taken=_part_taken, tracked=PART_TRACKED,
             created=gettext_lazy("Created the part"), edited=gettext_lazy("Edited the part"), checks=_part_checks,
             creator=True, schema=custom_fields.schema)


def create_part(*, actor, request=None, check_perm=True, image=None, **data):
    """A part: number (unique in the company), name, category_id, specification, unit, sale_price,
    cost_price, description, enabled, in_mall, serial_tracked, `fields` (custom values, checked by the form
    engine: errors under "fields.<key>") and `image` (an uploaded picture, services/images.py).
    `check_perm=False`: the importer checked part.import for the whole file."""
    if check_perm:
        policy.require(actor, None, "part.create")
    picture = _picture(image, data, partial=False)
    with transaction.atomic():
        part = _create_entry(PART, actor, data)
        images.attach(actor, part, picture)
    return part


def update_part(*, actor, part, request=None, image=None, remove_image=False, **data):
    """Change the given values; serial tracking cannot change while the part has stock or movements.
    `fields` merges into the custom values (null removes one) unless `replace_fields`. `image` replaces
    the picture, `remove_image` takes it off; either releases the old file (core.files.release)."""
    picture = _picture(image, data, partial=True)
    with transaction.atomic():
        part = _update_entry(PART, actor, part, data)
        images.attach(actor, part, picture, remove=bool(remove_image))
    return part


def _picture(image, data, *, partial):
    """The checked picture; a bad one is refused together with the other values' errors."""
    errors = {}
    picture = images.clean(image, errors)
    if errors:
        _part_values(data, errors, partial=partial)
        clean.raise_if(errors)
    return picture


BATCH_KEYS = ("category_id", "enabled", "in_mall", "sale_price", "cost_price")
MAX_BATCH = 500


def batch_update_parts(*, actor, parts, request=None, **data):
    """批量编辑: the same category, enabled, mall listing or prices (the keys given among BATCH_KEYS) on
    several parts — all of them or, on any error, none; each changed part gets its timeline entry."""
    policy.require(actor, None, "part.edit")
    errors = {}
    given = {key: value for key, value in data.items() if key in BATCH_KEYS}
    if not given:
        errors["category_id"] = [_("Choose what to change.")]
    if len(parts) > MAX_BATCH:
        errors["ids"] = [_("Select at most %(n)s parts at a time.") % {"n": MAX_BATCH}]
    changes = _part_values(given, errors, partial=True)
    clean.raise_if(errors)
    with transaction.atomic():
        locked = [_locked(Part, part) for part in sorted(parts, key=lambda part: part.pk)]
        for part in locked:
            before = timeline.snapshot(part, PART_TRACKED)
            for name, value in changes.items():
                setattr(part, name, value)
            recorded = timeline.diff(part, before, PART_TRACKED)
            if recorded:
                part.save()
                timeline.record(actor=actor, obj=part, verb="part.batch_updated", summary=_("Batch edit"),
                                changes=recorded)
                outbox.emit("part.updated", part_id=part.pk, actor_id=actor_id(actor))
    return len(locked)


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
        images.release(part)
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


SERVICE_ITEM = Entry(model=ServiceItem, event="service_item", perm="service_item", values=_item_values,
                     taken=_item_taken, tracked=ITEM_TRACKED, created=gettext_lazy("Created the service item"),
                     edited=gettext_lazy("Edited the service item"))


def create_service_item(*, actor, request=None, **data):
    policy.require(actor, None, "service_item.create")
    return _create_entry(SERVICE_ITEM, actor, data)


def update_service_item(*, actor, item, request=None, **data):
    return _update_entry(SERVICE_ITEM, actor, item, data)


def delete_service_item(*, actor, item, request=None):
    policy.require(actor, item, "service_item.delete")
    with transaction.atomic():
        item = _locked(ServiceItem, item)
        log(SystemLog.Kind.DELETE, user=actor, request=request,
            action=_("Deleted service item %(name)s (%(number)s)") % {"name": item.name, "number": item.number},
            detail={"object": "service_item", "id": item.pk, "number": item.number})
        outbox.emit("service_item.deleted", service_item_id=item.pk, actor_id=actor_id(actor))
        item.delete()


# === the service items' company lists (SVC-02) =============================================================

ITEM_LISTS = {"unit": ("parts.service_item_units", 20), "category": ("parts.service_item_categories", 50)}
MAX_LIST = 200


def service_item_list(kind):
    """The company's service-item units (kind "unit") or categories ("category"), in their order."""
    return list(company_settings.get(ITEM_LISTS[kind][0]))


def add_service_item_options(*, actor, kind, names, request=None):
    """Add several names at once (one per line, or separated by commas or 、); names already in the list
    are skipped. Returns the names added."""
    policy.require(actor, None, "service_item.edit")
    if kind not in ITEM_LISTS:
        raise NotFound()
    key, limit = ITEM_LISTS[kind]
    errors = {}
    raw = str(names or "")
    wanted = []
    for piece in re.split(r"[\n,，、]+", raw):
        name = clean.text(piece, limit, "names", errors)
        if name and name not in wanted:
            wanted.append(name)
    if not wanted and "names" not in errors:
        errors["names"] = [_("Type at least one name.")]
    with transaction.atomic():
        current = service_item_list(kind)
        added = [name for name in wanted if name not in current]
        if len(current) + len(added) > MAX_LIST:
            errors["names"] = [_("A list holds at most %(n)s entries.") % {"n": MAX_LIST}]
        clean.raise_if(errors)
        if added:
            company_settings.update_settings(actor=actor, values={key: current + added}, request=request,
                                             permission="service_item.edit")
    return added


def remove_service_item_option(*, actor, kind, name, request=None):
    """Take a name off the list; service items that use it keep their value."""
    policy.require(actor, None, "service_item.edit")
    if kind not in ITEM_LISTS:
        raise NotFound()
    key = ITEM_LISTS[kind][0]
    with transaction.atomic():
        current = service_item_list(kind)
        if name not in current:
            raise NotFound()
        company_settings.update_settings(actor=actor, values={key: [n for n in current if n != name]},
                                         request=request, permission="service_item.edit")


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
