"""The console kit's dialogs: how a form in a Bootstrap modal is answered, shared by every app.

A dialog is loaded into #modal by htmx and posts back to itself. Opened without htmx (a link opened
in a new tab, no JavaScript) the same fragment stands inside a console page: the fragment's app's
`<app>/modal_page.html` when it has one (its CSS and scripts), else core/kit/modal_page.html.

    form = TeamForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_team(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_error(form, exc)
        else:
            return finished(request)
    return render_modal(request, "accounts/team_form.html", {"form": form, "title": ...})
"""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from .bounds import parse_id
from .errors import NotFound
from .http import back
from .permissions import has_perm

DEFAULT_PAGE = "core/kit/modal_page.html"


def render_modal(request, template, context, status=200, page=None):
    """A dialog: only the fragment for htmx (it goes into #modal), else the fragment inside a page.

    htmx does not swap 4xx answers, so a form with errors goes back to it as a 200.
    """
    if request.htmx:
        return render(request, template, context)
    page = page or [f"{template.split('/')[0]}/modal_page.html", DEFAULT_PAGE]
    return render(request, page, {**context, "fragment": template, "as_page": True}, status=status)


def finished(request, url=None):
    """After a successful dialog or action: go to `url`, or reload the page the user is on."""
    if request.htmx:
        return HttpResponseClientRedirect(url) if url else HttpResponseClientRefresh()
    return HttpResponseRedirect(url) if url else back(request)


def show_error(form, exc):
    """A service refusal on the form; a missing object stays a 404."""
    if isinstance(exc, NotFound):
        raise exc
    form.add_domain_error(exc)


def can(user, *codes):
    """The actor's permissions for a template: {"workorder_assign": True, ...}."""
    return {code.replace(".", "_"): has_perm(user, code) for code in codes}


def int_list(values):
    """The ids among posted values (a hand-edited non-number, or one past 64 bits, is dropped, not an error)."""
    return [number for number in map(parse_id, values) if number is not None]


def url_or_empty(name, *args, **kwargs):
    """The URL of a page another app provides, or "" while it does not exist (its button is hidden)."""
    try:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    except NoReverseMatch:
        return ""


def permitted_url(user, perm, name, *args, **kwargs):
    """The URL of another module's page only for a user whose role may open it, else "" — the page shows
    plain text instead of a link that ends in 403 (issue 15: no dead ends)."""
    if not has_perm(user, perm):
        return ""
    return url_or_empty(name, *args, **kwargs)
