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
            if user.language and not request.COOKIES.get("django_language"):
                translation.activate(user.language)
                request.LANGUAGE_CODE = user.language
        request.tenant = tenant
        token = activate(tenant)
        try:
            return self.get_response(request)
        finally:
            deactivate(token)
