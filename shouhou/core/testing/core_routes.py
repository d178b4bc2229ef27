"""Isolation-walk declarations of core's own routes and data (see core/testing/isolation.py).

The form designer and the form-schemas API take a form target ("customer", "workorder_type:7"),
not an object id, so the walk cannot fill them with company B's ids; they are checked separately
in core/tests/test_designer.py (company A's designer and API never show B's definitions, and B's
work-order type ids are 404s).
"""

from shouhou.core.testing.isolation import populator, public_route, route_params


@populator
def form_schemas(tenant, owner, marker):
    from shouhou.core.forms_engine import get_schema, save_schema

    level = {"label": f"{marker}客户等级", "kind": "select", "options": [f"{marker}A", f"{marker}B"]}
    save_schema(actor=owner, target="customer", permission="customer.settings",
                fields=[*get_schema("customer").fields, level])


public_route("core:form_designer", "core:form_designer_preview", "core:form_designer_save",
             "api:forms_get_form_schema", "api:forms_save_form_schema")


@populator
def stored_files(tenant, owner, marker):
    import secrets

    from shouhou.core.models import StoredFile

    StoredFile.all_tenants.create(tenant=tenant, key=secrets.token_urlsafe(24), path=f"private/t{tenant.pk}/x.pdf",
                                  name=f"{marker}.pdf", size=1, committed=True, created_by=owner)


# /files/<key> and the legacy /media/<path> take a key or a path, not an id: the walk's made-up values
# are 404s; core/tests/test_private_files.py checks another company's real file addresses.
route_params("files:file", key="core.StoredFile")
route_params("legacy_media", path="core.StoredFile")
