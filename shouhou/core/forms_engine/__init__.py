"""The custom-field and form engine (architecture §7).

One definition list per form (`FormSchema`, target "customer", "product", "workorder_type:<id>" …)
drives everything a custom field needs. The public API, importable from this package:

    get_schema(target) / save_schema(*, actor, target, fields, permission, expected_version=None)
    preview_schema(*, target, fields) → unsaved ParsedSchema (designer preview; same checks as saving)
    register_target(prefix, *, label, system_fields=()) · kind_catalogue() · schema_as_dict(schema)
    register_reference_kind(kind, resolve, *, label=str, match=None, choices=None, search_url="")
    validate_values(schema, data, *, partial=False, previous=None, error_prefix="") · merge_values
    diff_values(schema, old, new) → timeline changes
    build_form(schema, instance_values=None, *, base=forms.Form, field_prefix="")
    api_schema(schema, *, partial=False) → pydantic model · json_schema(schema)
    list_columns(schema) · filterable_fields(schema) · filter_q(schema, filters, *, column="fields")
    filters_from_params(schema, params)
    display_values(schema, values, *, refs=None) · display_context(schema, values_list)
    excel_columns / excel_headers(schema, *, for_import=False) · parse_excel_row(schema, row)
    export_cell(field, value, refs=None) · export_row(schema, values, *, refs=None)
    store_file(file, *, name, size, content_type) → file reference

Models: `FormSchema`, `CustomFieldsMixin`; migrations: `migration_ops.AddGinIndexIfPostgres`.
Names load lazily, so importing the package from models does not import the whole engine.
"""

from importlib import import_module

_EXPORTS = {
    "get_schema": "services", "save_schema": "services", "register_target": "services",
    "kind_catalogue": "services", "preview_schema": "services", "schema_as_dict": "services",
    "target_label": "services",
    "register_reference_kind": "kinds.references", "References": "kinds.references",
    "validate_values": "values", "merge_values": "values", "diff_values": "values",
    "build_form": "forms",
    "api_schema": "schemas", "json_schema": "schemas",
    "list_columns": "listing", "filterable_fields": "listing", "filter_q": "listing",
    "filters_from_params": "listing",
    "display_values": "display", "display_context": "display",
    "excel_columns": "excel", "excel_headers": "excel", "parse_excel_row": "excel", "export_cell": "excel",
    "export_row": "excel",
    "store_file": "kinds.files",
    "FieldDef": "definitions", "ParsedSchema": "definitions", "as_parsed": "definitions",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
