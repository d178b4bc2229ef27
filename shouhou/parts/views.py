"""Console pages of spare parts (PART-01…10) and service items (SVC-01): lists on core.lists, forms on the
generic views and dialogs. Every read goes through `queries`, every write through `services`."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from shouhou.core import forms_engine, list_fields, timeline
from shouhou.core.dialogs import can, finished, int_list, render_modal, show_error
from shouhou.core.errors import DomainError, NotFound
from shouhou.core.generic_views import ObjectEditView, ObjectListView, ObjectView
from shouhou.core.lists import BatchAction, Column, Filter, IdFilter, StandardList, Tab
from shouhou.core.permissions import has_perm, require

from . import custom_fields, policy, queries, services
from .forms import (
    ItemListForm,
    MoveForm,
    PartBatchForm,
    PartForm,
    SafetyForm,
    ServiceItemForm,
    WarehouseForm,
)
from .models import StockMovement
from .record_views import RecordDeleteView, RecordEditView

MOVE_TITLES = {"in": gettext_lazy("Stock in"), "out": gettext_lazy("Stock out"),
               "transfer": gettext_lazy("Transfer"), "allocate": gettext_lazy("Allocate"),
               "remove": gettext_lazy("Remove from stock")}


def local_time(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def number(value):
    """A quantity without trailing zeros (3.000 → 3, 1.500 → 1.5)."""
    if value is None:
        return ""
    value = Decimal(value)
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value.normalize(), "f")


def yes_no(value):
    return _("Enabled") if value else _("Disabled")


def warehouse_choices(request):
    return [(w.pk, w.name) for w in queries.visible_warehouses(request.user)]


def category_choices(request):
    return queries.category_choices()


# --- parts (PART-01) ---------------------------------------------------------------------------------------

class PartList(list_fields.CustomFieldsList, StandardList):
    """The system columns and filters, then a column per custom field (shown by default when marked so,
    sortable) and a filter per searchable one (core.list_fields)."""

    key = "parts"
    title = gettext_lazy("Spare parts")
    template = "parts/list.html"
    toolbar_template = "parts/_part_toolbar.html"
    search_fields = ["number", "name", "specification"]
    search_placeholder = gettext_lazy("Part number, name or specification")
    default_sort = "number"
    export_perm = "part.export"
    columns = [
        Column("number", gettext_lazy("Part number"), sortable=True,
               link=lambda p: reverse("parts:part_detail", args=[p.pk])),
        Column("name", gettext_lazy("Part name"), sortable=True,
               link=lambda p: reverse("parts:part_detail", args=[p.pk])),
        Column("category", gettext_lazy("Part category"), value=lambda p: p.category.name if p.category_id else ""),
        Column("specification", gettext_lazy("Specification")),
        Column("unit", gettext_lazy("Unit")),
        Column("sale_price", gettext_lazy("Sale price"), sortable=True, css="text-end"),
        Column("cost_price", gettext_lazy("Cost price"), sortable=True, css="text-end"),
        Column("serial_tracked", gettext_lazy("Serial-tracked"), value=lambda p: _("Yes") if p.serial_tracked else "",
               default=False),
        Column("enabled", gettext_lazy("Enabled"), value=lambda p: yes_no(p.enabled)),
        Column("created_at", gettext_lazy("Created at"), sortable=True, value=lambda p: local_time(p.created_at),
               export=lambda p: p.created_at),
    ]
    tabs = [Tab("all", gettext_lazy("All")), Tab("enabled", gettext_lazy("Enabled"), Q(enabled=True)),
            Tab("disabled", gettext_lazy("Disabled"), Q(enabled=False))]
    filters = [IdFilter("category", gettext_lazy("Part category"), "category", choices=category_choices)]
    batch_actions = [BatchAction(gettext_lazy("Batch edit"), "parts:batch_edit", perm="part.edit", modal=True)]

    def __init__(self, request):
        super().__init__(request)
        self.schema = custom_fields.schema()
        self.refs = forms_engine.References()
        self.custom = {column.key: column for column in forms_engine.list_columns(self.schema)}
        self.columns = [*PartList.columns, *(list_fields.custom_column(c, self.refs) for c in self.custom.values())]
        self.filters = [*PartList.filters, *list_fields.custom_filters(self.schema)]

    def base_queryset(self, request):
        return queries.parts(request.user)

    def extra_context(self, request):
        return {"can": can(request.user, "part.create", "part.import", "part.edit"),
                "designer_url": custom_fields.designer_url()}


class PartListView(ObjectListView):
    permission = "part.view"
    list_class = PartList


class PartView(ObjectView):
    permission = "part.view"
    template = "parts/part_detail.html"

    def get_object(self, request, pk):
        return queries.get_part(request.user, pk)

    def get_context(self, request, part):
        return {
            "part": part,
            "levels": queries.stock_levels(request.user).filter(part=part).order_by("warehouse__name", "holder__name"),
            "units": queries.serial_units(request.user).filter(part=part).select_related("warehouse", "holder")[:200]
            if part.serial_tracked else [],
            "entries": timeline.entries_for(part, 50),
            "custom_values": forms_engine.display_values(custom_fields.schema(), part.fields, include_empty=False),
            "can": can(request.user, "part.edit", "part.delete", "stock.view"),
        }


class PartEditView(ObjectEditView):
    permission = "part.view"
    template = "parts/form_page.html"
    form_class = PartForm

    def get_object(self, request, pk=None):
        require(request.user, "part.create" if pk is None else "part.edit")
        return queries.get_part(request.user, pk) if pk is not None else None

    def get_form(self, request, part):
        form_class = custom_fields.form_class(part)
        return form_class(request.POST or None, request.FILES or None,
                          initial=PartForm.initial_for(part) if part else None, has_image=bool(part and part.image_id))

    def save(self, request, form, part):
        if part is None:
            return services.create_part(actor=request.user, request=request, **form.service_values())
        return services.update_part(actor=request.user, part=part, request=request, **form.service_values())

    def success_message(self, request, form, part, created):
        return (_("Part %(name)s created.") if created else _("Part %(name)s saved.")) % {"name": part.name}

    def success_url(self, request, part, created):
        return reverse("parts:part_detail", args=[part.pk])

    def get_context(self, request, form, part):
        return {"form": form, "obj": part, "back_url": reverse("parts:list"),
                "title": _("New part") if part is None else _("Edit part")}


class PartDeleteView(RecordDeleteView):
    permission = "part.delete"
    lookup, remove, argument, back = "get_part", "delete_part", "part", "parts:list"
    deleted_message = gettext_lazy("Part %(name)s deleted.")

    def failure_url(self, request, part):
        return reverse("parts:part_detail", args=[part.pk])


def selected_parts(request):
    """The parts named by `ids` (GET or POST), all visible to the actor — else 404."""
    ids = set(int_list(request.POST.getlist("ids") or request.GET.getlist("ids")))
    if not ids:
        raise DomainError(_("Select at least one part."))
    if len(ids) > services.MAX_BATCH:
        raise DomainError(_("Select at most %(n)s parts at a time.") % {"n": services.MAX_BATCH})
    parts = list(queries.parts(request.user).filter(pk__in=ids))
    if len(parts) != len(ids):
        raise NotFound()
    return parts


@login_required
def batch_edit(request):
    """批量编辑 of the selected parts: category, enabled, mall listing, prices."""
    require(request.user, "part.edit")
    parts = selected_parts(request)
    form = PartBatchForm(request.POST if request.method == "POST" and "category_id" in request.POST else None)
    if form.is_bound and form.is_valid():
        try:
            count = services.batch_update_parts(actor=request.user, parts=parts, request=request,
                                                **form.service_values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, ngettext("Updated %(n)s part.", "Updated %(n)s parts.", count) % {"n": count})
            return finished(request)
    return render_modal(request, "parts/_batch_edit.html", {
        "form": form, "parts": parts, "title": _("Batch edit parts"), "action": reverse("parts:batch_edit"),
    }, status=400 if form.errors else 200)


# --- warehouses (PART-03) ----------------------------------------------------------------------------------

class WarehouseList(StandardList):
    key = "warehouses"
    title = gettext_lazy("Warehouses")
    template = "parts/list.html"
    toolbar_template = "parts/_warehouse_toolbar.html"
    search_fields = ["name", "region"]
    search_placeholder = gettext_lazy("Warehouse name or region")
    default_sort = "name"
    export_perm = "stock.export"

    def __init__(self, request):
        super().__init__(request)
        self.may_manage = has_perm(request.user, "stock.warehouses")
        self.columns = [
            Column("name", gettext_lazy("Warehouse name"), sortable=True,
                   link=lambda w: reverse("parts:stock") + f"?f_warehouse={w.pk}"),
            Column("kind", gettext_lazy("Warehouse kind"), value=lambda w: w.get_kind_display(), sortable=True),
            Column("region", gettext_lazy("Region")),
            Column("managers", gettext_lazy("Warehouse managers"),
                   value=lambda w: "、".join(user.name for user in w.managers.all())),
            Column("part_count", gettext_lazy("Parts in stock"), css="text-end"),
            Column("enabled", gettext_lazy("Enabled"), value=lambda w: yes_no(w.enabled)),
            Column("actions", gettext_lazy("Actions"), html=True, value=self.actions_cell, export=lambda w: ""),
        ]

    def base_queryset(self, request):
        return (queries.visible_warehouses(request.user).prefetch_related("managers")
                .annotate(part_count=Count("levels", filter=Q(levels__quantity__gt=0))))

    def actions_cell(self, warehouse):
        return render_to_string("parts/_warehouse_actions.html", {"w": warehouse, "may_manage": self.may_manage},
                                request=self.request)

    def extra_context(self, request):
        return {"can": can(request.user, "stock.warehouses")}


class WarehouseListView(ObjectListView):
    permission = "stock.view"
    list_class = WarehouseList


class WarehouseEditView(RecordEditView):
    permission = "stock.warehouses"
    form_class = WarehouseForm
    lookup, create, update, argument, route = ("get_warehouse", "create_warehouse", "update_warehouse", "warehouse",
                                               "parts:warehouse")
    saved_message = gettext_lazy("Warehouse %(name)s saved.")
    titles = (gettext_lazy("New warehouse"), gettext_lazy("Edit warehouse"))

    def form_extra(self, request):
        return {"actor": request.user}


class WarehouseDeleteView(RecordDeleteView):
    permission = "stock.warehouses"
    lookup, remove, argument, back = "get_warehouse", "delete_warehouse", "warehouse", "parts:warehouses"
    deleted_message = gettext_lazy("Warehouse %(name)s deleted.")


# --- stock (PART-04, 05) -------------------------------------------------------------------------------------

def _part_cells():
    return [
        Column("number", gettext_lazy("Number"), value=lambda r: r.part.number, sortable=True,
               sort_field="part__number", link=lambda r: reverse("parts:part_detail", args=[r.part_id])),
        Column("name", gettext_lazy("Name"), value=lambda r: r.part.name, sortable=True, sort_field="part__name"),
        Column("category", gettext_lazy("Part category"),
               value=lambda r: r.part.category.name if r.part.category_id else ""),
        Column("specification", gettext_lazy("Part specification"), value=lambda r: r.part.specification),
    ]


class StockList(StandardList):
    key = "stock"
    title = gettext_lazy("Stock")
    template = "parts/list.html"
    toolbar_template = "parts/_stock_toolbar.html"
    search_fields = ["part__number", "part__name", "part__specification"]
    search_placeholder = gettext_lazy("Part number, name or specification")
    default_sort = "part__number"
    export_perm = "stock.export"
    filters = [
        IdFilter("warehouse", gettext_lazy("All warehouses"), "warehouse", choices=warehouse_choices),
        IdFilter("category", gettext_lazy("All parts"), "part__category", choices=category_choices),
    ]

    def __init__(self, request):
        super().__init__(request)
        self.may_move = has_perm(request.user, "stock.manage")
        self.columns = [
            *_part_cells(),
            Column("warehouse", gettext_lazy("Warehouse"), value=lambda r: r.warehouse.name, sortable=True,
                   sort_field="warehouse__name"),
            Column("warehouse_kind", gettext_lazy("Warehouse kind"), value=lambda r: r.warehouse.get_kind_display()),
            Column("quantity", gettext_lazy("Quantity in stock"), value=self.quantity_cell, html=True, sortable=True,
                   css="text-end", export=lambda r: r.quantity),
            Column("safety_quantity", gettext_lazy("Safety stock"), value=lambda r: number(r.safety_quantity),
                   css="text-end", export=lambda r: r.safety_quantity),
            Column("actions", gettext_lazy("Actions"), html=True, value=self.actions_cell, export=lambda r: ""),
        ]

    tabs = [Tab("all", gettext_lazy("All")), Tab("alert", gettext_lazy("Stock alerts"), queries.below_safety())]

    def base_queryset(self, request):
        return queries.warehouse_levels(request.user)

    def quantity_cell(self, row):
        if row.below_safety:
            return format_html('{} <span class="badge text-bg-warning">{}</span>', number(row.quantity),
                               _("Stock alert"))
        return number(row.quantity)

    def actions_cell(self, row):
        if not self.may_move:
            return ""
        return format_html('<a href="{0}" data-modal-url="{0}">{1}</a>',
                           reverse("parts:safety", args=[row.pk]), _("Safety stock"))

    def extra_context(self, request):
        return {"can": can(request.user, "stock.manage", "stock.request"),
                "alert_count": queries.warehouse_levels(request.user).filter(queries.below_safety()).count()}


class StockListView(ObjectListView):
    permission = "stock.view"
    list_class = StockList


class MovementList(StandardList):
    key = "stock_movements"
    title = gettext_lazy("Stock records")
    template = "parts/list.html"
    search_fields = ["part__number", "part__name", "reason", "batch"]
    search_placeholder = gettext_lazy("Part number or name, reason")
    default_sort = "-created_at"
    export_perm = "stock.export"
    columns = [
        Column("created_at", gettext_lazy("Time"), sortable=True, value=lambda m: local_time(m.created_at),
               export=lambda m: m.created_at),
        Column("kind", gettext_lazy("Kind"), value=lambda m: m.get_kind_display()),
        Column("number", gettext_lazy("Number"), value=lambda m: m.part.number),
        Column("name", gettext_lazy("Name"), value=lambda m: m.part.name),
        Column("place", gettext_lazy("Warehouse or person"),
               value=lambda m: m.warehouse.name if m.warehouse_id else m.holder.name),
        Column("quantity", gettext_lazy("Quantity"), value=lambda m: number(m.quantity), css="text-end",
               export=lambda m: m.quantity),
        Column("balance", gettext_lazy("Balance"), value=lambda m: number(m.balance), css="text-end",
               export=lambda m: m.balance),
        Column("counterpart", gettext_lazy("From / to")),
        Column("request", gettext_lazy("Requisition or return"), value=lambda m: m.request.number if m.request_id else ""),
        Column("serials", gettext_lazy("Serial numbers"), value=lambda m: "、".join(m.serials or []), default=False),
        Column("reason", gettext_lazy("Reason")),
        Column("actor", gettext_lazy("Operator"), value=lambda m: m.actor.name if m.actor_id else ""),
    ]
    filters = [
        IdFilter("warehouse", gettext_lazy("Warehouse"), "warehouse", choices=warehouse_choices),
        Filter("kind", gettext_lazy("Kind"), "kind", choices=lambda request: StockMovement.Kind.choices),
        Filter("created", gettext_lazy("Time"), "created_at", kind="date_range"),
    ]

    def base_queryset(self, request):
        return queries.movements(request.user)


class MovementListView(ObjectListView):
    permission = "stock.view"
    list_class = MovementList


@login_required
def move(request, kind):
    """入库 / 出库 / 调拨 / 分配 / 移除 dialog, several lines at once."""
    if kind not in MOVE_TITLES:
        raise NotFound()
    policy.require(request.user, None, "stock.move")
    form = MoveForm(request.POST or None, actor=request.user, kind=kind)
    if request.method == "POST" and form.is_valid():
        data, lines = form.cleaned_data, form.lines()
        try:
            if kind == "in":
                services.stock_in(actor=request.user, warehouse_id=data["warehouse_id"], lines=lines,
                                  reason=data["reason"])
            elif kind == "out":
                services.stock_out(actor=request.user, warehouse_id=data["warehouse_id"], lines=lines,
                                   reason=data["reason"])
            elif kind == "remove":
                services.remove_stock(actor=request.user, warehouse_id=data["warehouse_id"], lines=lines,
                                      reason=data["reason"])
            elif kind == "transfer":
                services.transfer(actor=request.user, warehouse_id=data["warehouse_id"],
                                  to_warehouse_id=data["to_warehouse_id"], lines=lines, reason=data["reason"])
            else:
                services.allocate(actor=request.user, warehouse_id=data["warehouse_id"], holder_id=data["holder_id"],
                                  lines=lines, reason=data["reason"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("%(action)s done.") % {"action": MOVE_TITLES[kind]})
            return finished(request)
    return render_modal(request, "parts/_lines_modal.html",
                        {"form": form, "title": MOVE_TITLES[kind], "action": reverse(f"parts:stock_{kind}")},
                        status=400 if form.errors else 200)


@login_required
def safety(request, pk):
    """设置安全库存 of one warehouse row."""
    policy.require(request.user, None, "stock.move")
    level = queries.get_level(request.user, pk)
    if level.warehouse_id is None:
        raise NotFound()
    form = SafetyForm(request.POST or None, initial={"safety_quantity": level.safety_quantity})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_safety_stock(actor=request.user, warehouse_id=level.warehouse_id, part_id=level.part_id,
                                      safety_quantity=form.cleaned_data["safety_quantity"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            return finished(request)
    title = _("Safety stock of %(part)s at %(warehouse)s") % {"part": level.part, "warehouse": level.warehouse}
    return render_modal(request, "parts/_form_modal.html",
                        {"form": form, "title": title, "action": reverse("parts:safety", args=[pk])},
                        status=400 if form.errors else 200)


# --- personal stock (PART-07) -------------------------------------------------------------------------------

def holder_choices(request):
    return [(user.pk, user.name) for user in queries.holders(request.user)]


class PersonalStockList(StandardList):
    key = "personal_stock"
    title = gettext_lazy("Personal stock")
    template = "parts/personal_list.html"
    toolbar_template = "parts/_personal_toolbar.html"
    search_fields = ["part__number", "part__name", "part__specification"]
    search_placeholder = gettext_lazy("Part number, name or specification")
    default_sort = "part__number"
    export_perm = "stock.export"
    def __init__(self, request):
        super().__init__(request)
        self.columns = [
            *_part_cells(),
            Column("quantity", gettext_lazy("Quantity"), value=lambda r: number(r.quantity), css="text-end",
                   sortable=True, export=lambda r: r.quantity),
            Column("reserved", gettext_lazy("Unavailable quantity"), value=lambda r: number(r.reserved),
                   css="text-end", export=lambda r: r.reserved),
            Column("holder", gettext_lazy("Personal stock of"), value=lambda r: r.holder.name),
            Column("actions", gettext_lazy("Actions"), html=True, value=self.actions_cell, export=lambda r: ""),
        ]

    tabs = [Tab("held", gettext_lazy("Holding parts"), Q(quantity__gt=0)), Tab("all", gettext_lazy("All"))]

    def base_queryset(self, request):
        """Everyone in the actor's scope; the holder selector (个人库) narrows it to one person."""
        found = queries.personal_levels(request.user)
        holder = self.params.get("holder", "").strip()
        if holder:
            found = found.filter(holder_id=int(holder)) if holder.isdigit() and len(holder) < 19 else found.none()
        return found

    def actions_cell(self, row):
        if row.holder_id != self.request.user.pk or row.quantity <= 0:
            return ""
        url = reverse("parts:return_create") + f"?part={row.part_id}"
        return format_html('<a href="{0}" data-modal-url="{0}">{1}</a>', url, _("Return"))

    def extra_context(self, request):
        state = self.state()
        rows = self.filtered_queryset(state, with_tab=False).filter(quantity__gt=0)
        totals = rows.aggregate(kinds=Count("part", distinct=True), quantity=Sum("quantity"))
        return {"totals": {"kinds": totals["kinds"] or 0, "quantity": number(totals["quantity"] or 0)},
                "holders": holder_choices(request), "holder": self.params.get("holder", ""),
                "can": can(request.user, "stock.request")}


