"""Versioned locking of a flow document: the row locked for the transaction, and a Conflict (409) when
the caller's expected version is stale (someone changed the document since it was read)."""

from shouhou.core.errors import Conflict, NotFound


def lock(queryset, pk, expected_version, message):
    """The row of `queryset` with `pk`, locked (SELECT … FOR UPDATE, as the queryset says); NotFound when
    missing; Conflict (`message`, with the current version) when `expected_version` is given and differs."""
    # no ORDER BY / LIMIT (what .first() adds): one row by its key, and ordering the join of the
    # document's related rows cost a millisecond of compiling on every action
    locked = next(iter(queryset.filter(pk=pk).order_by()), None)
    if locked is None:
        raise NotFound()
    if expected_version is not None and int(expected_version) != locked.version:
        raise Conflict(message,
                       details={"version": locked.version})
    return locked
