"""The standard list (GEN-05), built once and configured by every list page.

A list page declares a `StandardList` subclass and calls `render_list(request, MyList)`:

    class AccountList(StandardList):
        key = "accounts"
        title = _("Accounts")
        columns = [Column("name", _("Name"), sortable=True, link=lambda u: reverse(...)), ...]
        search_fields = ["name", "phone", "email"]
        tabs = [Tab("all", _("All")), Tab("disabled", _("Disabled"), Q(is_active=False))]
        filters = [Filter("role", _("Role"), lookup="roles", choices=lambda request: [...])]
        batch_actions = [BatchAction(_("Disable"), "accounts:bulk_disable", perm="account.disable")]
        export_perm = "account.export"

        def base_queryset(self, request): return visible_users(request.user)

It handles tabs with live counts, the scope filter (全部/我创建的/我负责的/我协同的, when `scopes` is set),
search, advanced filters, the column chooser remembered per user, sort, page size, pagination, batch
selection and Excel export — and answers htmx requests with only the table part.
"""

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import batched
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import QueryDict
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext_lazy as _

from .bounds import int_text_fits, parse_page
from .models import ListPreference
from .numbers import format_amount, format_count
from .permissions import has_perm

PAGE_SIZES = [10, 20, 50, 100]
EXPORT_CHUNK = 2000
DEFAULT_PAGE_SIZE = 20  # issue 15: 10 (the product document's) left half a 1366×768 screen empty

# A list row stays on one line (issue 15): every cell is kept to one line by the kit's CSS (at most 15em wide,
# core/app.css); a text cell that may be wider — TITLE_FROM ems, counting a CJK character as 1 and others as
# 0.55 — may be cut off with an ellipsis and carries its whole text as a tooltip (title).
TITLE_FROM = 12


def _may_overflow(text):
    if len(text) <= TITLE_FROM:
        return False
    return sum(1 if ord(char) >= 0x2E80 else 0.55 for char in text) > TITLE_FROM


NUMBER_FORMATS = {"amount": format_amount, "count": format_count}  # Column.kind → its text (core.numbers)


@dataclass
class Column:
    key: str
    label: Any
    value: Callable | None = None  # obj -> display value; default getattr(obj, key)
    link: Callable | None = None  # obj -> url
    link_perm: str | None = None  # the link only for users with this permission (no link that answers 403)
    sortable: bool = False
    sort_field: str | None = None
    default: bool = True
    export: Callable | None = None  # obj -> cell value for Excel; default: value
    css: str = ""
    html: bool = False  # value returns safe HTML
    code: bool = False  # a code or number (CUS00263, WO…): never broken across lines nor cut off
    # obj -> whether the cell tells something; a default column none of whose rows on the page does (all
    # empty, or repeating another column) is left out of that page unless the user chose his columns
    informative: Callable | None = None
    prefetch: str | None = None  # a related lookup the cell reads, loaded only when the column is shown
    kind: str = ""  # "amount" (¥1,631,900.00) or "count" (12,345): formatted, right-aligned, never wrapping

    def __post_init__(self):
        if self.kind in NUMBER_FORMATS and "num" not in self.css.split():
            self.css = f"{self.css} num".strip()

    def display(self, obj):
        if self.value is not None:
            return self.value(obj)
        value = obj
        for part in self.key.split("__"):
            value = getattr(value, part, None) if value is not None else None
        if callable(value) and not hasattr(value, "all"):
            value = value()
        return value

    def cell(self, obj):
        return self.export(obj) if self.export is not None else self.display(obj)

    def render(self, obj):
        """The row's cell: {"value", "td"}, `td` the whole <td> as safe HTML. Built here rather than in the
        template: a page of 20 rows is a few hundred cells, and rendering each through template tags was
        the largest part of the list's template time (docs/benchmarks.md). The same text as format_html
        would give, without its per-argument lazy-string checks."""
        value = self.display(obj)
        if self.html:  # the value is HTML already (marked safe or not): printed as it is
            value_html = value or ""
            text = value_html.__html__() if hasattr(value_html, "__html__") else str(value_html)
        elif value is None:
            text = ""
        elif self.kind in NUMBER_FORMATS:
            text = html.escape(NUMBER_FORMATS[self.kind](value))
        elif type(value) is str:  # localize and template_localtime leave text as it is
            text = html.escape(value)
        else:  # as the template engine prints a value: local time, localized, escaped
            text = _html(localize(template_localtime(value)))
        # the whole text as a tooltip where the cell may be cut off (HTML cells get theirs from app.js)
        title = (f' title="{text}"' if not self.html and not self.code and type(value) is str
                 and _may_overflow(value) else "")
        if self.link:
            text = f'<a href="{_html(self.link(obj))}">{text}</a>'
        return {"value": value, "td": mark_safe(f'<td class="{self.td_class}"{title}>{text}</td>')}

    @property
    def td_class(self):
        return _html(f"{self.css} col-code".strip() if self.code else self.css)


