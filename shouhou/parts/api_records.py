"""The create / get / update / delete routes of a parts record (service items, pricing rules), declared
once: each record names its schemas, its query and its services (issue 11)."""

from ninja import Status

from shouhou.core.api_types import Id
from shouhou.core.api_utils import ERRORS, idempotent

from . import queries, services


def listed(found, filters, search):
    """`found` narrowed by the list's `q` (any of the `search` lookups) and `enabled` filters."""
    from django.db.models import Q

    if filters.q:
        condition = Q()
        for lookup in search:
            condition |= Q(**{lookup: filters.q})
        found = found.filter(condition)
    if filters.enabled is not None:
        found = found.filter(enabled=filters.enabled)
    return found


def record_routes(router, *, name, out, create_in, patch_in, argument, nullable=()):
    """POST "" (201, idempotent), GET / PATCH / DELETE "/{record_id}" of the record `name`: the query
    `queries.get_<name>(actor, pk)` and the services `create_<name>`, `update_<name>` (the record as
    `argument`) and `delete_<name>`. PATCH changes the fields sent; a null clears only the `nullable`
    ones (others are ignored)."""
    lookup = getattr(queries, f"get_{name}")
    label = name.replace("_", " ")

    @router.post("", response={201: out, **ERRORS}, operation_id=f"create_{name}", url_name=f"parts_create_{name}",
                 summary=f"Create {label}")
    @idempotent(out)
    def create(request, payload: create_in):
        return Status(201, getattr(services, f"create_{name}")(actor=request.auth, **payload.dict()))

    @router.get("/{int:record_id}", response={200: out, **ERRORS}, operation_id=f"get_{name}",
                url_name=f"parts_get_{name}", summary=f"Get {label}")
    def get(request, record_id: Id):
        return lookup(request.auth, record_id)

    @router.patch("/{int:record_id}", response={200: out, **ERRORS}, operation_id=f"update_{name}",
                  url_name=f"parts_update_{name}", summary=f"Update {label}")
    def update(request, record_id: Id, payload: patch_in):
        record = lookup(request.auth, record_id)
        changes = {key: value for key, value in payload.dict(exclude_unset=True).items()
                   if value is not None or key in nullable}
        return getattr(services, f"update_{name}")(actor=request.auth, **{argument: record}, **changes)

    @router.delete("/{int:record_id}", response={204: None, **ERRORS}, operation_id=f"delete_{name}",
                   url_name=f"parts_delete_{name}", summary=f"Delete {label}")
    def delete(request, record_id: Id):
        getattr(services, f"delete_{name}")(actor=request.auth, **{argument: lookup(request.auth, record_id)})
        return Status(204, None)
