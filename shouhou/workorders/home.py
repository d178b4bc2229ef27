"""The work-order panel of the console home page (issue 15): what the signed-in user must act on now, today's
plan and the figures of his data scope, each tile linking to the list filtered to exactly what it counts.
Three statements: the figures (queries.home.figures), the approvals waiting for him, today's plan."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import has_perm

from .queries import approvals as approval_queries
from .queries import home as home_queries


def _tile(key, label, value, url, icon, tone=""):
    return {"key": key, "label": label, "value": value, "url": url, "icon": icon,
            "tone": tone if value else ""}


def panel(request):
    user = request.user
    if not has_perm(user, "workorder.view"):
        return None
    now = timezone.now()
    figures = home_queries.figures(user, now)
    which = home_queries.attention_set(user)
    mine = which == "mine"
    prefix = "mine_" if mine else ""

    def url(**params):
        return home_queries.list_url(which, now, **params)

    act = []
    if has_perm(user, "workorder.execute"):
        act.append(_tile("mine_open", _("Unfinished orders assigned to me"), figures["mine_open"],
                         home_queries.list_url("mine", now), "bi-person-check", "primary"))
    if has_perm(user, "workorder.assign"):
        act.append(_tile("pending", _("Orders waiting to be assigned"), figures["pending"], url(tab="pending"),
                         "bi-clipboard-plus", "warning"))
    act.append(_tile("approvals", _("Approvals waiting for me"), approval_queries.my_pending_approval_count(user),
                     reverse("workorders:approvals"), "bi-check2-square", "warning"))
    act += [
        _tile("overdue", _("My overdue orders") if mine else _("Overdue orders"), figures[prefix + "overdue"],
              url(f_flag="overdue"), "bi-alarm", "danger"),
        _tile("due_soon", _("My orders due within 24 hours") if mine else _("Orders due within 24 hours"),
              figures[prefix + "due_soon"], url(f_deadline="due_soon"), "bi-hourglass-split", "warning"),
    ]
    scope = [
        _tile("open", _("Unfinished"), figures["open"], home_queries.list_url("scope", now), "bi-clipboard-data"),
        _tile("scope_pending", _("To be assigned"), figures["pending"],
              home_queries.list_url("scope", now, tab="pending"), "bi-inbox"),
        _tile("in_progress", _("In progress"), figures["in_progress"],
              home_queries.list_url("scope", now, tab="in_progress"), "bi-tools"),
        _tile("exception", _("Exceptions"), figures["exception"],
              home_queries.list_url("scope", now, tab="exception"), "bi-exclamation-triangle", "danger"),
    ]
    return {
        "act": act,
        "plan_title": _("My plan for today") if mine else _("Today's plan"),
        "plan_count": figures[prefix + "planned_today"],
        "plan_url": url(today=True),
        "plan": home_queries.planned_today(user, which, now=now),
        "scope_label": home_queries.scope_label(user),
        "scope": scope,
    }