@dataclass
class Tab:
    key: str
    label: Any
    condition: Q | Callable | None = None  # Q, or request -> Q
    count: bool = True

    def q(self, request):
        if callable(self.condition):
            return self.condition(request)
        return self.condition or Q()


@dataclass
class Filter:
    key: str
    label: Any
    lookup: str  # ORM lookup used with the submitted value
    choices: Callable | None = None  # request -> [(value, label)]; None = free text
    kind: str = "select"  # select, text, date_range, bool
    distinct: bool = False

    def apply(self, qs, params):
        if self.kind == "date_range":
            start = _date(params.get(f"f_{self.key}_from"))
            end = _date(params.get(f"f_{self.key}_to"))
            if start:
                qs = qs.filter(**{f"{self.lookup}__date__gte": start})
            if end:
                qs = qs.filter(**{f"{self.lookup}__date__lte": end})
            return qs
        value = params.get(f"f_{self.key}", "").strip()
        if value == "":
            return qs
        if self.kind == "bool":
            value = value in {"1", "true", "on"}
        elif self.kind == "select" and not int_text_fits(value):
            return qs.none()  # an id typed into the URL beyond 64 bits: no row has it, and the query overflowed
        try:
            qs = qs.filter(**{self.lookup: value})
        except (ValueError, TypeError, DjangoValidationError):
            return qs.none()  # a malformed value (typed into the URL) matches nothing rather than crashing
        return qs.distinct() if self.distinct else qs

    def is_active(self, params):
        if self.kind == "date_range":
            return bool(params.get(f"f_{self.key}_from") or params.get(f"f_{self.key}_to"))
        return bool(params.get(f"f_{self.key}", "").strip())


class IdFilter(Filter):
    """A select of ids: a value that is not an id (a hand-edited URL) matches nothing instead of failing."""

    def apply(self, qs, params):
        value = params.get(f"f_{self.key}", "").strip()
        if value and not value.isdigit():
            return qs.none()
        return super().apply(qs, params)


@dataclass
class BatchAction:
    label: Any
    url_name: str
    perm: str | None = None
    confirm: Any = ""
    style: str = "outline-secondary"
    modal: bool = False  # open the action's form in the modal (htmx GET) instead of posting directly


@dataclass
class Scope:
    """One choice of the scope filter (全部/我创建的/我负责的/我协同的)."""

    key: str
    label: Any
    condition: Callable  # request -> Q


SCOPE_ALL = Scope("all", _("All"), lambda request: Q())


@dataclass
class ListState:
    tab: str
    scope: str
    q: str
    sort: str
    page: int
    page_size: int
    columns: list = field(default_factory=list)
    columns_chosen: bool = False  # the user's remembered choice, not the list's defaults


