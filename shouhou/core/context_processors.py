from django.conf import settings

from .navigation import menu_for
from .subscription import is_expired


def shell(request):
    """What the console shell needs on every page: menu, unread count, work statuses."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGES": settings.LANGUAGES}
    from shouhou.accounts.queries import work_statuses
    from shouhou.messaging.queries import unread_count

    return {
        "nav_menu": menu_for(user, request.path),
        "unread_notifications": unread_count(user),
        "work_status_choices": list(work_statuses()),
        "company": request.tenant,
        "subscription_expired": is_expired(request.tenant),
        "LANGUAGES": settings.LANGUAGES,
    }