class PersonalStockListView(ObjectListView):
    permission = "stock.view"
    list_class = PersonalStockList


# --- service items (SVC-01) ----------------------------------------------------------------------------------

class ServiceItemList(StandardList):
    key = "service_items"
    title = gettext_lazy("Service items")
    template = "parts/list.html"
    toolbar_template = "parts/_item_toolbar.html"
    search_fields = ["name", "number"]
    search_placeholder = gettext_lazy("Name or number")
    default_sort = "number"
    export_perm = "service_item.export"
    tabs = [Tab("all", gettext_lazy("All")), Tab("enabled", gettext_lazy("Enabled"), Q(enabled=True)),
            Tab("disabled", gettext_lazy("Disabled"), Q(enabled=False))]

    def __init__(self, request):
        super().__init__(request)
        self.may_edit = has_perm(request.user, "service_item.edit")
        self.may_delete = has_perm(request.user, "service_item.delete")
        self.columns = [
            Column("name", gettext_lazy("Name"), sortable=True),
            Column("number", gettext_lazy("Number"), sortable=True),
            Column("category", gettext_lazy("Category"), sortable=True),
            Column("unit", gettext_lazy("Unit")),
            Column("sale_price", gettext_lazy("Sale unit price"), sortable=True, css="text-end"),
            Column("cost_price", gettext_lazy("Cost price"), sortable=True, css="text-end"),
            Column("enabled", gettext_lazy("Enabled"), value=lambda i: yes_no(i.enabled)),
            Column("actions", gettext_lazy("Actions"), html=True, value=self.actions_cell, export=lambda i: ""),
        ]

    def base_queryset(self, request):
        return queries.service_items(request.user)

    def actions_cell(self, item):
        return render_to_string("parts/_item_actions.html",
                                {"item": item, "may_edit": self.may_edit, "may_delete": self.may_delete},
                                request=self.request)

    def extra_context(self, request):
        return {"can": can(request.user, "service_item.create")}


