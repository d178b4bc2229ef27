"""Shared pieces of the custom-field engine tests (test_forms_engine.py, test_forms_engine_builders.py):
the field-definition shorthand, option lists, (their fixtures `media` and `offline_company` are in conftest.py)."""

import io

from PIL import Image

from shouhou.core.errors import ValidationFailed
from shouhou.core.forms_engine import as_parsed, validate_values

PERMISSION = "customer.settings"
COLORS = [{"value": "red", "label": "红色"}, {"value": "blue", "label": "蓝色"}, {"value": "green", "label": "绿色"}]
REGIONS = [
    {"value": "gd", "label": "广东", "children": [
        {"value": "sz", "label": "深圳", "children": [{"value": "ns", "label": "南山"}]},
        {"value": "gz", "label": "广州"},
    ]},
    {"value": "bj", "label": "北京"},
]


def one(kind, key="f", **props):
    return {"key": key, "label": props.pop("label", key.upper()), "kind": kind, **props}


def schema_of(*definitions):
    return as_parsed(list(definitions))


def check(definition, value, **kwargs):
    """The stored value of one field, or the messages it was refused with."""
    try:
        return validate_values(schema_of(definition), {definition["key"]: value}, **kwargs)[definition["key"]]
    except ValidationFailed as exc:
        return [str(m) for m in exc.details[definition["key"]]]


def refused(definition, value, fragment, **kwargs):
    result = check(definition, value, **kwargs)
    assert isinstance(result, list) and any(fragment in m for m in result), result
    return result


def png_bytes(size=(4, 4), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, fmt)
    return buffer.getvalue()
