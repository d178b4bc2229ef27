"""REST API of form schemas (architecture §7, §11): `/api/v1/form-schemas/{target}`.

GET gives the definitions, the field kinds a form may use, and the version; PUT replaces the
definitions. PUT sends the version it started from (`expected_version`): when someone saved in
between it answers 409, and refused definitions answer 400 with errors keyed like
"fields.2.options". Targets: "customer", "product", "workorder_type:<id>", "receipt:<id>",
"component:<id>"; another company's id is a 404.
"""

from datetime import datetime
from typing import Any

from ninja import Router, Schema
from pydantic import Field

from . import forms_engine
from .api_types import Version
from .api_utils import ERRORS
from .designer_targets import resolve_target
from .permissions import has_perm, require

router = Router(tags=["form schemas"])


class KindOut(Schema):
    kind: str
    label: str
    group: str
    has_value: bool
    options: str | None = Field(description='"flat" (select kinds), "tree" (cascade) or null')
    multiple: bool
    filterable: bool
    rules: dict[str, dict[str, Any]]


class FormSchemaOut(Schema):
    target: str
    label: str
    version: int
    fields: list[dict[str, Any]]
    retired_fields: list[dict[str, Any]] = Field(description="removed fields, kept so old values stay readable")
    updated_at: datetime | None
    kinds: list[KindOut]


class FormSchemaIn(Schema):
    fields: list[Any] = Field(description="the ordered field definitions; system fields only move")
    expected_version: Version | None = Field(None, description="the version the edit started from")


def _schema_out(schema):
    return {**forms_engine.schema_as_dict(schema), "kinds": forms_engine.kind_catalogue()}


@router.get("/form-schemas/{target}", response={200: FormSchemaOut, **ERRORS})
def get_form_schema(request, target: str):
    """The form's definitions; readable by whoever may fill in or design the form."""
    design = resolve_target(target)
    if not has_perm(request.auth, design.permission):
        require(request.auth, design.read_permission)
    return _schema_out(forms_engine.get_schema(design.target))


@router.put("/form-schemas/{target}", response={200: FormSchemaOut, **ERRORS})
def save_form_schema(request, target: str, payload: FormSchemaIn):
    """Replace the definitions (removed fields are retired, not lost)."""
    design = resolve_target(target)
    schema = forms_engine.save_schema(actor=request.auth, target=design.target, fields=payload.fields,
                                      permission=design.permission, expected_version=payload.expected_version)
    return _schema_out(schema)