class ServiceItemListView(ObjectListView):
    permission = "service_item.view"
    list_class = ServiceItemList


class ServiceItemEditView(RecordEditView):
    permission = "service_item.view"
    create_permission, edit_permission = "service_item.create", "service_item.edit"
    form_class = ServiceItemForm
    lookup, create, update, argument, route = ("get_service_item", "create_service_item", "update_service_item",
                                               "item", "parts:item")
    saved_message = gettext_lazy("Service item %(name)s saved.")
    titles = (gettext_lazy("New service item"), gettext_lazy("Edit service item"))

    def form_extra(self, request):
        return {"lists": {kind: services.service_item_list(kind) for kind in services.ITEM_LISTS}}


class ServiceItemDeleteView(RecordDeleteView):
    permission = "service_item.delete"
    lookup, remove, argument, back = "get_service_item", "delete_service_item", "item", "parts:items"
    deleted_message = gettext_lazy("Service item %(name)s deleted.")


# --- part categories (备件类别, a company tree) -----------------------------------------------------------------

@login_required
def categories(request):
    """The category tree with an add form (name, parent) and delete buttons."""
    require(request.user, "part.view")
    from .forms import CategoryForm

    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        require(request.user, "part.edit")
        if form.is_valid():
            try:
                services.create_category(actor=request.user, request=request, **form.cleaned_data)
            except DomainError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("Category %(name)s added.") % {"name": form.cleaned_data["name"]})
                return finished(request, reverse("parts:categories"))
    counts = dict(queries.parts(request.user).values_list("category").annotate(n=Count("pk")).order_by())
    rows = [{"category": category, "depth": depth, "parts": counts.get(category.pk, 0)}
            for category, depth in queries.category_tree()]
    return render(request, "parts/categories.html",
                  {"form": form, "rows": rows, "can": can(request.user, "part.edit")},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def category_delete(request, pk):
    require(request.user, "part.edit")
    category = queries.categories().filter(pk=pk).first()
    if category is None:
        raise NotFound()
    services.delete_category(actor=request.user, category=category, request=request)
    messages.success(request, _("Category %(name)s deleted.") % {"name": category.name})
    return finished(request, reverse("parts:categories"))


# --- the service items' units and categories (SVC-02) ---------------------------------------------------------

ITEM_LIST_TITLES = {"unit": gettext_lazy("Service-item units"), "category": gettext_lazy("Service-item categories")}


@login_required
def service_item_lists(request):
    """服务项目单位和分类: the company's two lists; several names added at once, one removed at a time."""
    require(request.user, "service_item.view")
    may_edit = has_perm(request.user, "service_item.edit")
    posted = request.POST.get("kind") if request.method == "POST" else None
    forms_by_kind = {kind: ItemListForm(prefix=kind) for kind in services.ITEM_LISTS}
    if request.method == "POST":
        require(request.user, "service_item.edit")
        if posted not in services.ITEM_LISTS:
            raise NotFound()
        if "remove" in request.POST:
            services.remove_service_item_option(actor=request.user, kind=posted, name=request.POST["remove"],
                                                request=request)
            messages.success(request, _("Removed “%(name)s”.") % {"name": request.POST["remove"]})
            return redirect("parts:item_lists")
        form = ItemListForm(request.POST, prefix=posted)
        forms_by_kind[posted] = form
        if form.is_valid():
            try:
                added = services.add_service_item_options(actor=request.user, kind=posted,
                                                          names=form.cleaned_data["names"], request=request)
            except DomainError as exc:
                show_error(form, exc)
            else:
                messages.success(request, ngettext("Added %(n)s entry.", "Added %(n)s entries.", len(added))
                                 % {"n": len(added)})
                return redirect("parts:item_lists")
    cards = [{"kind": kind, "title": ITEM_LIST_TITLES[kind], "names": services.service_item_list(kind),
              "form": forms_by_kind[kind]} for kind in services.ITEM_LISTS]
    status = 400 if any(card["form"].errors for card in cards) else 200
    return render(request, "parts/item_lists.html", {"cards": cards, "may_edit": may_edit}, status=status)
