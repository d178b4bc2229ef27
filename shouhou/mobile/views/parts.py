"""备件 on the phone (MOB-09, GEN-01 收费标准, issue 11): the engineer's counters and personal stock, 申领 with a
warehouse picker, part search and quantity steppers, 退回, his requests with 撤回, 库存查询 across the
warehouses, the price list, and — for a warehouse manager — the requests waiting for his decision.

Every read is a parts query (parts/queries.py) and every write a parts service (parts/services/requests.py),
the same functions the console and the API call; a request of another person or company is a 404.
"""

import re

from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core.bounds import parse_id
from shouhou.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.permissions import has_perm
from shouhou.core.validators import control_character_message, find_control_character
from shouhou.parts import queries as part_queries
from shouhou.parts.models import StockRequest
from shouhou.parts.services import requests as request_services

from .common import first_message, mobile_view

PICK_LIMIT = 20  # parts a search shows at once
LOOKUP_LIMIT = 20
PRICE_LIMIT = 50
REQUEST_LIMIT = 50
MAX_LINES = 50  # lines one phone request carries
SEARCH_LENGTH = 50
SERIAL_SPLIT = re.compile(r"[\s,，;；、]+")
Kind, Status = StockRequest.Kind, StockRequest.Status

REQUEST_TABS = [("pending", gettext_lazy("Pending approval")), ("all", gettext_lazy("All"))]
PRICE_TABS = [("items", gettext_lazy("Service items")), ("parts", gettext_lazy("Parts"))]


def may_use_parts(user):
    """Whether the phone shows the 备件 page at all (its tile on 首页)."""
    return any(has_perm(user, code) for code in ("stock.request", "stock.approve", "part.view", "service_item.view"))


def _require_parts(user):
    if not may_use_parts(user):
        raise PermissionDenied()


def _require(user, code):
    if not has_perm(user, code):
        raise PermissionDenied()


def _search_text(request, name="q"):
    """The search box's text, at most SEARCH_LENGTH characters (a control character in the query string is
    refused before the view, by core.text_guard's middleware)."""
    return (request.GET.get(name) or "").strip()[:SEARCH_LENGTH]


# --- 备件 (the page) -------------------------------------------------------------------------------------

@mobile_view
def parts_home(request):
    user = request.user
    _require_parts(user)
    may_request = has_perm(user, "stock.request")
    return render(request, "mobile/parts/home.html", {
        "tab": "home",
        "may_request": may_request,
        "may_lookup": bool(part_queries.requestable_warehouses(user).exists()) if may_request else False,
        "may_prices": has_perm(user, "part.view") or has_perm(user, "service_item.view"),
        "may_approve": has_perm(user, "stock.approve"),
        "summary": part_queries.own_summary(user) if may_request else None,
        "levels": list(part_queries.own_levels(user)) if may_request else [],
        "to_decide": part_queries.requests_to_decide(user).count() if has_perm(user, "stock.approve") else 0,
    })


# --- my requests (个人库办理) ---------------------------------------------------------------------------------

@mobile_view
def my_requests(request):
    _require(request.user, "stock.request")
    state = request.GET.get("state") if request.GET.get("state") in dict(REQUEST_TABS) else "pending"
    found = part_queries.own_requests(request.user)
    counts = {"pending": found.filter(status=Status.PENDING).count(), "all": found.count()}
    if state == "pending":
        found = found.filter(status=Status.PENDING)
    tabs = [{"key": key, "label": label, "count": counts[key], "active": key == state,
             "url": reverse("mobile:parts_requests") + f"?state={key}"} for key, label in REQUEST_TABS]
    return render(request, "mobile/parts/requests.html", {
        "tab": "home", "tabs": tabs, "state": state, "rows": list(found[:REQUEST_LIMIT])})


@mobile_view
@require_POST
def request_withdraw(request, pk):
    """撤回: the requester takes back his pending request (another person's or company's: 404)."""
    stock_request = part_queries.own_requests(request.user).filter(pk=pk).first()
    if stock_request is None:
        raise NotFound()
    try:
        request_services.withdraw_request(actor=request.user, stock_request=stock_request,
                                          expected_version=_version(request))
    except Conflict as exc:
        messages.error(request, first_message(exc))
    else:
        messages.success(request, _("Request %(number)s withdrawn.") % {"number": stock_request.number})
    return HttpResponseRedirect(reverse("mobile:parts_requests") + "?state=all")


