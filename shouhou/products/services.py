"""Every write to products, product types, templates, QR tokens and product settings (architecture §4; PRD-01…11).

Each function checks the permission and the actor's data scope (a product or customer they cannot
see is a NotFound), validates everything before writing — so a refusal changes nothing — then
writes, records the timeline entry with the changed fields, logs deletions and settings changes
(SYS-13) and emits the domain event, in one transaction.

Error details use the API's names: "name", "number", "product_type_id", "customer_id", "template_id",
dates, "latitude"/"longitude", and "fields.<key>" for custom fields.
"""

import calendar
import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import clean, dependents, forms_engine, outbox, references, timeline
from shouhou.core.audit import SystemLog, log
from shouhou.core.company_settings import update_settings
from shouhou.core.errors import Conflict, NotFound, ValidationFailed
from shouhou.core.numbering import next_number

from . import policy, queries
from .models import Product, ProductTemplate, ProductType, RevokedQrToken, new_qr_token

REQUIRED = gettext_lazy("This field is required.")
TRACKED = ("name", "number", "serial_number", "product_type", "customer", "template", "purchase_date",
           "install_date", "warranty_end", "location", "latitude", "longitude")
TEMPLATE_TRACKED = ("name", "number", "product_type", "warranty_months", "description")
MAX_WARRANTY_MONTHS = 600
TEMPLATE_NUMBER_LIMIT = 40  # leaves room for the "-0001" of numbers made from it
NUMBER_ATTEMPTS = 50


class _NotGiven:
    def __repr__(self):
        return "NOT_GIVEN"


NOT_GIVEN = _NotGiven()  # "leave unchanged" in updates and batch edits


class CustomerNotFound(NotFound):
    """The chosen customer does not exist in the company or is outside the actor's scope."""

    default_message = gettext_lazy("The selected customer does not exist or you cannot see it.")

    def __init__(self):
        super().__init__(details={"customer_id": [self.default_message]})


def schema():
    return forms_engine.get_schema(queries.FORM_TARGET)


def _actor_id(actor):
    return getattr(actor, "pk", None)


# === value checks ========================================================================================

def _date(value, key, errors):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors[key] = [_("Enter a valid date (YYYY-MM-DD).")]
        return None


def _int(value):
    if isinstance(value, bool):
        return -1
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _id(value):
    """An id, or -1 (matches nothing) for anything that is not one, a too large number too."""
    number = references.clean_id(value)
    return -1 if number is None else number


def _product_type(type_id, errors):
    if type_id in (None, ""):
        return None
    found = ProductType.objects.filter(pk=_id(type_id)).first()
    if found is None:
        errors["product_type_id"] = [_("The selected product type does not exist.")]
    return found


def _template(template_id, errors):
    if template_id in (None, ""):
        return None
    found = ProductTemplate.objects.filter(pk=_id(template_id)).first()
    if found is None:
        errors["template_id"] = [_("The selected template does not exist.")]
    return found


def _customer(actor, customer_id, *, current_id=None):
    """The customer if the actor may see it; keeping the product's current customer is always allowed."""
    if customer_id in (None, ""):
        return None
    if current_id is not None and _id(customer_id) == current_id:
        from shouhou.customers.models import Customer

        return Customer.objects.get(pk=current_id)
    from shouhou.customers.queries import visible_customers

    try:
        return references.resolve(actor, visible_customers, customer_id, field="customer_id")
    except ValidationFailed:
        raise CustomerNotFound()  # the same answer for a missing customer and one outside the scope


def _warranty_months(value, errors, key="warranty_months"):
    if value in (None, ""):
        return None
    number = _int(value)
    if not 0 <= number <= MAX_WARRANTY_MONTHS:
        errors[key] = [_("Enter whole months between 0 and %(n)d.") % {"n": MAX_WARRANTY_MONTHS}]
        return None
    return number