class StandardList:
    key = ""
    title = ""
    template = "core/list.html"
    columns: list[Column] = []
    tabs: list[Tab] = []
    scopes: list[Scope] = []
    search_fields: list[str] = []
    search_placeholder = _("Search")
    filters: list[Filter] = []
    batch_actions: list[BatchAction] = []
    toolbar_template = ""  # extra toolbar buttons (新建, 导入 …)
    sidebar_template = ""  # e.g. the role tree of the account list
    export_perm: str | None = None
    default_sort = "-pk"
    default_page_size = DEFAULT_PAGE_SIZE
    empty_text = _("No data")  # the empty list's line, e.g. 暂无客户; see empty_hint for what to do next
    row_key = "pk"

    def __init__(self, request):
        self.request = request
        self.params = request.GET

    # -- to override ----------------------------------------------------------------------------
    def base_queryset(self, request):
        raise NotImplementedError

    def extra_context(self, request):
        return {}

    def prepare_rows(self, objects):
        """Load what the cells of these rows read from elsewhere, once for the page (or an export's chunk):
        e.g. a fact another module provides for a list of orders. Nothing by default."""

    def empty_hint(self, request):
        """What to do when the list has no row at all, e.g. "点击 + 新建客户 新建，或 导入" (only what the user
        may do); "" for nothing."""
        return ""

    def empty_state(self, state):
        """(text, hint) of the empty list: nothing matches the search and filters, or there is nothing yet."""
        if state.q or any(f.is_active(self.params) for f in self.filters):
            return _("Nothing matches the search or the filters"), _("Change them, or click Reset to see all.")
        return self.empty_text, self.empty_hint(self.request)

    # -- state ----------------------------------------------------------------------------------
    def preference(self):
        """The user's remembered settings of this list. The session read brings the user's list preferences
        along (accounts.sessions, `user.session_preloads`), which spares a statement per list page."""
        user = self.request.user
        preloads = getattr(user, "session_preloads", None)
        if preloads is not None:
            return _preference_in(preloads.get("list_preferences"), self.key)
        return ListPreference.objects.filter(user=user, list_key=self.key).first()

    def state(self):
        params = self.params
        pref = self.preference()
        tab_keys = [t.key for t in self.tabs]
        tab = params.get("tab") if params.get("tab") in tab_keys else (tab_keys[0] if tab_keys else "")
        scope_keys = [s.key for s in self.scopes]
        scope = params.get("scope") if params.get("scope") in scope_keys else (scope_keys[0] if scope_keys else "")
        sortable = {c.key for c in self.columns if c.sortable}
        sort = params.get("sort", "")
        if sort.lstrip("-") not in sortable:
            sort = ""
        remembered = pref.page_size if pref and pref.page_size else self.default_page_size
        page_size = _int(params.get("page_size"), remembered)
        if page_size not in PAGE_SIZES:
            page_size = self.default_page_size
        all_keys = [c.key for c in self.columns]
        chosen = [k for k in (pref.columns if pref else []) if k in all_keys]
        columns = chosen or [c.key for c in self.columns if c.default]
        return ListState(tab, scope, params.get("q", "").strip(), sort, parse_page(params.get("page")),
                         page_size, columns, bool(chosen))

    # -- querying -------------------------------------------------------------------------------
    def filtered_queryset(self, state, *, with_tab=True):
        qs = self.base_queryset(self.request)
        if state.scope:
            scope = next(s for s in self.scopes if s.key == state.scope)
            qs = qs.filter(scope.condition(self.request))
        if state.q and self.search_fields:
            condition = Q()
            for name in self.search_fields:
                condition |= Q(**{f"{name}__icontains": state.q})
            qs = qs.filter(condition)
        for flt in self.filters:
            qs = flt.apply(qs, self.params)
        if with_tab and state.tab:
            tab = next(t for t in self.tabs if t.key == state.tab)
            qs = qs.filter(tab.q(self.request))
        return qs

    def tab_counts(self, state):
        base = self.filtered_queryset(state, with_tab=False)
        return {tab.key: base.filter(tab.q(self.request)).count() for tab in self.tabs if tab.count}

    def ordered(self, qs, state):
        if state.sort:
            column = next(c for c in self.columns if c.key == state.sort.lstrip("-"))
            field_name = column.sort_field or column.key
            prefix = "-" if state.sort.startswith("-") else ""
            return qs.order_by(prefix + field_name, prefix + "pk")
        return qs.order_by(self.default_sort) if self.default_sort else qs

    # -- rendering ------------------------------------------------------------------------------
    def visible_columns(self, state):
        by_key = {c.key: c for c in self.columns}
        return [_linked_for(self.request.user, by_key[k]) for k in state.columns if k in by_key]

    def context(self):
        state = self.state()
        columns = self.visible_columns(state)
        qs = _with_prefetches(self.ordered(self.filtered_queryset(state), state), columns)
        counts = self.tab_counts(state)
        paginator = Paginator(qs, state.page_size)
        if counts.get(state.tab) is not None:
            paginator.count = counts[state.tab]  # the active tab's count is the page's total: no second COUNT
        page = paginator.get_page(state.page)
        self.prepare_rows(page.object_list)
        if not state.columns_chosen:
            objects = page.object_list
            columns = [c for c in columns if c.informative is None or any(c.informative(o) for o in objects)]
        rows = [
            {"pk": getattr(obj, self.row_key), "obj": obj, "cells": [c.render(obj) for c in columns]}
            for obj in page.object_list
        ]
        user = self.request.user
        batch_actions = [a for a in self.batch_actions if not a.perm or has_perm(user, a.perm)]
        return {
            "list": self,
            "state": state,
            "page": page,
            "paginator": paginator,
            "rows": rows,
            "columns": columns,
            "all_columns": self.columns,
            "tabs": [{"key": t.key, "label": t.label, "count": counts.get(t.key), "active": t.key == state.tab}
                     for t in self.tabs],
            "scopes": self.scopes,
            "filters": [self.filter_context(f) for f in self.filters],
            "filters_active": any(f.is_active(self.params) for f in self.filters),
            "batch_actions": batch_actions,
            "table_rows": _TableRows(rows, bool(batch_actions)),
            "empty": self.empty_state(state) if not rows else None,
            "can_export": bool(self.export_perm and has_perm(user, self.export_perm)),
            "page_sizes": PAGE_SIZES,
            "query": self.querystring(),
            "query_without_page": self.querystring(drop=("page",)),
            "query_without_page_size": self.querystring(drop=("page", "page_size")),
            "show_pages": paginator.num_pages > 1,
            "show_page_size": paginator.count > PAGE_SIZES[0],
            "query_without_sort": self.querystring(drop=("page", "sort")),
            "query_without_tab": self.querystring(drop=("page", "tab")),
            "query_without_scope": self.querystring(drop=("page", "scope")),
            **self.extra_context(self.request),
        }

    def filter_context(self, f):
        choices = f.choices(self.request) if f.choices else None
        value = self.params.get(f"f_{f.key}", "")
        return {"filter": f, "choices": choices, "value": value,
                "options": _options_html(choices, value) if choices is not None else "",
                "value_from": self.params.get(f"f_{f.key}_from", ""),
                "value_to": self.params.get(f"f_{f.key}_to", "")}

    def querystring(self, drop=()):
        params = QueryDict(mutable=True)
        for key, values in self.params.lists():
            if key not in drop and key not in {"export", "_"}:
                params.setlist(key, [v for v in values if v != ""])
        return params.urlencode()

    def response(self):
        context = self.context()
        if self.request.htmx and not self.request.htmx.boosted:
            return TemplateResponse(self.request, "core/_list_body.html", context)
        return TemplateResponse(self.request, self.template, context)

    def export_rows(self):
        """(headers, iterator of rows) for the current view: its tab, filters, search, sort and columns."""
        state = self.state()
        columns = self.visible_columns(state)
        qs = _with_prefetches(self.ordered(self.filtered_queryset(state), state), columns)
        headers = [str(c.label) for c in columns]

        def rows():
            for chunk in batched(qs.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
                self.prepare_rows(chunk)
                yield from ([_cell(c.cell(obj)) for c in columns] for obj in chunk)
        return headers, rows()

    def render_table(self):
        return render_to_string("core/_list_body.html", self.context(), request=self.request)


def next_step_hint(user, button, create_perm, import_perm=None):
    """The empty list's "what to do next", naming only the buttons `user` has: 点击 “+ 新建客户” 新建，或 “导入”."""
    can_create = has_perm(user, create_perm)
    can_import = bool(import_perm) and has_perm(user, import_perm)
    if can_create and can_import:
        return _("Click “+ %(button)s” to add one, or “Import”.") % {"button": button}
    if can_create:
        return _("Click “+ %(button)s” to add one.") % {"button": button}
    if can_import:
        return _("Click “Import” to bring them in.")
    return ""


def remember(user, list_key, *, columns=None, page_size=None):
    """Remember one list's column choice and/or page size for `user` (the list's 列 menu and its page-size
    select post here through core.views.list_preferences). What is not given is left as it was; an unknown
    page size is ignored."""
    defaults = {}
    if columns is not None:
        defaults["columns"] = [str(c)[:80] for c in columns][:60]
    if page_size is not None and page_size in PAGE_SIZES:
        defaults["page_size"] = page_size
    if not list_key or not defaults:
        return None
    preference, _created = ListPreference.objects.update_or_create(user=user, list_key=str(list_key)[:80],
                                                                   defaults=defaults)
    return preference


def _linked_for(user, column):
    """The column as this user sees it: without its link when the link's page would refuse him."""
    if column.link is None or not column.link_perm or has_perm(user, column.link_perm):
        return column
    return replace(column, link=None)


def _with_prefetches(qs, columns):
    """The queryset with what the shown columns read (Column.prefetch); hidden columns cost nothing."""
    lookups = [column.prefetch for column in columns if column.prefetch]
    return qs.prefetch_related(*lookups) if lookups else qs


def _preference_in(text, list_key):
    """The ListPreference of `list_key` among the preloaded ones (a JSON list's items without brackets)."""
    for row in json.loads(f"[{text or ''}]"):
        if row["list_key"] == list_key:
            columns = row["columns"]
            if isinstance(columns, str):  # SQLite's JSON_OBJECT nests a JSON column as text
                columns = json.loads(columns)
            return ListPreference(list_key=list_key, columns=columns, page_size=row["page_size"])
    return None


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "tzinfo") and value.tzinfo is not None:
        from django.utils import timezone

        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (int, float, str)) or hasattr(value, "year"):
        return value
    return str(value)