def _version(request):
    try:
        return int(request.POST.get("expected_version", ""))
    except ValueError:
        raise Conflict(_("The request has been changed by someone else.")) from None


# --- 申领 and 退回 ---------------------------------------------------------------------------------------------

def _warehouse(user, value):
    """The chosen warehouse among those the user may request from (else the first of them)."""
    warehouses = list(part_queries.requestable_warehouses(user).order_by("name", "pk"))
    wanted = parse_id(value)
    chosen = next((w for w in warehouses if w.pk == wanted), None)
    return warehouses, chosen


def _pick_rows(user, parts, warehouse, values=None):
    """Rows of the 申领 picker: the part with 库存 at the warehouse, 单价 and 个人持有."""
    ids = [part.pk for part in parts]
    stock = part_queries.requestable_stock(user, ids) if warehouse else {}
    held = part_queries.held_quantities(user, ids)
    values = values or {}
    rows = []
    for part in parts:
        at_warehouse = next((level for level in stock.get(part.pk, []) if level.warehouse_id == warehouse.pk), None) \
            if warehouse else None
        rows.append({"part": part, "stock": at_warehouse.quantity - at_warehouse.reserved if at_warehouse else 0,
                     "held": held.get(part.pk, 0), "quantity": "1", "serials": "", "errors": [],
                     **values.get(part.pk, {})})
    return rows


def _text_errors(request, errors, multiline=("note",)):
    """Control characters in any posted value (this form has no Django form to refuse them): an error on
    the field, shown on the page, and nothing is written."""
    for name, values in request.POST.lists():
        for value in values:
            char = find_control_character(value, multiline=name in multiline)
            if char:
                errors.setdefault("note" if name == "note" else "lines", []).append(
                    str(control_character_message(char)))
                return errors
    return errors


def _posted_lines(request):
    """[(part_id, quantity text, [serials])] of the lines the form posted (quantity 0 or empty: left out),
    and the errors of the form itself."""
    lines, errors = [], _text_errors(request, {})
    raw_ids = request.POST.getlist("part")
    if len(raw_ids) > MAX_LINES:
        errors["lines"] = [_("At most %(n)d parts at a time.") % {"n": MAX_LINES}]
        return [], errors
    for raw in raw_ids:
        part_id = parse_id(raw)
        if part_id is None:
            errors["lines"] = [_("Choose the parts from the list.")]
            continue
        quantity = (request.POST.get(f"qty_{part_id}") or "").strip()
        if quantity in ("", "0"):
            continue
        serials = [s for s in SERIAL_SPLIT.split(request.POST.get(f"serials_{part_id}", "")) if s]
        lines.append((part_id, quantity, serials))
    return lines, errors


def _line_errors(details, lines):
    """A service's "lines.<i>.<field>" errors onto the part of line i; the rest stay the form's."""
    by_part, rest = {}, {}
    for key, messages_ in details.items():
        match = re.match(r"^lines\.(\d+)\.", key)
        if match and int(match.group(1)) < len(lines):
            by_part.setdefault(lines[int(match.group(1))][0], []).extend(str(m) for m in messages_)
        else:
            rest.setdefault("warehouse" if key == "warehouse_id" else key, []).extend(str(m) for m in messages_)
    return by_part, rest


def _submit(request, kind, warehouse, lines, note):
    """Create the requisition or return through its service; (request, None) or (None, errors)."""
    create = request_services.create_requisition if kind == Kind.REQUISITION else request_services.create_return
    payload = [{"part_id": part_id, "quantity": quantity, **({"serials": serials} if serials else {})}
               for part_id, quantity, serials in lines]
    try:
        made = create(actor=request.user, warehouse_id=getattr(warehouse, "pk", request.POST.get("warehouse")),
                      lines=payload, note=note)
    except ValidationFailed as exc:
        return None, exc.details or {"lines": [exc.message]}
    return made, None


