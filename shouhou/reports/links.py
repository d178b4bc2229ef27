"""Signed, expiring links to a report's PDF for the customer (`/r/<token>`), who has no account.

The token carries the company, the report, the report's `link_nonce` and the expiry, signed with the
site's secret: a changed token is refused, an expired one answers "expired", and a new nonce (reset from
the report's page) revokes every link sent before.
"""

import time

from django.conf import settings
from django.core import signing
from django.urls import reverse

from shouhou.core import company_settings

SALT = "shouhou.reports.link"
MAX_DAYS = 365


class Expired(Exception):
    pass


def token_for(report, *, now=None):
    days = min(max(int(company_settings.get("reports.link_days")), 1), MAX_DAYS)
    expires = int((now or time.time()) + days * 86400)
    return signing.dumps({"t": report.tenant_id, "r": report.pk, "n": report.link_nonce, "e": expires},
                         salt=SALT, compress=True)


def read(token, *, now=None):
    """{"t", "r", "n", "e"} of a genuine token; raises signing.BadSignature, or Expired past its expiry."""
    payload = signing.loads(token, salt=SALT)
    if not isinstance(payload, dict) or not all(isinstance(payload.get(k), int) for k in ("t", "r", "e")):
        raise signing.BadSignature("malformed")
    if payload["e"] < (now or time.time()):
        raise Expired()
    return payload


def absolute(path, request=None):
    """An absolute address: from the request when there is one, else PUBLIC_BASE_URL (jobs, SMS)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def public_url(report, request=None):
    return absolute(reverse("reports_public:pdf", args=[token_for(report)]), request)
