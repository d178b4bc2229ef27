"""No dead ends (issue 15): the 404 page of the console and the phone says what happened and offers a way back.

Every `Http404` of a console or phone page ends here (`config/urls.py` names `page_not_found` as
`handler404`; core.http turns a `NotFound` escaping a view into one), so every detail, edit and action page
of every module gets it without asking. The page keeps status 404 and, by default, says only "该记录已删除或
您无权查看": another company's object stays indistinguishable from a missing one.

A module may say more about *its own company's* objects through `register_explainer`: the work orders say
"该工单已转派给他人" to a user who was the order's assignee or collaborator before it was transferred away.
An explainer sees the signed-in user and the URL's arguments and answers a message or None; it must look only
inside the user's company (TenantModel managers do) so that nothing about other companies leaks.

A surface registers where its pages live (`register_surface`): the phone (/m/) renders its own page with its
own way home; the console is the default. API paths are left to the API's JSON envelope (unchanged).

A 403 (`handler403` = `permission_denied`) is the same page on the same surface with the same ways back
(返回列表 / 返回首页), saying the role may not open it.
"""

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy

GONE_MESSAGE = gettext_lazy("This record has been deleted or you may not view it.")
DENIED_MESSAGE = gettext_lazy("You do not have permission to open this page.")

_explainers = {}  # url name ("workorders:detail") -> (kwarg, explain(user, value) -> message | None)


@dataclass(frozen=True)
class Surface:
    prefix: str
    template: str
    home: str


_surfaces = []
CONSOLE = Surface(prefix="/", template="core/gone.html", home="/")


def register_explainer(url_names, kwarg, explain):
    """`explain(user, value)` for the pages named `url_names` whose URL argument `kwarg` is `value`."""
    for name in url_names:
        _explainers[name] = (kwarg, explain)


def register_surface(prefix, *, template, home):
    """Pages under `prefix` get their dead-end page from `template`, with `home` as the way home."""
    global _surfaces
    _surfaces = sorted([*(s for s in _surfaces if s.prefix != prefix), Surface(prefix, template, home)],
                       key=lambda s: -len(s.prefix))


def surface_for(path):
    return next((s for s in _surfaces if path.startswith(s.prefix)), CONSOLE)


def page_not_found(request, exception=None):
    """Django's handler404: the clear page for a signed-in user, the plain one otherwise."""
    user = getattr(request, "user", None)
    if request.path.startswith("/api/"):  # the API's envelope middleware answers in JSON
        return HttpResponse(str(GONE_MESSAGE), status=404, content_type="text/plain; charset=utf-8")
    if user is None or not user.is_authenticated:
        return render(request, "404.html", {"message": GONE_MESSAGE}, status=404)
    message, transferred = explain(request), True
    if not message:
        message, transferred = GONE_MESSAGE, False
    if getattr(request, "htmx", False):  # a dialog or fragment: the message alone (htmx swaps nothing on 404)
        return HttpResponse(str(message), status=404, content_type="text/plain; charset=utf-8")
    surface = surface_for(request.path)
    list_url = list_url_for(request.path, surface)
    return render(request, surface.template, {
        "message": message, "transferred": transferred, "denied": False, "list_url": list_url,
        "home_url": surface.home,
        "tab": "gone",  # the phone shows its tab bar, no tab current
    }, status=404)


def permission_denied(request, exception=None):
    """Django's handler403: the same clear page with a way back (the list above, home), saying the role
    may not open it — the refusal's own translated reason when the service gave one."""
    reason = str(exception or "").strip()
    message = reason if reason and reason != "Forbidden" else str(DENIED_MESSAGE)
    user = getattr(request, "user", None)
    if request.path.startswith("/api/") or getattr(request, "htmx", False):
        return HttpResponse(message, status=403, content_type="text/plain; charset=utf-8")
    if user is None or not user.is_authenticated:
        return render(request, "403.html", {"message": message}, status=403)
    surface = surface_for(request.path)
    return render(request, surface.template, {
        "message": message, "transferred": False, "denied": True,
        "list_url": list_url_for(request.path, surface), "home_url": surface.home, "tab": "gone",
    }, status=403)


def explain(request):
    """The registered explanation for this URL, or None (also when the explainer itself finds nothing)."""
    match = getattr(request, "resolver_match", None)
    if match is None or match.view_name not in _explainers:
        return None
    kwarg, explainer = _explainers[match.view_name]
    value = match.kwargs.get(kwarg)
    if value is None or getattr(request, "tenant", None) is None:
        return None
    return explainer(request.user, value)


def list_url_for(path, surface):
    """The nearest page above `path` that is a list (no id in it and a page of its own), else None: from
    /customers/12/contacts/5/edit/ that is /customers/, from /m/orders/7/ it is /m/orders/."""
    parts = [p for p in path.split("/") if p]
    for end in range(len(parts) - 1, 0, -1):
        candidate = "/" + "/".join(parts[:end]) + "/"
        if any(any(ch.isdigit() for ch in part) for part in parts[:end]) or candidate == surface.home:
            continue
        try:
            resolve(candidate)
        except Resolver404:
            continue
        return candidate
    return None