def _post_request(request, kind, warehouse, success):
    """The 申领 / 退回 form's submission: (the redirect once made, …) or (None, the errors, the typed
    values by part, the note) to show the form again."""
    lines, errors = _posted_lines(request)
    note = request.POST.get("note", "")
    if not errors:
        made, errors = _submit(request, kind, warehouse, lines, note)
        if made is not None:
            messages.success(request, success % {"number": made.number})
            return HttpResponseRedirect(reverse("mobile:parts_requests")), {}, {}, note
    by_part, errors = _line_errors(errors, lines)
    values = {part_id: {"quantity": quantity, "serials": " ".join(serials), "errors": by_part.get(part_id, [])}
              for part_id, quantity, serials in lines}
    return None, errors, values, note


@mobile_view
def requisition(request):
    """备件申领: pick a warehouse, search parts (规格/类别/库存/单价/个人持有), set quantities with the
    steppers, add a note, submit → parts.services.create_requisition."""
    user = request.user
    _require(user, "stock.request")
    source = request.POST if request.method == "POST" else request.GET
    warehouses, warehouse = _warehouse(user, source.get("warehouse"))
    warehouse = warehouse or (warehouses[0] if warehouses and request.method != "POST" else warehouse)
    text = _search_text(request)
    errors, picked, note, status = {}, [], "", 200
    if request.method == "POST":
        done, errors, values, note = _post_request(request, Kind.REQUISITION, warehouse, _(
            "Requisition %(number)s submitted; it waits for the warehouse manager's approval."))
        if done is not None:
            return done
        parts = {p.pk: p for p in part_queries.enabled_parts(user).filter(pk__in=list(values))}
        picked = _pick_rows(user, [parts[pk] for pk in values if pk in parts], warehouse, values)
        status = 400
    results = _search_results(user, text, warehouse, exclude={row["part"].pk for row in picked})
    return render(request, "mobile/parts/requisition.html", {
        "tab": "home", "warehouses": warehouses, "warehouse": warehouse, "q": text, "results": results,
        "picked": picked, "note": note, "errors": errors}, status=status)


def _search_results(user, text, warehouse, exclude=()):
    found = part_queries.enabled_parts(user).filter(part_queries.part_search(text)).exclude(pk__in=list(exclude))
    return _pick_rows(user, list(found.order_by("number", "pk")[:PICK_LIMIT]), warehouse)


@mobile_view
def requisition_search(request):
    """The picker's results for the search box and the warehouse (an htmx piece of the 申领 page)."""
    user = request.user
    _require(user, "stock.request")
    _warehouses, warehouse = _warehouse(user, request.GET.get("warehouse"))
    return render(request, "mobile/parts/_pick_results.html", {
        "results": _search_results(user, _search_text(request), warehouse), "q": request.GET.get("q", "")})


@mobile_view
def return_parts(request):
    """备件退回: what the engineer holds, with a stepper each (up to what is free), back to a warehouse
    → parts.services.create_return (the warehouse's manager approves)."""
    user = request.user
    _require(user, "stock.request")
    source = request.POST if request.method == "POST" else request.GET
    warehouses, warehouse = _warehouse(user, source.get("warehouse"))
    levels = list(part_queries.own_levels(user))
    errors, values, note, status = {}, {}, "", 200
    if request.method == "POST":
        done, errors, values, note = _post_request(request, Kind.RETURN, warehouse, _(
            "Return %(number)s submitted; it waits for the warehouse manager's approval."))
        if done is not None:
            return done
        status = 400
    rows = [{"level": level, "part": level.part, "free": level.quantity - level.reserved, "quantity": "0",
             "serials": "", "errors": [], **values.get(level.part_id, {})} for level in levels]
    return render(request, "mobile/parts/return.html", {
        "tab": "home", "warehouses": warehouses, "warehouse": warehouse, "rows": rows, "note": note,
        "errors": errors}, status=status)


# --- 库存查询 and 收费标准 ------------------------------------------------------------------------------------

