"""API authentication: Bearer personal tokens and the console session. Both activate the tenant."""

from django.conf import settings
from django.utils import timezone, translation
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


class BearerTokenAuth(HttpBearer):
    def authenticate(self, request, token):
        from shouhou.accounts.models import ApiToken
        from shouhou.accounts.services import hash_token

        row = (
            ApiToken.all_tenants.select_related("user", "user__tenant")
            .filter(key_hash=hash_token(token or ""))
            .first()
        )
        if row is None or not row.user.is_active or not row.user.tenant.is_active:
            return None
        if row.expires_at and row.expires_at < timezone.now():
            return None
        if row.last_used_at is None or (timezone.now() - row.last_used_at).total_seconds() > 60:
            ApiToken.all_tenants.filter(pk=row.pk).update(last_used_at=timezone.now())
        return _activate_user(request, row.user)


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
