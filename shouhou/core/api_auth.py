"""API authentication: Bearer personal tokens and the console session. Both activate the tenant.

The tokens belong to accounts, above core: it registers the lookup (`register_token_lookup`) in its
AppConfig.ready, so this module needs no import of it.
"""

from django.conf import settings
from django.utils import translation
from ninja.security import APIKeyCookie, HttpBearer

from .subscription import check_api_request
from .tenancy import activate


def _activate_user(request, user):
    request.user = user
    request.tenant = user.tenant
    activate(user.tenant)  # TenantMiddleware resets the context var after the response
    _activate_language(request, user)
    check_api_request(request, user.tenant)  # 403 subscription_expired for an expired company's writes
    return user


def _activate_language(request, user):
    """A token's user gets their profile language as a console user does (LanguageMiddleware ran
    before the token was read); the language cookie still wins."""
    supported = dict(settings.LANGUAGES)
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) in supported or user.language not in supported:
        return
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language


_token_lookup = None  # token -> its enabled user, or None (accounts.services.user_for_token)


def register_token_lookup(lookup):
    """Who a Bearer token belongs to: `lookup(token)` returns the user, or None to refuse it."""
    global _token_lookup
    _token_lookup = lookup


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = _token_lookup(token or "") if _token_lookup is not None else None
        if user is None:
            return None
        return _activate_user(request, user)


class SessionAuth(APIKeyCookie):
    """The console's session cookie; CSRF is checked for unsafe methods."""

    param_name = "sessionid"

    def __init__(self):
        super().__init__(csrf=True)

    def _get_key(self, request):
        # No session cookie: not this scheme (e.g. a bad Bearer token) -> 401, not a CSRF failure.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # The real User, not AuthenticationMiddleware's lazy proxy: services call type(user).
            return _activate_user(request, getattr(user, "_wrapped", user))
        return None
