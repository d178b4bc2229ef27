"""Reading and saving form schemas (architecture §4: every write through a service function).

Apps that own a form register its target once (in their AppConfig.ready or permissions module):

    register_target("customer", label=_("Customer"), system_fields=[
        {"key": "name", "label": _("Customer name"), "kind": "text", "required": True},
        {"key": "phone", "label": _("Phone"), "kind": "phone"},
    ])

System fields are the record's real columns: the designer shows them locked and they set the
order, but their values are not custom values. Targets with an id ("workorder_type:<id>") register
by their prefix ("workorder_type").
"""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import outbox, timeline
from shouhou.core.errors import Conflict, ValidationFailed
from shouhou.core.permissions import require

from .definitions import (
    KEY_RE,
    MAX_FIELDS,
    DefinitionErrors,
    FieldDef,
    ParsedSchema,
    check_flags,
    new_key,
    normalize_definition,
)
from .kinds import KINDS
from .models import FormSchema

TARGET_RE = re.compile(r"^[a-z][a-z_]{1,40}(?::[A-Za-z0-9_-]{1,40})?$")
# gettext_lazy by its own name: makemessages extracts only the standard keywords, not an alias like _lazy
PROPERTY_LABELS = {
    "label": gettext_lazy("Title"), "kind": gettext_lazy("Type"), "required": gettext_lazy("Required"),
    "help": gettext_lazy("Description"), "placeholder": gettext_lazy("Placeholder"),
    "options": gettext_lazy("Options"), "multiple": gettext_lazy("Several values"),
    "searchable": gettext_lazy("Searchable"), "show_in_list": gettext_lazy("Shown in list"),
    "rules": gettext_lazy("Rules"),
}


@dataclass
class Target:
    prefix: str
    label: str
    system_fields: list = field(default_factory=list)


TARGETS: dict[str, Target] = {}


def register_target(prefix, *, label, system_fields=()):
    """Declare a form target; `system_fields` are definitions (labels may be lazy translations)."""
    for definition in system_fields:
        if definition.get("kind") not in KINDS or not KEY_RE.match(definition.get("key", "")):
            raise ValueError(f"invalid system field {definition!r} for {prefix}")
    TARGETS[prefix] = Target(prefix, label, [dict(d) for d in system_fields])
    return TARGETS[prefix]


def _check_target(target):
    if not isinstance(target, str) or not TARGET_RE.match(target):
        raise ValueError(f"invalid form target {target!r}")


def _registered_system_fields(target):
    """The target's system field definitions, labels in the current language."""
    registered = TARGETS.get(target.split(":", 1)[0])
    definitions = registered.system_fields if registered else []
    return [FieldDef.from_dict({**d, "label": str(d.get("label", "")), "help": str(d.get("help", "")),
                                "system": True}).as_dict() for d in definitions]


def target_label(target):
    registered = TARGETS.get(target.split(":", 1)[0])
    return str(registered.label) if registered else target


# --- reading ----------------------------------------------------------------------------------------

def get_schema(target):
    """The active company's schema for `target`, created (with its system fields) on first use."""
    _check_target(target)
    schema = FormSchema.objects.filter(target=target).first()
    if schema is None:
        try:
            with transaction.atomic():
                schema = FormSchema.objects.create(target=target, fields=list(_registered_system_fields(target)))
        except IntegrityError:  # created meanwhile by a concurrent request
            schema = FormSchema.objects.get(target=target)
    _sync_system_fields(schema)
    return schema


def _sync_system_fields(schema):
    """System fields as the code defines them now: current labels (in the request's language), and
    fields registered after the schema was saved appended at its end (until the next save)."""
    registered = {d["key"]: d for d in _registered_system_fields(schema.target)}
    if not registered:
        return
    fields = [registered.get(d.get("key"), d) if d.get("system") else d for d in schema.fields]
    present = {d.get("key") for d in fields}
    fields += [d for key, d in registered.items() if key not in present]
    if fields != schema.fields:
        schema.fields = fields
        schema.__dict__.pop("parsed", None)


def kind_catalogue():
    """Every field kind with its label, palette group, options style and rules (for the designer)."""
    return [impl.describe() for impl in KINDS.values()]


