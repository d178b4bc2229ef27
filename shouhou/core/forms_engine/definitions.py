"""Field definitions: the parsed form of a schema, and the checks `save_schema` runs on new ones."""

import re
import secrets
from dataclasses import dataclass, field
from functools import cached_property

from django.utils.translation import gettext_lazy as _

from .kinds import KINDS

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_FIELDS = 200
MAX_OPTIONS = 500
MAX_TREE_DEPTH = 5
TEXT_LIMITS = {"label": 50, "help": 500, "placeholder": 100}
PROPS = ("key", "label", "kind", "required", "help", "placeholder", "options", "multiple", "searchable",
         "show_in_list", "system", "rules")
FLAGS = ("required", "multiple", "searchable", "show_in_list")


@dataclass
class FieldDef:
    key: str
    kind: str
    label: str = ""
    required: bool = False
    help: str = ""
    placeholder: str = ""
    options: list = field(default_factory=list)
    multiple: bool = False
    searchable: bool = False
    show_in_list: bool = False
    system: bool = False
    rules: dict = field(default_factory=dict)
    retired_options: list = field(default_factory=list)  # options removed later, kept for their labels
    retired_at: str = ""  # set on definitions of removed fields

    @classmethod
    def from_dict(cls, data):
        known = {name: data[name] for name in (*PROPS, "retired_options", "retired_at") if name in data}
        return cls(**known)

    def as_dict(self):
        data = {name: getattr(self, name) for name in PROPS}
        if self.retired_options:
            data["retired_options"] = self.retired_options
        if self.retired_at:
            data["retired_at"] = self.retired_at
        return data

    @property
    def impl(self):
        return KINDS[self.kind]

    @property
    def has_value(self):
        """True for fields whose values the engine stores (not layout, not system columns)."""
        return self.impl.has_value and not self.system

    def rule(self, name):
        if name in self.rules:
            return self.rules[name]
        return self.impl.rules[name].default

    @cached_property
    def option_labels(self):
        """value -> label for select kinds (current options first, then removed ones)."""
        labels = {}
        for option in [*self.retired_options, *self.options]:
            labels[option["value"]] = option["label"]
        return labels

    @cached_property
    def option_values(self):
        return [option["value"] for option in self.options]


@dataclass
class ParsedSchema:
    target: str
    fields: list
    retired: list = field(default_factory=list)
    version: int = 0

    @classmethod
    def from_model(cls, schema):
        return cls(schema.target, [FieldDef.from_dict(d) for d in schema.fields or []],
                   [FieldDef.from_dict(d) for d in schema.retired_fields or []], schema.version)

    @classmethod
    def from_definitions(cls, definitions, target=""):
        return cls(target, [d if isinstance(d, FieldDef) else FieldDef.from_dict(d) for d in definitions])

    def value_fields(self):
        return [f for f in self.fields if f.has_value]

    def get(self, key):
        return next((f for f in self.fields if f.key == key), None)

    def retired_field(self, key):
        return next((f for f in self.retired if f.key == key), None)


def as_parsed(schema):
    """Accept a FormSchema, a ParsedSchema, or a list of already normalized definition dicts.

    Definitions straight from a client (bare option labels, missing keys) go through
    `services.preview_schema` first."""
    if isinstance(schema, ParsedSchema):
        return schema
    if isinstance(schema, (list, tuple)):
        return ParsedSchema.from_definitions(schema)
    return schema.parsed


def new_key():
    return f"f_{secrets.token_hex(3)}"


# --- checking new definitions -----------------------------------------------------------------------

class DefinitionErrors:
    """Collects errors as {"fields.<index>.<property>": [messages]}."""

    def __init__(self):
        self.details = {}

    def add(self, index, prop, message):
        loc = "fields" if index is None else f"fields.{index}.{prop}" if prop else f"fields.{index}"
        self.details.setdefault(loc, []).append(message)

    def __bool__(self):
        return bool(self.details)


def normalize_definition(index, raw, errors):
    """A FieldDef from client input, or None when it cannot be read at all."""
    if not isinstance(raw, dict):
        errors.add(index, None, _("Each field must be an object."))
        return None
    unknown = sorted(set(raw) - set(PROPS))
    for name in unknown:
        errors.add(index, name, _("Unknown property."))
    kind = raw.get("kind")
    if kind not in KINDS:
        errors.add(index, "kind", _("Unknown field type."))
        return None
    definition = FieldDef(key=str(raw.get("key") or "").strip(), kind=kind)
    for name, limit in TEXT_LIMITS.items():
        value = raw.get(name) or ""
        if not isinstance(value, str):
            errors.add(index, name, _("Enter text."))
            continue
        value = value.strip()
        if len(value) > limit:
            errors.add(index, name, _("Ensure this text has at most %(limit)d characters.") % {"limit": limit})
        setattr(definition, name, value)
    for name in (*FLAGS, "system"):
        value = raw.get(name, False)
        if not isinstance(value, bool):
            errors.add(index, name, _("Enter true or false."))
            value = False
        setattr(definition, name, value)
    definition.options = normalize_options(index, raw.get("options"), definition.impl, errors)
    definition.rules = normalize_rules(index, raw.get("rules"), definition.impl, errors)
    return definition


