"""Sessions that load their signed-in user in the same statement (SESSION_ENGINE = "shouhou.accounts.sessions").

Every console and phone page needs the session, the user, the user's company (whose `grants_version` keys
the grants cache, core.permissions) and the header's values (the work-status menu, the unread count).
Django reads them one statement each. Here the session row carries its user's id (`accounts.Session.user`,
written whenever the session is saved), so the session is read joined with the user, the company and the
user's work status, with the header's values as subqueries: one statement per request.

Nothing is cached across requests: the row is read afresh each time, so a deactivated user, a disabled
company, a changed role (grants_version) or password (the session hash Django checks) takes effect on the
next request as before. The joined user is only offered to `PhoneOrEmailBackend.get_user` for the request
being authenticated (`AuthenticationMiddleware`), and only when its id is the one the session names;
otherwise the backend reads the user itself.

Other apps add their header values with `register_preload(name, expression)`: `expression()` gives a query
expression over the session row (`OuterRef("user_id")`, `OuterRef("user__tenant_id")`); the value is in
`preloaded(user, name, default)` for that request (the values are `user.session_preloads`, a dict, which
core reads without importing this module: core.lists takes the list preferences from it).
"""

import functools
import json
import logging
from contextvars import ContextVar

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.sessions.backends.db import SessionStore as DBStore
from django.core.exceptions import SuspiciousOperation
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.aggregates import StringAgg
from django.db.models.functions import Cast, JSONObject
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

_PRELOADS = {}
# the session store of the request being authenticated, while Django's auth.get_user runs
_authenticating = ContextVar("shouhou_authenticating_session", default=None)


def register_preload(name, expression):
    """Load `expression()` with every session (a header value); read it with `preloaded(user, name)`."""
    _PRELOADS[name] = expression
    _joined_read.cache_clear()


@functools.cache
def _joined_read():
    """The session query with its joins and subqueries, built once per process (building the subqueries'
    querysets on every request was a measurable part of the read); each request filters a clone."""
    from .models import Session

    return Session.objects.select_related("user__tenant", "user__work_status").annotate(
        **{"preload_" + name: expression() for name, expression in _PRELOADS.items()})


def preloaded(user, name, default=None):
    """The value `name` loaded with the session of this request's user, or `default` when the user was not
    loaded that way (API tokens, tests that build users, a session saved before its user was known)."""
    return getattr(user, "session_preloads", {}).get(name, default)


class SessionStore(DBStore):
    @classmethod
    def get_model_class(cls):
        from .models import Session

        return Session

    def _get_session_from_db(self):
        self.signed_in_user = None
        session = self._read_joined()
        if session is None or session.user is None:
            return session
        user = session.user
        user.session_preloads = {name: getattr(session, "preload_" + name) for name in _PRELOADS}
        self.signed_in_user = user
        return session

    def _read_joined(self):
        """Django's read (DBStore._get_session_from_db) with the user, company and header values joined in."""
        try:
            return _joined_read().get(session_key=self.session_key, expire_date__gt=timezone.now())
        except (self.model.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return None

    def create_model_instance(self, data):
        session = super().create_model_instance(data)
        user_id = data.get(SESSION_KEY)
        session.user_id = int(user_id) if user_id is not None and str(user_id).isdigit() else None
        return session


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, but `request.user` may be the user the session read brought along (see the module)."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))


def _get_user(request):
    token = _authenticating.set(request.session)
    try:
        return auth.get_user(request)  # Django's checks: the backend, the session hash
    finally:
        _authenticating.reset(token)


def user_loaded_with_session(user_id):
    """The user the current request's session read loaded, when it is `user_id` (see the module)."""
    session = _authenticating.get()
    user = getattr(session, "signed_in_user", None)
    if user is None or str(user.pk) != str(user_id):
        return None
    return user


def _work_statuses():
    """The company's work statuses as one JSON text (the header's work-status menu)."""
    from .models import WorkStatus

    row = Cast(JSONObject(id=F("id"), name=F("name"), color=F("color"), sort_order=F("sort_order")), TextField())
    return Subquery(WorkStatus.all_tenants.filter(tenant_id=OuterRef("user__tenant_id")).order_by()
                    .values("tenant_id").annotate(rows=StringAgg(row, Value(","))).values("rows"))


def preloaded_work_statuses(user):
    """The company's work statuses loaded with the session (ordered as `queries.work_statuses`), or None."""
    from .models import WorkStatus

    values = getattr(user, "session_preloads", None)
    if values is None:
        return None
    text = values.get("work_statuses")  # NULL: the company has none
    rows = sorted(json.loads(f"[{text or ''}]"), key=lambda row: (row["sort_order"], row["id"]))
    return [WorkStatus(tenant_id=user.tenant_id, **row) for row in rows]


def _list_preferences():
    """The user's remembered list settings (core.ListPreference) as one JSON text: a handful of rows."""
    from shouhou.core.models import ListPreference

    row = Cast(JSONObject(list_key=F("list_key"), columns=F("columns"), page_size=F("page_size")), TextField())
    return Subquery(ListPreference.all_tenants.filter(tenant_id=OuterRef("user__tenant_id"), user_id=OuterRef("user_id"))
                    .order_by().values("user_id").annotate(rows=StringAgg(row, Value(","))).values("rows"))


register_preload("work_statuses", _work_statuses)
register_preload("list_preferences", _list_preferences)
