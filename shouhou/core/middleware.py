from django.utils import translation

from .tenancy import activate, deactivate


class TenantMiddleware:
    """Activates the signed-in user's company for the request; anonymous requests have none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        tenant = None
        if user is not None and user.is_authenticated:
            tenant = user.tenant
        request.tenant = tenant
        token = activate(tenant)
        try:
            return self.get_response(request)
        finally:
            deactivate(token)


class LanguageMiddleware:
    """Chinese unless the user chose otherwise (language cookie, then their profile).

    Unlike Django's LocaleMiddleware the browser's Accept-Language is not consulted: the product is
    Chinese by default, whatever the browser was set up with.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings

        supported = dict(settings.LANGUAGES)
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        user = getattr(request, "user", None)
        if language not in supported and user is not None and user.is_authenticated:
            language = user.language
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