def _date(value):
    """A YYYY-MM-DD filter value, or None when absent or malformed (a typed-in URL must not crash)."""
    from datetime import date

    try:
        return date.fromisoformat((value or "").strip()) if value else None
    except ValueError:
        return None


def _int(value, default):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def render_list(request, list_class):
    """The view body for a standard list: export when asked, otherwise the page or its table part."""
    listing = list_class(request)
    if request.GET.get("export") == "xlsx":
        from .excel import export_list

        return export_list(request, listing)
    return listing.response()


def _options_html(choices, selected):
    """The <option>s of a filter's select (built here: colleague and team lists run to hundreds)."""
    return mark_safe("".join(
        f'<option value="{_html(value)}"{" selected" if str(value) == selected else ""}>{_html(label)}</option>'
        for value, label in choices))


def _html(value):
    """conditional_escape(value) as plain text: the same characters (Django's escape is html.escape), without
    the lazy-string wrapper and SafeString made for every call; the caller marks the whole safe once."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


class _TableRows:
    """The <tr>s of the page, joined in Python when the template prints them (after the list's context() has
    loaded what the cells refer to): nothing per row or per cell runs in the template."""

    def __init__(self, rows, checkboxes):
        self.rows, self.checkboxes = rows, checkboxes

    def __bool__(self):
        return bool(self.rows)

    def __html__(self):
        label = html.escape(str(_("Select"))) if self.checkboxes else ""
        parts = []
        for row in self.rows:
            check = (f'<td class="col-check"><input type="checkbox" class="form-check-input row-check" '
                     f'value="{_html(row["pk"])}" aria-label="{label}"></td>') if self.checkboxes else ""
            cells = "".join("\n" + _html(cell["td"]) for cell in row["cells"])  # whitespace between cells, as the
            parts.append(f"<tr>{check}{cells}\n</tr>")  # template printed: a row's text keeps its words apart
        return mark_safe("\n".join(parts))

    def __str__(self):  # the template engine calls str() before escaping: the text must stay marked safe
        return self.__html__()
