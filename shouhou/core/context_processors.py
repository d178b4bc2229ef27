from django.conf import settings

from .navigation import menu_for
from .subscription import is_expired

# name -> value(request): what apps add to every console page (the header's work-status menu, the bell's
# count), registered with register_shell_value when the app is ready
_SHELL_VALUES = {}


def register_shell_value(name, value):
    """Put `value(request)` in every signed-in page's context as `name`. Keep it to values loaded with the
    session (accounts.sessions.register_preload), so a page pays no statement for its header."""
    _SHELL_VALUES[name] = value


def shell(request):
    """What the console shell needs on every page: menu, company, and the apps' shell values."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"LANGUAGES": settings.LANGUAGES}
    return {
        "nav_menu": menu_for(user, request.path),
        "company": request.tenant,
        "subscription_expired": is_expired(request.tenant),
        "LANGUAGES": settings.LANGUAGES,
        **{name: value(request) for name, value in _SHELL_VALUES.items()},
    }
