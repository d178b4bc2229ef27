from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .lists import remember
from .navigation import counters_for, panels_for
from .validators import find_control_character


@login_required
def home(request):
    """首页: the apps' panels (what the user must act on now, today's plan, the figures of his scope), then
    the other modules' figures, each tile labelled by what it counts and linking to the list it counts."""
    return render(request, "core/home.html", {"panels": panels_for(request), "counters": counters_for(request.user)})


@login_required
def help_page(request):
    return render(request, "core/help.html")


@login_required
@require_POST
def list_preferences(request):
    """Remember the column choice (the 列 menu posts save=columns) and/or the page size of one list for this
    user. Ignored quietly when malformed: the user lands back on the list as it was."""
    key = request.POST.get("list_key", "")
    key = key if _clean(key) else ""
    columns = (request.POST.getlist("columns")
               if request.POST.get("save") == "columns" or "columns" in request.POST else None)
    if columns is not None and not all(_clean(c) for c in columns):
        columns = None
    page_size = request.POST.get("page_size") or ""
    page_size = int(page_size) if page_size.isdigit() and len(page_size) < 4 else None
    remember(request.user, key, columns=columns, page_size=page_size)
    return HttpResponseRedirect(safe_next(request, "/"))


def _clean(text):
    """A list key or column key as the list pages send them: short, one line, no control character."""
    return isinstance(text, str) and 0 < len(text) <= 80 and find_control_character(text) is None


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
def regions_children(request):
    """The divisions under ?parent= (empty: the provinces) for the cascading picker, or ?text= split (识别地址)."""
    from django.http import JsonResponse

    from . import regions

    if "text" in request.GET:
        text = request.GET.get("text", "")[:200]
        found = regions.split(text)
        found["options"] = {"city": [n.as_json() for n in regions.children(found["province_code"])]
                            if found["province_code"] else [],
                            "district": [n.as_json() for n in regions.children(found["city_code"])]
                            if found["city_code"] else []}
        return JsonResponse(found)
    parent = request.GET.get("parent", "")[:6]
    return JsonResponse({"results": [node.as_json() for node in regions.children(parent)]})
