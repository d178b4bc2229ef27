from django.conf import settings

from .navigation import menu_for, shell_values
from .subscription import is_expired


def shell(request):
    """What the console shell needs on every page: menu, company, and the apps' shell values."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGES": settings.LANGUAGES}
    return {
        "nav_menu": menu_for(user, request.path),
        **shell_values(request),  # registered by their apps: unread_notifications, work_status_choices
        "company": request.tenant,
        "subscription_expired": is_expired(request.tenant),
        "LANGUAGES": settings.LANGUAGES,
    }
