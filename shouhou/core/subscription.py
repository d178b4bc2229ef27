"""试用已到期: a company past `Tenant.expires_at` may still sign in, read and export its data, but may not
change it until an operator extends it (`manage.py extend_company <slug> --until …`).

Checked centrally, at the two doors every write of a company's user comes through:
- `SubscriptionMiddleware` refuses console and phone requests that are not GET/HEAD/OPTIONS (exports are
  GETs) unless the view is marked `@allowed_when_expired` (sign-out, own password, language, work status);
- the API's authentication (`core.api_auth`) refuses the same methods with 403 `subscription_expired`,
  except the API's own-account paths below.
Background jobs are started by such requests (imports), so they are refused with them; a job queued
before the expiry that runs after it is stopped by `require_active` in the job itself.
Anonymous requests (sign-in, the public QR and survey pages, sign-up) have no company and are not checked.
"""

from django.utils import timezone

from .errors import SubscriptionExpired

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# Django's own view for the language menu: it cannot carry the decorator
ALLOWED_VIEW_NAMES = frozenset({"set_language"})
# the API's own-account writes: sign out, language and work status, password
ALLOWED_API_WRITES = frozenset({("POST", "/api/v1/auth/logout"), ("PATCH", "/api/v1/me"),
                                ("POST", "/api/v1/me/password")})


def is_expired(tenant, now=None):
    return tenant is not None and tenant.expires_at is not None and tenant.expires_at <= (now or timezone.now())


def require_active(tenant):
    """Raise SubscriptionExpired (403) when the company's subscription has expired."""
    if is_expired(tenant):
        raise SubscriptionExpired()


def allowed_when_expired(view):
    """Mark a view that writes only the user's own session or account: it works after expiry too."""
    view.allowed_when_expired = True
    return view


def refuses_view(request, view_func):
    """True when this console/phone request is a write an expired company may not make."""
    if request.method in READ_METHODS or not is_expired(getattr(request, "tenant", None)):
        return False
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in ALLOWED_VIEW_NAMES:
        return False
    return not getattr(view_func, "allowed_when_expired", False)


def check_api_request(request, tenant):
    """Raise SubscriptionExpired for an API write of an expired company (called once the caller is known)."""
    if request.method in READ_METHODS or (request.method, request.path.rstrip("/")) in ALLOWED_API_WRITES:
        return
    require_active(tenant)