def schema_as_dict(schema):
    """The schema as the API and the designer exchange it."""
    return {
        "target": schema.target,
        "label": target_label(schema.target),
        "version": schema.version,
        "fields": schema.fields,
        "retired_fields": schema.retired_fields,
        "updated_at": schema.updated_at,
    }


def preview_schema(*, target, fields):
    """Check unsaved definitions exactly as `save_schema` would, without saving (the designer's live
    preview): returns a ParsedSchema that `build_form` renders, or raises ValidationFailed."""
    _check_target(target)
    schema = get_schema(target)
    return ParsedSchema(target, _checked_definitions(fields, schema.parsed), list(schema.parsed.retired),
                        schema.version)


# --- saving -----------------------------------------------------------------------------------------

def save_schema(*, actor, target, fields, permission, expected_version=None):
    """Replace the field definitions of `target`; removed fields move to `retired_fields`.

    `permission` is the code guarding this form ("customer.settings", "workorder.type.manage" …).
    `expected_version` (from the designer) makes a concurrent edit a Conflict instead of a loss.
    """
    require(actor, permission)
    _check_target(target)
    with transaction.atomic():
        get_schema(target)
        schema = FormSchema.objects.select_for_update().get(target=target)
        _sync_system_fields(schema)
        if expected_version is not None and expected_version != schema.version:
            raise Conflict(_("Someone else changed this form meanwhile; reload it and try again."))
        old = schema.parsed
        new_fields = _checked_definitions(fields, old)
        retired = _retire(old, new_fields, schema.version)
        changes = _describe_changes(old.fields, new_fields)
        if not changes:
            return schema
        schema.fields = [f.as_dict() for f in new_fields]
        schema.retired_fields = [f.as_dict() for f in retired]
        schema.version += 1
        schema.updated_by = actor
        schema.save()
        schema.__dict__.pop("parsed", None)
        summary = _("Form “%(form)s” changed (version %(version)d)") % {
            "form": target_label(target), "version": schema.version}
        timeline.record(actor=actor, obj=schema, verb="form_schema.saved", summary=summary, changes=changes)
        _log_settings_change(actor, summary, target, schema.version, changes)
        outbox.emit("form_schema.saved", target=target, version=schema.version, actor_id=actor.pk)
    return schema


def _log_settings_change(actor, summary, target, version, changes):
    from shouhou.core.audit import (
        SystemLog,  # the system log (SYS-13) records settings changes
        log,
    )

    log(SystemLog.Kind.SETTINGS, user=actor, action=summary,
        detail={"target": target, "version": version, "changes": changes})


def _checked_definitions(raw_fields, old):
    errors = DefinitionErrors()
    if not isinstance(raw_fields, list):
        errors.add(None, None, _("Send the fields as a list."))
        raise ValidationFailed(details=errors.details)
    if len(raw_fields) > MAX_FIELDS:
        errors.add(None, None, _("A form can have at most %(limit)d fields.") % {"limit": MAX_FIELDS})
        raise ValidationFailed(details=errors.details)
    old_by_key = {f.key: f for f in old.fields}
    retired_by_key = {f.key: f for f in old.retired}
    definitions, keys, labels = [], set(), {}
    for index, raw in enumerate(raw_fields):
        definition = _one_definition(index, raw, old_by_key, retired_by_key, errors)
        if definition is None:
            continue
        if definition.key in keys:
            errors.add(index, "key", _("Another field already uses the key “%(key)s”.") % {"key": definition.key})
        keys.add(definition.key)
        if definition.impl.has_value and definition.label:
            if definition.label in labels:
                errors.add(index, "label", _("Another field already has the title “%(label)s”.")
                           % {"label": definition.label})
            labels[definition.label] = index
        definitions.append(definition)
    for key, missing in old_by_key.items():
        if missing.system and key not in keys:
            errors.add(None, None, _("The system field “%(label)s” cannot be removed.") % {"label": missing.label})
    if errors:
        raise ValidationFailed(details=errors.details)
    return definitions


