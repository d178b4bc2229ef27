"""工单回访 on the phone (MOB-08): 人工未回访 / 人工已回访 / 自动未回访 / 自动已回访, and the WO-18 form with 联系客户
(a tel: link). Reads through visits.queries, writes through visits.services, like the console."""

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy

from shouhou.core.permissions import has_perm, require
from shouhou.visits import answers, queries
from shouhou.visits import views as visit_views

from .common import mobile_view

TABS = [("manual_open", gettext_lazy("Manual, not visited")), ("manual_done", gettext_lazy("Manual, visited")),
        ("auto_open", gettext_lazy("Automatic, not answered")), ("auto_done", gettext_lazy("Automatic, answered"))]
CONDITIONS = {"manual_open": {"has_visit": False}, "manual_done": {"has_visit": True},
              "auto_open": {"has_survey": True, "survey_answered": False},
              "auto_done": {"has_survey": True, "survey_answered": True}}
LIMIT = 50


def may_visit(user):
    return has_perm(user, "visit.view")


@mobile_view
def visit_list(request):
    require(request.user, "visit.view")
    state = request.GET.get("state") if request.GET.get("state") in CONDITIONS else "manual_open"
    orders = queries.visit_orders(request.user)
    counts = {key: orders.filter(**condition).count() for key, condition in CONDITIONS.items()}
    rows = list(orders.filter(**CONDITIONS[state]).order_by("-finished_at", "-pk")[:LIMIT])
    visits = queries.visits_of(rows)
    levels = dict(answers.levels())
    kind = "auto" if state.startswith("auto") else "manual"
    tabs = [{"key": key, "label": label, "count": counts[key], "active": key == state,
             "url": reverse("mobile:visits") + f"?state={key}"} for key, label in TABS]
    return render(request, "mobile/visits.html", {
        "tab": "home", "tabs": tabs, "state": state, "limit": LIMIT,
        "rows": [{"order": order, "visit": visits.get(order.pk, {}).get(kind),
                  "level": levels.get(getattr(visits.get(order.pk, {}).get(kind), "level", ""), "")} for order in rows]})


@mobile_view
def visit_form(request, pk):
    """The WO-18 form of one finished order, with 联系客户; a visited order shows its answers."""
    order = queries.get_visit_order(request.user, pk)
    form, refused, rows, saved = visit_views.visit_form(request, order)
    if saved:
        return HttpResponseRedirect(reverse("mobile:visits") + "?state=manual_done")
    return render(request, "mobile/visit.html", {"tab": "home", "order": order, "form": form, "refused": refused,
                                                 "rows": rows})
