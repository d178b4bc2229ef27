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
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)  # an API token may change it
        return response


class SubscriptionMiddleware:
    """An expired company's console and phone writes are refused with a clear message (core.subscription);
    the API refuses them in its authentication, where the caller is known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from .errors import SubscriptionExpired
        from .subscription import refuses_view

        if request.path.startswith("/api/") or not refuses_view(request, view_func):
            return None
        error = SubscriptionExpired()
        if _wants_json(request):  # the pages' scripts (designer save, reordering) read a JSON answer
            from django.http import JsonResponse

            return JsonResponse(error.as_dict(), status=error.status)
        from .http import refusal_response

        return refusal_response(request, error)


def _wants_json(request):
    return ("application/json" in request.headers.get("Accept", "")
            or request.headers.get("X-Requested-With") == "XMLHttpRequest")


class DomainErrorMiddleware:
    """The one place a DomainError escaping a console or phone view becomes an answer (core/http.py):
    NotFound → 404, PermissionDenied → 403, anything else → the message flashed and back to the page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from .http import domain_error_response

        return domain_error_response(request, exception)


class ApiErrorEnvelopeMiddleware:
    """Every error under /api/ is the API's JSON envelope `{"code", "message", "details"}`, also those
    that django-ninja and Django answer in HTML or plain text before an endpoint runs: a method the
    path does not allow (405, its `Allow` header kept), a CSRF refusal, a body over the size limit."""

    CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
             413: "request_too_large", 415: "unsupported_media_type", 500: "server_error"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (request.path.startswith("/api/") and response.status_code >= 400
                and not response.get("Content-Type", "").startswith("application/json")):
            return self._envelope(response)
        return response

    def _envelope(self, response):
        from django.http import JsonResponse

        from .api_messages import status_message

        status = response.status_code
        envelope = JsonResponse({"code": self.CODES.get(status, "error"), "message": status_message(status),
                                 "details": {}}, status=status)
        for header in ("Allow", "Retry-After", "Content-Language", "Vary"):
            if header in response:
                envelope[header] = response[header]
        return envelope