def _one_definition(index, raw, old_by_key, retired_by_key, errors):
    if isinstance(raw, dict) and raw.get("system"):
        locked = old_by_key.get(str(raw.get("key") or ""))
        if locked is None or not locked.system:
            errors.add(index, "system", _("Only the built-in fields are system fields."))
            return None
        return locked  # system fields are locked: only their position is taken from the input
    definition = normalize_definition(index, raw, errors)
    if definition is None:
        return None
    if not definition.key:
        definition.key = _unused_key(old_by_key, retired_by_key)
    elif not KEY_RE.match(definition.key):
        errors.add(index, "key", _("Use 1–40 lower-case letters, digits and “_”, starting with a letter."))
    check_flags(index, definition, errors)
    earlier = old_by_key.get(definition.key) or retired_by_key.get(definition.key)
    if earlier is not None:
        _check_kind_change(index, definition, earlier, errors)
        definition.retired_options = _retired_options(earlier, definition)
    return definition


def _unused_key(*taken):
    while True:
        key = new_key()
        if not any(key in keys for keys in taken):
            return key


def _check_kind_change(index, definition, earlier, errors):
    """Stored values must stay readable: a field keeps its kind (or a compatible one)."""
    if earlier.system:
        errors.add(index, "key", _("This key belongs to a system field."))
    elif definition.kind != earlier.kind and definition.kind not in earlier.impl.compatible:
        if earlier.retired_at:
            message = _("The key “%(key)s” belonged to a removed field of another type; choose another key.")
        else:
            message = _("The type of an existing field cannot be changed; add a new field instead (key “%(key)s”).")
        errors.add(index, "kind", message % {"key": definition.key})


def _retired_options(earlier, definition):
    """Options dropped from a select keep their labels so stored values still read well."""
    if definition.impl.options_style != "flat":
        return []
    current = set(definition.option_values)
    dropped = [*earlier.retired_options, *(o for o in earlier.options)]
    kept = {}
    for option in dropped:
        if option["value"] not in current:
            kept[option["value"]] = option
    return list(kept.values())


def _retire(old, new_fields, version):
    """Retired definitions after this save: earlier ones not re-added, plus fields removed now."""
    new_keys = {f.key for f in new_fields}
    retired = [f for f in old.retired if f.key not in new_keys]
    retired_keys = {f.key for f in retired}
    now = timezone.now().isoformat(timespec="seconds")
    for removed in old.fields:
        if removed.key not in new_keys and removed.has_value and removed.key not in retired_keys:
            removed.retired_at = now
            retired.append(removed)
    return retired


def _describe_changes(old_fields, new_fields):
    """Timeline changes: fields added, removed, changed (which properties), and reordering."""
    old_by_key = {f.key: f for f in old_fields}
    new_by_key = {f.key: f for f in new_fields}
    changes = []
    for definition in new_fields:
        before = old_by_key.get(definition.key)
        if before is None:
            changes.append(_change(definition, "", _("added (%(kind)s)") % {"kind": definition.impl.label}))
            continue
        changed = [name for name in PROPERTY_LABELS if getattr(before, name) != getattr(definition, name)]
        if changed:
            changes.append(_change(definition, _describe(before, changed), _describe(definition, changed)))
    for definition in old_fields:
        if definition.key not in new_by_key:
            changes.append(_change(definition, definition.label or definition.impl.label, _("removed")))
    common_old = [f.key for f in old_fields if f.key in new_by_key]
    common_new = [f.key for f in new_fields if f.key in old_by_key]
    if common_old != common_new:
        changes.append({"field": "order", "label": _("Field order"), "old": _titles(old_fields, common_old),
                        "new": _titles(new_fields, common_new)})
    return changes


def _change(definition, old, new):
    return {"field": definition.key, "label": definition.label or str(definition.impl.label),
            "old": str(old), "new": str(new)}


def _describe(definition, names):
    parts = []
    for name in names:
        value = getattr(definition, name)
        if name == "options":
            value = ", ".join(_option_labels(value))
        elif isinstance(value, bool):
            value = "✓" if value else "✗"
        parts.append(f"{PROPERTY_LABELS[name]}: {value}")
    return "; ".join(parts)[:500]


def _option_labels(options):
    for option in options:
        yield option["label"]
        if option.get("children"):
            yield from (f"{option['label']}/{child}" for child in _option_labels(option["children"]))


def _titles(fields, keys):
    by_key = {f.key: f for f in fields}
    return " → ".join(by_key[k].label or by_key[k].kind for k in keys)[:500]