@mobile_view
def lookup(request):
    """库存查询: search a part, see what each warehouse has of it (and what the engineer holds)."""
    user = request.user
    _require(user, "stock.request")
    text = _search_text(request)
    rows = []
    if text:
        parts = list(part_queries.enabled_parts(user).filter(part_queries.part_search(text))
                     .order_by("number", "pk")[:LOOKUP_LIMIT])
        stock = part_queries.requestable_stock(user, [part.pk for part in parts])
        held = part_queries.held_quantities(user, [part.pk for part in parts])
        rows = [{"part": part, "levels": stock.get(part.pk, []), "held": held.get(part.pk, 0),
                 "total": sum((level.quantity for level in stock.get(part.pk, [])), 0)} for part in parts]
    return render(request, "mobile/parts/lookup.html", {"tab": "home", "q": text, "rows": rows,
                                                        "limit": LOOKUP_LIMIT})


@mobile_view
def prices(request):
    """收费标准 (GEN-01): the enabled service items and parts with their sale prices, searchable."""
    user = request.user
    tabs_allowed = [(key, label) for key, label in PRICE_TABS
                    if has_perm(user, "service_item.view" if key == "items" else "part.view")]
    if not tabs_allowed:
        raise PermissionDenied()
    keys = [key for key, _label in tabs_allowed]
    state = request.GET.get("tab") if request.GET.get("tab") in keys else keys[0]
    text = _search_text(request)
    if state == "items":
        found = part_queries.service_items(user).filter(enabled=True)
        if text:
            from django.db.models import Q

            found = found.filter(Q(name__icontains=text) | Q(number__icontains=text) | Q(category__icontains=text))
        found = found.order_by("category", "number", "pk")
    else:
        found = part_queries.enabled_parts(user).filter(part_queries.part_search(text)).order_by("number", "pk")
    rows = list(found[:PRICE_LIMIT + 1])
    tabs = [{"key": key, "label": label, "active": key == state,
             "url": reverse("mobile:parts_prices") + f"?tab={key}"} for key, label in tabs_allowed]
    return render(request, "mobile/parts/prices.html", {
        "tab": "home", "tabs": tabs, "state": state, "q": text, "rows": rows[:PRICE_LIMIT],
        "more": len(rows) > PRICE_LIMIT, "limit": PRICE_LIMIT})


# --- the warehouse manager: requests to decide ---------------------------------------------------------

@mobile_view
def approvals(request):
    """待审批的申领/退回 at the warehouses the user manages: approve (all or part of each line) or refuse."""
    _require_parts(request.user)
    rows = list(part_queries.requests_to_decide(request.user)[:REQUEST_LIMIT])
    return render(request, "mobile/parts/approvals.html", {"tab": "home", "rows": rows})


def _refuse_control_characters(request):
    errors = _text_errors(request, {})
    if errors:
        raise ValidationFailed(details=errors)


def _to_decide(request, pk):
    stock_request = part_queries.requests_to_decide(request.user).filter(pk=pk).first()
    if stock_request is None:
        if not part_queries.requests(request.user).filter(pk=pk).exists():
            raise NotFound()
        messages.error(request, _("This request is no longer waiting for your decision."))
    return stock_request


@mobile_view
@require_POST
def approve(request, pk):
    stock_request = _to_decide(request, pk)
    if stock_request is not None:
        lines = [{"line_id": line.pk, "quantity": (request.POST.get(f"qty_{line.pk}") or "0").strip()}
                 for line in stock_request.lines.all()]
        try:
            _refuse_control_characters(request)
            request_services.approve_request(actor=request.user, stock_request=stock_request, lines=lines,
                                             note=request.POST.get("note", ""), expected_version=_version(request))
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("%(number)s approved; the parts have moved.") % {"number": stock_request.number})
    return HttpResponseRedirect(reverse("mobile:parts_approvals"))


@mobile_view
@require_POST
def refuse(request, pk):
    stock_request = _to_decide(request, pk)
    if stock_request is not None:
        note = request.POST.get("note", "")
        try:
            _refuse_control_characters(request)
            if not note.strip():
                raise ValidationFailed(details={"note": [_("Give the reason for the refusal.")]})
            request_services.refuse_request(actor=request.user, stock_request=stock_request, note=note,
                                            expected_version=_version(request))
        except DomainError as exc:
            if isinstance(exc, NotFound):
                raise
            messages.error(request, first_message(exc))
        else:
            messages.success(request, _("%(number)s refused.") % {"number": stock_request.number})
    return HttpResponseRedirect(reverse("mobile:parts_approvals"))