def add_months(day, months):
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_number_free(number, errors, *, exclude_pk=None):
    if not number or "number" in errors:
        return
    taken = Product.objects.filter(number=number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        errors["number"] = [_number_taken(number)]


def _number_taken(number):
    return _("The product number %(number)s is already used.") % {"number": number}


def _check_place(values, errors):
    if (values.get("latitude") is None) != (values.get("longitude") is None) and "latitude" not in errors \
            and "longitude" not in errors:
        errors["latitude"] = [_("Give both latitude and longitude, or neither.")]


def _check_dates(values, errors):
    end, bought = values.get("warranty_end"), values.get("purchase_date")
    if end and bought and end < bought and "warranty_end" not in errors:
        errors["warranty_end"] = [_("The warranty cannot end before the purchase date.")]


def _lock(actor, product):
    """The product re-read under a row lock, within the actor's scope (NotFound otherwise)."""
    in_scope = queries.visible_products(actor).filter(pk=getattr(product, "pk", product)).values("pk")
    locked = Product.objects.select_for_update().filter(pk__in=in_scope).first()
    if locked is None:
        raise NotFound()
    return locked


def _save_unique(product):
    """Save, turning a number taken meanwhile by a concurrent write into a field error."""
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError:
        raise ValidationFailed(details={"number": [_number_taken(product.number)]})


# === products ============================================================================================

def create_product(*, actor, name, number="", serial_number="", product_type_id=None, customer_id=None,
                   template_id=None, purchase_date=None, install_date=None, warranty_end=None, location="",
                   latitude=None, longitude=None, fields=None, request=None, check_perm=True):
    """A new product. With a template, an empty number is made from the template's number as a prefix
    and an empty warranty end is the installation (or purchase) date plus the template's months."""
    if check_perm:
        policy.require(actor, None, "create")
    errors = {}
    values = {
        "name": clean.text(name, 100, "name", errors, required=True),
        "number": clean.text(number, 50, "number", errors),
        "serial_number": clean.text(serial_number, 80, "serial_number", errors),
        "location": clean.text(location, 200, "location", errors),
        "purchase_date": _date(purchase_date, "purchase_date", errors),
        "install_date": _date(install_date, "install_date", errors),
        "warranty_end": _date(warranty_end, "warranty_end", errors),
        "latitude": clean.coordinate(latitude, 90, "latitude", errors),
        "longitude": clean.coordinate(longitude, 180, "longitude", errors),
        "product_type": _product_type(product_type_id, errors),
        "template": _template(template_id, errors),
    }
    template = values["template"]
    if not values["number"] and template is None and "number" not in errors:
        errors["number"] = [REQUIRED]
    _fill_warranty(values, template)
    _check_place(values, errors)
    _check_dates(values, errors)
    customer = _customer(actor, customer_id)
    with transaction.atomic():  # custom values may store files: a refusal below rolls their quota back
        _check_number_free(values["number"], errors)
        values["fields"] = clean.custom_fields(schema(), fields, partial=False,
                                               previous=None, errors=errors, actor=actor)
        clean.raise_if(errors)
        if not values["number"]:
            values["number"] = _number_from_template(template)
        product = Product(customer=customer, created_by=clean.signed_in(actor), **values)
        _save_unique(product)
        summary = (_("Created the product from template %(template)s") % {"template": template.name}
                   if template else _("Created the product"))
        timeline.record(actor=actor, obj=product, verb="product.created", summary=summary)
        outbox.emit("product.created", product_id=product.pk, actor_id=_actor_id(actor))
    return product


def _fill_warranty(values, template):
    if values["warranty_end"] is not None or template is None or template.warranty_months is None:
        return
    start = values["install_date"] or values["purchase_date"]
    if start is not None:
        values["warranty_end"] = add_months(start, template.warranty_months)


def _number_from_template(template):
    """The next free "<template number>-0001" style number."""
    for _attempt in range(NUMBER_ATTEMPTS):
        candidate = next_number(f"product_template:{template.pk}", f"{template.number}-", width=4)
        if not Product.objects.filter(number=candidate).exists():
            return candidate
    raise ValidationFailed(details={"number": [_("No free number could be made from the template; enter one.")]})


def create_from_template(*, actor, template_id, request=None, check_perm=True, **values):
    """产品模板 → product (PRD-03): what is not given is copied from the template — name, type and
    custom fields (given fields override the template's) — then `create_product` makes the number
    from the template's prefix and the warranty end from its months."""
    if check_perm:
        policy.require(actor, None, "create")
    template = ProductTemplate.objects.filter(pk=_id(template_id)).first()
    if template is None:
        raise ValidationFailed(details={"template_id": [_("The selected template does not exist.")]})
    values.setdefault("name", template.name)
    values.setdefault("product_type_id", template.product_type_id)
    current_keys = {field.key for field in schema().parsed.value_fields()}
    copied = {key: value for key, value in (template.fields or {}).items() if key in current_keys}
    values["fields"] = {**copied, **(values.get("fields") or {})}
    return create_product(actor=actor, template_id=template.pk, request=request, check_perm=False, **values)


def update_product(*, actor, product, name=NOT_GIVEN, number=NOT_GIVEN, serial_number=NOT_GIVEN,
                   product_type_id=NOT_GIVEN, customer_id=NOT_GIVEN, purchase_date=NOT_GIVEN,
                   install_date=NOT_GIVEN, warranty_end=NOT_GIVEN, location=NOT_GIVEN, latitude=NOT_GIVEN,
                   longitude=NOT_GIVEN, fields=NOT_GIVEN, replace_fields=False, request=None):
    """Change what is given. `fields` is merged into the stored values (None removes a key) unless
    `replace_fields` (the console form, which sends the whole set)."""
    policy.require(actor, product, "edit")
    with transaction.atomic():
        product = _lock(actor, product)
        errors, changes = {}, {}
        texts = {"name": (name, 100, True), "number": (number, 50, True), "serial_number": (serial_number, 80, False),
                 "location": (location, 200, False)}
        for key, (value, limit, required) in texts.items():
            if value is not NOT_GIVEN:
                changes[key] = clean.text(value, limit, key, errors, required=required)
        for key, value in (("purchase_date", purchase_date), ("install_date", install_date),
                           ("warranty_end", warranty_end)):
            if value is not NOT_GIVEN:
                changes[key] = _date(value, key, errors)
        if latitude is not NOT_GIVEN:
            changes["latitude"] = clean.coordinate(latitude, 90, "latitude", errors)
        if longitude is not NOT_GIVEN:
            changes["longitude"] = clean.coordinate(longitude, 180, "longitude", errors)
        if product_type_id is not NOT_GIVEN:
            changes["product_type"] = _product_type(product_type_id, errors)
        if customer_id is not NOT_GIVEN:
            changes["customer"] = _customer(actor, customer_id, current_id=product.customer_id)
        current = {key: getattr(product, key) for key in ("latitude", "longitude", "purchase_date", "warranty_end")}
        merged = current | changes
        _check_place(merged, errors)
        _check_dates(merged, errors)
        if changes.get("number") and changes["number"] != product.number:
            _check_number_free(changes["number"], errors, exclude_pk=product.pk)
        new_fields = None
        if fields is not NOT_GIVEN:
            cleaned = clean.custom_fields(schema(), fields, partial=not replace_fields,
                                          previous=product.fields, errors=errors, actor=actor)
            if cleaned is not None:
                new_fields = cleaned if replace_fields else forms_engine.merge_values(product.fields, cleaned)
        clean.raise_if(errors)
        _write_update(actor, product, changes, new_fields=new_fields)
    return product


def _write_update(actor, product, changes, *, new_fields=None, verb="product.updated", summary=None):
    """Apply checked changes to a locked product; records what changed (nothing: no entry)."""
    before = timeline.snapshot(product, TRACKED)
    before_fields = dict(product.fields or {})
    for name, value in changes.items():
        setattr(product, name, value)
    if new_fields is not None:
        product.fields = new_fields
    _save_unique(product)
    recorded = timeline.diff(product, before, TRACKED)
    if new_fields is not None:
        recorded += forms_engine.diff_values(schema(), before_fields, product.fields)
    if recorded:
        timeline.record(actor=actor, obj=product, verb=verb, summary=summary or _("Edited the product"),
                        changes=recorded)
        outbox.emit("product.updated", product_id=product.pk, actor_id=_actor_id(actor),
                    fields=[change["field"] for change in recorded])
    return recorded


def batch_update_products(*, actor, products, product_type_id=NOT_GIVEN, customer_id=NOT_GIVEN,
                          warranty_end=NOT_GIVEN, field_key=None, field_value=NOT_GIVEN, request=None):
    """Change the same things on several products: all of them, or — on any error — none."""
    policy.require(actor, None, "edit")
    errors, changes = {}, {}
    if product_type_id is not NOT_GIVEN:
        changes["product_type"] = _product_type(product_type_id, errors)
    if warranty_end is not NOT_GIVEN:
        changes["warranty_end"] = _date(warranty_end, "warranty_end", errors)
    if customer_id is not NOT_GIVEN:
        changes["customer"] = _customer(actor, customer_id)
    definition = clean.batch_field(schema(), field_key, errors) if field_key else None
    if not changes and definition is None and not errors:
        errors["field_key"] = [_("Choose what to change.")]
    clean.raise_if(errors)
    with transaction.atomic():
        locked = [_lock(actor, product) for product in products]
        for product in locked:
            new_fields = None
            if definition is not None:
                data = {definition.key: None if field_value is NOT_GIVEN else field_value}
                cleaned = clean.custom_fields(schema(), data, partial=True,
                                              previous=product.fields, errors=errors, actor=actor)
                clean.raise_if(errors)
                new_fields = forms_engine.merge_values(product.fields, cleaned)
            _check_dates({"purchase_date": product.purchase_date, **changes}, errors)
            clean.raise_if(errors)
            _write_update(actor, product, changes, new_fields=new_fields, verb="product.batch_updated",
                          summary=_("Batch edit"))
    return len(locked)


def delete_products(*, actor, products, request=None):
    """Delete products (with their replaced QR codes and reminders); refused — for all — while any
    has work orders, whose service history would lose its product."""
    policy.require(actor, None, "delete")
    with transaction.atomic():
        locked = [_lock(actor, product) for product in products]
        busy = [product.number for product in locked if _has_work_orders(product)]
        if busy:
            raise Conflict(_("These products have work orders and cannot be deleted: %(numbers)s")
                           % {"numbers": "、".join(busy[:10])})
        dependents.forget(Product, [product.pk for product in locked])  # e.g. their reminders
        for product in locked:
            log(SystemLog.Kind.DELETE, user=actor, request=request,
                action=_("Deleted product %(name)s (%(number)s)") % {"name": product.name, "number": product.number},
                detail={"object": "product", "id": product.pk, "name": product.name, "number": product.number})
            outbox.emit("product.deleted", product_id=product.pk, number=product.number, actor_id=_actor_id(actor))
            product.delete()
    return len(locked)


def delete_product(*, actor, product, request=None):
    return delete_products(actor=actor, products=[product], request=request)


def _has_work_orders(product):
    related = getattr(product, "work_orders", None)
    return related is not None and related.exists()


# === QR codes (PRD-08) =====================================================================================

def regenerate_qr_token(*, actor, product, request=None):
    """A new unguessable token; the old one is kept as revoked, so scanning it says "replaced"."""
    policy.require(actor, product, "qrcode")
    with transaction.atomic():
        product = _lock(actor, product)
        RevokedQrToken.objects.create(product=product, token=product.qr_token)
        product.qr_token = new_qr_token()
        product.save(update_fields=["qr_token", "updated_at"])
        timeline.record(actor=actor, obj=product, verb="product.qrcode_regenerated",
                        summary=_("Regenerated the QR code; the old code no longer works"))
        outbox.emit("product.qrcode_regenerated", product_id=product.pk, actor_id=_actor_id(actor))
    return product


# === product types (PRD-11) ================================================================================

def _type_name(name, errors, *, exclude_pk=None):
    name = clean.text(name, 50, "name", errors, required=True)
    if "name" not in errors:
        taken = ProductType.objects.filter(name=name)
        if exclude_pk is not None:
            taken = taken.exclude(pk=exclude_pk)
        if taken.exists():
            errors["name"] = [_("A product type named “%(name)s” already exists.") % {"name": name}]
    return name


def create_product_type(*, actor, name, request=None):
    policy.require(actor, None, "settings")
    with transaction.atomic():
        errors = {}
        name = _type_name(name, errors)
        clean.raise_if(errors)
        last = ProductType.objects.aggregate(last=Max("sort_order"))["last"]
        product_type = ProductType.objects.create(name=name, sort_order=0 if last is None else last + 1)
        log(SystemLog.Kind.SETTINGS, user=actor, request=request,
            action=_("Added product type %(name)s") % {"name": name}, detail={"product_type": product_type.pk})
        outbox.emit("product_type.created", product_type_id=product_type.pk, actor_id=_actor_id(actor))
    return product_type


def rename_product_type(*, actor, product_type, name, request=None):
    policy.require(actor, None, "settings")
    with transaction.atomic():
        product_type = _locked_type(product_type)
        errors = {}
        name = _type_name(name, errors, exclude_pk=product_type.pk)
        clean.raise_if(errors)
        if name != product_type.name:
            log(SystemLog.Kind.SETTINGS, user=actor, request=request,
                action=_("Renamed product type %(old)s to %(new)s") % {"old": product_type.name, "new": name},
                detail={"product_type": product_type.pk})
            product_type.name = name
            product_type.save(update_fields=["name", "updated_at"])
    return product_type


def delete_product_type(*, actor, product_type, request=None):
    """Refused while products have the type; templates with it lose their type."""
    policy.require(actor, None, "settings")
    with transaction.atomic():
        product_type = _locked_type(product_type)
        used = Product.objects.filter(product_type=product_type).count()
        if used:
            raise Conflict(_("%(n)d products have the type %(name)s; change their type first.")
                           % {"n": used, "name": product_type.name})
        log(SystemLog.Kind.DELETE, user=actor, request=request,
            action=_("Deleted product type %(name)s") % {"name": product_type.name},
            detail={"object": "product_type", "id": product_type.pk, "name": product_type.name})
        product_type.delete()


def reorder_product_types(*, actor, ordered_ids, request=None):
    """Put the types in the given order; `ordered_ids` must name every type once."""
    policy.require(actor, None, "settings")
    with transaction.atomic():
        types = {t.pk: t for t in ProductType.objects.select_for_update()}
        ids = [_id(pk) for pk in ordered_ids]
        if len(ids) != len(set(ids)) or set(ids) != set(types):
            raise ValidationFailed(details={"order": [_("The list has changed; reload and try again.")]})
        for index, pk in enumerate(ids):
            if types[pk].sort_order != index:
                types[pk].sort_order = index
                types[pk].save(update_fields=["sort_order", "updated_at"])
        log(SystemLog.Kind.SETTINGS, user=actor, request=request, action=_("Reordered product types"),
            detail={"order": [types[pk].name for pk in ids]})


def move_product_type(*, actor, product_type, offset, request=None):
    """Move a type up (-1) or down (+1) one place."""
    ids = list(queries.product_types().values_list("pk", flat=True))
    if product_type.pk not in ids:
        raise NotFound()
    index = ids.index(product_type.pk)
    target = min(max(index + offset, 0), len(ids) - 1)
    ids.insert(target, ids.pop(index))
    reorder_product_types(actor=actor, ordered_ids=ids, request=request)


def _locked_type(product_type):
    locked = ProductType.objects.select_for_update().filter(pk=getattr(product_type, "pk", product_type)).first()
    if locked is None:
        raise NotFound()
    return locked


# === templates (PRD-07) ====================================================================================

def _template_fields(actor, fields, previous, errors):
    """A template's custom values: each checked, but required ones may stay empty (filled per product)."""
    cleaned = clean.custom_fields(schema(), fields, partial=True,
                                  previous=previous, errors=errors, actor=actor)
    return None if cleaned is None else {key: value for key, value in cleaned.items() if value is not None}


def _check_template_number(number, errors, *, exclude_pk=None):
    if not number or "number" in errors:
        return
    taken = ProductTemplate.objects.filter(number=number)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        errors["number"] = [_template_number_taken(number)]


def _template_number_taken(number):
    return _("Another template already has the number %(number)s.") % {"number": number}


def _save_template(template):
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise ValidationFailed(details={"number": [_template_number_taken(template.number)]})


def create_template(*, actor, name, number, product_type_id=None, warranty_months=None, description="",
                    fields=None, request=None):
    policy.require(actor, None, "settings")
    errors = {}
    values = {
        "name": clean.text(name, 100, "name", errors, required=True),
        "number": clean.text(number, TEMPLATE_NUMBER_LIMIT, "number", errors, required=True),
        "product_type": _product_type(product_type_id, errors),
        "warranty_months": _warranty_months(warranty_months, errors),
        "description": clean.text(description, 2000, "description", errors),
    }
    with transaction.atomic():
        _check_template_number(values["number"], errors)
        values["fields"] = _template_fields(actor, fields, None, errors)
        clean.raise_if(errors)
        template = ProductTemplate(created_by=clean.signed_in(actor), **values)
        _save_template(template)
        timeline.record(actor=actor, obj=template, verb="product_template.created", summary=_("Created the template"))
        outbox.emit("product_template.created", template_id=template.pk, actor_id=_actor_id(actor))
    return template


def update_template(*, actor, template, name=NOT_GIVEN, number=NOT_GIVEN, product_type_id=NOT_GIVEN,
                    warranty_months=NOT_GIVEN, description=NOT_GIVEN, fields=NOT_GIVEN, request=None):
    """Change what is given; `fields` replaces the template's custom values."""
    policy.require(actor, None, "settings")
    with transaction.atomic():
        template = _locked_template(template)
        errors, changes = {}, {}
        if name is not NOT_GIVEN:
            changes["name"] = clean.text(name, 100, "name", errors, required=True)
        if number is not NOT_GIVEN:
            changes["number"] = clean.text(number, TEMPLATE_NUMBER_LIMIT, "number", errors, required=True)
            _check_template_number(changes["number"], errors, exclude_pk=template.pk)
        if product_type_id is not NOT_GIVEN:
            changes["product_type"] = _product_type(product_type_id, errors)
        if warranty_months is not NOT_GIVEN:
            changes["warranty_months"] = _warranty_months(warranty_months, errors)
        if description is not NOT_GIVEN:
            changes["description"] = clean.text(description, 2000, "description", errors)
        new_fields = None if fields is NOT_GIVEN else _template_fields(actor, fields, template.fields, errors)
        clean.raise_if(errors)
        _write_template(actor, template, changes, new_fields)
    return template


def _write_template(actor, template, changes, new_fields, *, summary=None):
    before, before_fields = timeline.snapshot(template, TEMPLATE_TRACKED), dict(template.fields or {})
    for name, value in changes.items():
        setattr(template, name, value)
    if new_fields is not None:
        template.fields = new_fields
    _save_template(template)
    recorded = timeline.diff(template, before, TEMPLATE_TRACKED)
    if new_fields is not None:
        recorded += forms_engine.diff_values(schema(), before_fields, template.fields)
    if recorded:
        timeline.record(actor=actor, obj=template, verb="product_template.updated",
                        summary=summary or _("Edited the template"), changes=recorded)
        outbox.emit("product_template.updated", template_id=template.pk, actor_id=_actor_id(actor))


def batch_update_templates(*, actor, templates, product_type_id=NOT_GIVEN, warranty_months=NOT_GIVEN,
                           request=None):
    policy.require(actor, None, "settings")
    errors, changes = {}, {}
    if product_type_id is not NOT_GIVEN:
        changes["product_type"] = _product_type(product_type_id, errors)
    if warranty_months is not NOT_GIVEN:
        changes["warranty_months"] = _warranty_months(warranty_months, errors)
    if not changes and not errors:
        errors["product_type_id"] = [_("Choose what to change.")]
    clean.raise_if(errors)
    with transaction.atomic():
        locked = [_locked_template(template) for template in templates]
        for template in locked:
            _write_template(actor, template, changes, None, summary=_("Batch edit"))
    return len(locked)


def delete_templates(*, actor, templates, request=None):
    """Delete templates; products made from them keep their values."""
    policy.require(actor, None, "settings")
    with transaction.atomic():
        locked = [_locked_template(template) for template in templates]
        for template in locked:
            log(SystemLog.Kind.DELETE, user=actor, request=request,
                action=_("Deleted product template %(name)s (%(number)s)")
                % {"name": template.name, "number": template.number},
                detail={"object": "product_template", "id": template.pk, "name": template.name})
            outbox.emit("product_template.deleted", template_id=template.pk, actor_id=_actor_id(actor))
            template.delete()
    return len(locked)


def _locked_template(template):
    locked = ProductTemplate.objects.select_for_update().filter(pk=getattr(template, "pk", template)).first()
    if locked is None:
        raise NotFound()
    return locked


# === settings (PRD-09) ========================================================================================

def update_product_settings(*, actor, values, request=None):
    """产品管理设置: only the product.* settings, logged as a settings change."""
    unknown = [key for key in values if not key.startswith("product.")]
    if unknown:
        raise ValidationFailed(details={key: [_("Unknown setting.")] for key in unknown})
    return update_settings(actor=actor, values=values, request=request, permission="product.settings")