def normalize_options(index, raw, impl, errors):
    if impl.options_style is None:
        if raw:
            errors.add(index, "options", _("This field type has no options."))
        return []
    if not isinstance(raw, list) or not raw:
        errors.add(index, "options", _("Add at least one option."))
        return []
    problems = []
    options = _option_level(raw, tree=impl.options_style == "tree", depth=1, problems=problems)
    if sum(1 for _ in _walk(options)) > MAX_OPTIONS:
        problems.append(_("Too many options (at most %(limit)d).") % {"limit": MAX_OPTIONS})
    for message in dict.fromkeys(str(p) for p in problems):
        errors.add(index, "options", message)
    return options


def _option_level(raw, *, tree, depth, problems):
    options, seen = [], set()
    for item in raw:
        option = _option(item, problems)
        if option is None:
            continue
        if option["value"] in seen:
            problems.append(_("Option “%(value)s” appears twice.") % {"value": option["value"]})
            continue
        seen.add(option["value"])
        children = item.get("children") if isinstance(item, dict) else None
        if children and not tree:
            problems.append(_("Only cascade options can have sub-options."))
        elif children and depth >= MAX_TREE_DEPTH:
            problems.append(_("Cascade options can be at most %(depth)d levels deep.") % {"depth": MAX_TREE_DEPTH})
        elif children:
            if not isinstance(children, list):
                problems.append(_("Sub-options must be a list."))
            else:
                option["children"] = _option_level(children, tree=tree, depth=depth + 1, problems=problems)
        if tree and "/" in option["label"]:
            problems.append(_("Cascade option labels cannot contain “/”."))
        options.append(option)
    return options


def _option(item, problems):
    """{"value", "label"} from a dict or a bare label (whose value is then the label)."""
    if isinstance(item, str):
        item = {"label": item}
    if not isinstance(item, dict):
        problems.append(_("Each option must be text or an object with a label."))
        return None
    label = str(item.get("label") or "").strip()
    value = str(item.get("value") or label).strip()
    if not label or not value:
        problems.append(_("Every option needs a label."))
        return None
    if len(label) > 100 or len(value) > 100:
        problems.append(_("Option labels and values have at most 100 characters."))
        return None
    return {"value": value, "label": label}


def _walk(options):
    for option in options:
        yield option
        yield from _walk(option.get("children", []))


def normalize_rules(index, raw, impl, errors):
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        errors.add(index, "rules", _("Rules must be an object."))
        return {}
    rules = {}
    for name, value in raw.items():
        spec = impl.rules.get(name)
        if spec is None:
            errors.add(index, "rules", _("Unknown rule “%(name)s” for this field type.") % {"name": name})
            continue
        if value is None or value == "":
            continue
        converted, message = _convert_rule(spec, value)
        if message:
            errors.add(index, "rules", f"{spec.label}: {message}")
        else:
            rules[name] = converted
    return rules


def _convert_rule(spec, value):
    """(value, None) or (None, message)."""
    if spec.type is bool:
        return (value, None) if isinstance(value, bool) else (None, _("Enter true or false."))
    if spec.type is list:
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            return None, _("Enter a list of text values.")
        return [v.strip() for v in value], None
    if spec.type is str:
        if not isinstance(value, str):
            return None, _("Enter text.")
        value = value.strip()
        if spec.choices and value not in spec.choices:
            return None, _("Choose one of: %(choices)s.") % {"choices": ", ".join(spec.choices)}
        if spec.max is not None and len(value) > spec.max:
            return None, _("Ensure this text has at most %(limit)d characters.") % {"limit": spec.max}
        return value, None
    return _convert_number_rule(spec, value)


def _convert_number_rule(spec, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None, _("Enter a number.")
    if spec.type is int and not float(value).is_integer():
        return None, _("Enter a whole number.")
    value = int(value) if spec.type is int else float(value)
    if spec.min is not None and value < spec.min:
        return None, _("Ensure this value is at least %(limit)s.") % {"limit": spec.min}
    if spec.max is not None and value > spec.max:
        return None, _("Ensure this value is at most %(limit)s.") % {"limit": spec.max}
    return value, None


def check_flags(index, definition, errors):
    impl = definition.impl
    for prop, message in impl.check_definition(definition):
        errors.add(index, prop, message)
    if not impl.has_value:
        for name in FLAGS:
            if getattr(definition, name):
                errors.add(index, name, _("Layout items hold no value."))
        return
    if not definition.label:
        errors.add(index, "label", _("Enter a title."))
    if definition.multiple and not impl.multiple_allowed:
        errors.add(index, "multiple", _("This field type cannot hold several values."))
    if definition.searchable and not impl.filterable:
        errors.add(index, "searchable", _("This field type cannot be searched."))
