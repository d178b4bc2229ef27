"""The API face of a schema: a pydantic model of the values, and its JSON Schema.

Schemas differ per company, so endpoints take `fields: dict` and validate it with
`validate_values` (which also checks tenants and files); these models document the shape at
`GET /api/v1/form-schemas/{target}` and give clients a machine-readable contract.
"""

from pydantic import BaseModel, ConfigDict, Field, create_model

from .definitions import as_parsed


class CustomFieldValues(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def api_schema(schema, *, partial=False, name=None):
    """A pydantic model with one attribute per value field (aliased by field key)."""
    parsed = as_parsed(schema)
    attributes = {}
    for field in parsed.value_fields():
        annotation = field.impl.annotation(field)
        required = field.required and not partial
        info = Field(... if required else None, alias=field.key, title=field.label,
                     description=field.help or None)
        attributes[f"f_{field.key}"] = (annotation if required else annotation | None, info)
    model_name = name or _model_name(parsed.target)
    return create_model(model_name, __base__=CustomFieldValues, **attributes)


def json_schema(schema, *, partial=False):
    """The JSON Schema (draft 2020-12, as OpenAPI 3.1 uses) of a schema's values."""
    return api_schema(schema, partial=partial).model_json_schema(by_alias=True)


def _model_name(target):
    words = "".join(ch if ch.isalnum() else " " for ch in target or "form").split()
    return "".join(word.capitalize() for word in words) + "Fields"
