"""Console pages that set products up: templates (PRD-07), product types (PRD-11) and the product
settings (产品管理设置, PRD-09)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from shouhou.core import company_settings, forms_engine, timeline
from shouhou.core.dialogs import can, finished, render_modal, show_error
from shouhou.core.errors import DomainError, NotFound, PermissionDenied
from shouhou.core.generic_views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    ObjectTableView,
    ObjectView,
)
from shouhou.core.http import back
from shouhou.core.lists import BatchAction, Column, Filter, StandardList
from shouhou.core.permissions import get_visible_or_404, has_perm, require

from . import queries, services
from .forms import (
    ProductTypeForm,
    SettingsForm,
    TemplateBatchForm,
    template_form_class,
    template_initial,
)
from .models import ProductTemplate
from .views import NumberFilter, local_time, selected_ids

# --- templates (PRD-07) -------------------------------------------------------------------------------------


class TemplateList(StandardList):
    key = "product_templates"
    title = gettext_lazy("Product templates")
    template = "products/list.html"
    toolbar_template = "products/_template_toolbar.html"
    search_fields = ["name", "number"]
    search_placeholder = gettext_lazy("Product name or number")
    default_sort = "-created_at"
    export_perm = "product.export"
    columns = [
        Column("name", gettext_lazy("Product name"), sortable=True,
               link=lambda t: reverse("products:template_detail", args=[t.pk])),
        Column("number", gettext_lazy("Product number"), sortable=True, code=True),
        Column("product_type", gettext_lazy("Product type"),
               value=lambda t: t.product_type.name if t.product_type_id else "",
               sortable=True, sort_field="product_type__sort_order"),
        Column("warranty_months", gettext_lazy("Warranty (months)"), sortable=True),
        Column("created_by", gettext_lazy("Created by"), value=lambda t: t.created_by.name if t.created_by_id else ""),
        Column("created_at", gettext_lazy("Created at"), sortable=True,
               value=lambda t: local_time(t.created_at), export=lambda t: t.created_at),
    ]
    filters = [
        NumberFilter("type", gettext_lazy("Product type"), "product_type",
                     choices=lambda request: queries.product_type_choices()),
        Filter("created", gettext_lazy("Created at"), "created_at", kind="date_range"),
    ]
    batch_actions = [
        BatchAction(gettext_lazy("Batch edit"), "products:template_batch_edit", perm="product.settings", modal=True),
        BatchAction(gettext_lazy("Delete"), "products:template_batch_delete", perm="product.settings",
                    style="outline-danger",
                    confirm=gettext_lazy("Delete the selected templates? Products made from them keep their data.")),
    ]

    def base_queryset(self, request):
        return queries.templates(request.user)

    def extra_context(self, request):
        return {"can": can(request.user, "product.settings", "product.create")}


class TemplateListView(ObjectListView):
    list_class = TemplateList


def selected_templates(request):
    ids = selected_ids(request)
    found = list(queries.templates(request.user).filter(pk__in=ids))
    if len(found) != len(ids):
        raise NotFound()
    return found


class TemplateView(ObjectView):
    template = "products/template_detail.html"

    def get_object(self, request, pk):
        return queries.get_template(request.user, pk)

    def get_context(self, request, template):
        schema = forms_engine.get_schema(queries.FORM_TARGET)
        return {
            "template_obj": template,
            "custom_values": forms_engine.display_values(schema, template.fields, include_empty=False),
            "entries": timeline.entries_for(template, 100),
            "product_count": template.products.count(),
            "can": can(request.user, "product.settings", "product.create"),
        }


class TemplateEditView(ObjectEditView):
    """New or edit: the engine's form over the template's fields (custom values copied to products)."""

    permission = "product.settings"
    template = "products/template_form.html"
    system = ["name", "number", "product_type", "warranty_months", "description"]

    def get_object(self, request, pk=None):
        return queries.get_template(request.user, pk) if pk is not None else None

    def get_form(self, request, template):
        data = (request.POST or None, request.FILES or None)
        if template is None:
            return template_form_class()(*data)
        return template_form_class(template.fields)(*data, initial=template_initial(template))

    def save(self, request, form, template):
        if template is None:
            return services.create_template(actor=request.user, request=request, **form.service_values())
        services.update_template(actor=request.user, template=template, request=request, **form.service_values())
        return template

    def success_message(self, request, form, template, created):
        if created:
            return _("Template %(name)s created.") % {"name": template.name}
        return _("Template %(name)s saved.") % {"name": form.cleaned_data["name"]}

    def success_url(self, request, template, created):
        return reverse("products:template_detail", args=[template.pk])

    def get_context(self, request, form, template):
        if template is None:
            title, action = _("New product template"), reverse("products:template_create")
        else:
            title, action = _("Edit product template"), reverse("products:template_edit", args=[template.pk])
        return {"form": form, "title": title, "action": action, "template_obj": template,
                "system_fields": [form[name] for name in self.system]}


class TemplateDeleteView(ObjectDeleteView):
    def get_object(self, request, pk):
        return queries.get_template(request.user, pk)

    def delete(self, request, template):
        services.delete_templates(actor=request.user, templates=[template], request=request)

    def success_message(self, request, template):
        return _("Template %(name)s deleted.") % {"name": template.name}

    def success_url(self, request, template):
        return reverse("products:templates")


@login_required
@require_POST
def template_batch_delete(request):
    count = services.delete_templates(actor=request.user, templates=selected_templates(request), request=request)
    messages.success(request, ngettext("Deleted %(n)s template.", "Deleted %(n)s templates.", count) % {"n": count})
    return back(request, reverse("products:templates"))


@login_required
def template_batch_edit(request):
    require(request.user, "product.settings")
    templates = selected_templates(request)
    form = TemplateBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.batch_update_templates(actor=request.user, templates=templates, request=request,
                                                    **form.service_values())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, ngettext("Updated %(n)s template.", "Updated %(n)s templates.", count)
                             % {"n": count})
            return finished(request)
    return render_modal(request, "products/_template_batch_edit.html", {
        "form": form, "templates": templates, "title": _("Batch edit templates"),
        "action": reverse("products:template_batch_edit"),
    }, status=400 if form.errors else 200)


# --- product types (PRD-11) ----------------------------------------------------------------------------------

class TypesView(ObjectTableView):
    """The product types in their order, each with its rename form, and the add row."""

    permission = "product.view"
    template = "products/types.html"

    def get_context(self, request, *, add_form=None, row_error=None):
        counts = queries.type_usage_counts()
        rows = []
        for product_type in queries.product_types():
            form = row_error[1] if row_error and row_error[0] == product_type.pk else ProductTypeForm(
                initial={"name": product_type.name}, prefix=f"t{product_type.pk}")
            rows.append({"type": product_type, "form": form, "count": counts.get(product_type.pk, 0)})
        return {"rows": rows, "add_form": add_form or ProductTypeForm(prefix="new"),
                "can_manage": has_perm(request.user, "product.settings")}


def _type(request, pk):
    return get_visible_or_404(queries.product_types(), pk=pk)


class TypeAddView(ObjectEditView):
    permission = "product.settings"
    page = TypesView

    def get_form(self, request, obj):
        return ProductTypeForm(request.POST, prefix="new")

    def page_forms(self, request, form, obj):
        return {"add_form": form}

    def save(self, request, form, obj):
        return services.create_product_type(actor=request.user, name=form.cleaned_data["name"], request=request)

    def success_message(self, request, form, saved, created):
        return _("Product type added.")

    def success_url(self, request, saved, created):
        return reverse("products:types")


class TypeEditView(TypeAddView):
    """The rename form of one row."""

    def get_object(self, request, pk):
        return _type(request, pk)

    def get_form(self, request, product_type):
        return ProductTypeForm(request.POST, prefix=f"t{product_type.pk}")

    def page_forms(self, request, form, product_type):
        return {"row_error": (product_type.pk, form)}

    def save(self, request, form, product_type):
        return services.rename_product_type(actor=request.user, product_type=product_type,
                                            name=form.cleaned_data["name"], request=request)

    def success_message(self, request, form, saved, created):
        return _("Product type saved.")


class TypeDeleteView(ObjectDeleteView):
    """A type still in use is refused with the reason flashed on the list."""

    permission = "product.settings"

    def get_object(self, request, pk):
        return _type(request, pk)

    def delete(self, request, product_type):
        services.delete_product_type(actor=request.user, product_type=product_type, request=request)

    def success_message(self, request, product_type):
        return _("Product type %(name)s deleted.") % {"name": product_type.name}

    def success_url(self, request, product_type):
        return reverse("products:types")

    failure_url = success_url


class TypeMoveView(ObjectActionView):
    """The ↑/↓ buttons: move one place up or down."""

    permission = "product.settings"

    def get_object(self, request, pk):
        return _type(request, pk)

    def act(self, request, product_type):
        offset = -1 if request.POST.get("direction") == "up" else 1
        services.move_product_type(actor=request.user, product_type=product_type, offset=offset, request=request)

    def success_url(self, request, product_type):
        return reverse("products:types")


@login_required
@require_POST
def type_reorder(request):
    """Called by the drag-and-drop list with the ids in their new order (`ids`, repeated)."""
    require(request.user, "product.settings")
    try:
        services.reorder_product_types(actor=request.user, ordered_ids=request.POST.getlist("ids"), request=request)
    except DomainError as exc:
        if isinstance(exc, PermissionDenied):
            raise
        return JsonResponse(exc.as_dict(), status=exc.status)
    return JsonResponse({"ok": True, "message": _("Order saved.")})


# --- settings (PRD-09) ------------------------------------------------------------------------------------------

def designer_url():
    """The custom-field designer (PRD-04), when the form designer is installed."""
    for kwargs in ({"target": queries.FORM_TARGET}, None):
        try:
            if kwargs is None:
                return reverse("core:form_designer", args=[queries.FORM_TARGET])
            return reverse("core:form_designer", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return ""


@login_required
def product_settings(request):
    require(request.user, "product.settings")
    current = company_settings.values(group="product")
    form = SettingsForm(request.POST if request.method == "POST" else None, current=current)
    if form.is_bound and form.is_valid():
        try:
            services.update_product_settings(actor=request.user, values=form.setting_values(), request=request)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Product settings saved."))
            return HttpResponseRedirect(reverse("products:settings"))
    return render(request, "products/settings.html", {
        "form": form, "designer_url": designer_url(), "type_count": queries.product_types().count(),
        "template_count": ProductTemplate.objects.count(),
    }, status=400 if form.errors else 200)
