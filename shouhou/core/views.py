from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from .lists import PAGE_SIZES
from .models import ListPreference
from .navigation import counters_for, panels_for


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
    """Remember the column choice (and page size) of one list for this user."""
    key = request.POST.get("list_key", "")[:80]
    columns = [c[:80] for c in request.POST.getlist("columns")][:60]
    if key:
        defaults = {"columns": columns}
        page_size = request.POST.get("page_size")
        if page_size and page_size.isdigit() and int(page_size) in PAGE_SIZES:
            defaults["page_size"] = int(page_size)
        ListPreference.objects.update_or_create(user=request.user, list_key=key, defaults=defaults)
    return HttpResponseRedirect(safe_next(request, "/"))


def safe_next(request, default):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return default
