"""Work-order settings (系统管理 › 工单设置): types and their four-step editor (WOSET-T1/T2, F1/F2, R1),
the add-on component library (WO-28, WOSET-T4), service types and contents, and the company settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from shouhou.core import company_settings, forms_engine
from shouhou.core.dialogs import finished, render_modal, show_error
from shouhou.core.errors import DomainError
from shouhou.core.http import back
from shouhou.core.permissions import require

from .. import flow
from ..forms import (
    ComponentForm,
    FlowForm,
    ReceiptOptionsForm,
    ServiceOptionForm,
    TeamsForm,
    TypeComponentsForm,
    TypeForm,
    WorkOrderSettingsForm,
)
from ..models import ServiceOption
from ..queries import types as type_queries
from ..services import types as type_services
from .common import designer_url

PERM = "workorder_settings.manage"
STEPS = [
    ("form", gettext_lazy("Form"), "workorders:type_form"),
    ("flow", gettext_lazy("Flow"), "workorders:type_flow"),
    ("receipt", gettext_lazy("Receipt"), "workorders:type_receipt"),
    ("components", gettext_lazy("Add-on components"), "workorders:type_components"),
]


def _require(request):
    require(request.user, PERM)


def _status(form):
    return 400 if form.is_bound and form.errors else 200


# --- the type list (WOSET-T1) --------------------------------------------------------------------------------

@login_required
def types(request):
    _require(request)
    rows = type_queries.types_with_usage()
    return render(request, "workorders/settings/types.html", {
        "rows": [{"type": t, "teams": list(t.teams.all()), "components": list(t.components.all()),
                  "first": i == 0, "last": i == len(rows) - 1} for i, t in enumerate(rows)],
    })


@login_required
def type_create(request):
    _require(request)
    form = TypeForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            order_type = type_services.save_type(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Work-order type %(name)s created; now set up its form.") % {
                "name": order_type.name})
            return finished(request, reverse("workorders:type_form", args=[order_type.pk]))
    return render_modal(request, "workorders/settings/_type_new.html", {
        "form": form, "title": _("New work-order type"), "action": reverse("workorders:type_create")},
        status=_status(form))


@login_required
@require_POST
def type_toggle(request, type_id):
    _require(request)
    order_type = type_queries.get_type(type_id)
    type_services.update_type(actor=request.user, type=order_type, is_enabled=not order_type.is_enabled)
    messages.success(request, (_("%(name)s disabled.") if order_type.is_enabled else _("%(name)s enabled."))
                     % {"name": order_type.name})
    return back(request, reverse("workorders:types"))


@login_required
@require_POST
def type_move(request, type_id):
    _require(request)
    type_services.move_type(actor=request.user, type=type_queries.get_type(type_id),
                               direction=request.POST.get("direction", ""))
    return back(request, reverse("workorders:types"))


@login_required
@require_POST
def type_delete(request, type_id):
    _require(request)
    order_type = type_queries.get_type(type_id)
    type_services.delete_type(actor=request.user, type=order_type)
    messages.success(request, _("Work-order type %(name)s deleted.") % {"name": order_type.name})
    return redirect("workorders:types")


@login_required
def type_teams(request, type_id):
    """可用团队 of one type (WO-26)."""
    _require(request)
    order_type = type_queries.get_type(type_id)
    form = TeamsForm(request.POST or None, actor=request.user,
                     initial={"team_ids": [t.pk for t in order_type.teams.all()]})
    if request.method == "POST" and form.is_valid():
        try:
            type_services.update_type(actor=request.user, type=order_type, team_ids=form.cleaned_data["team_ids"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Teams of %(name)s saved.") % {"name": order_type.name})
            return finished(request, reverse("workorders:types"))
    return render_modal(request, "workorders/settings/_type_teams.html", {
        "form": form, "order_type": order_type, "title": _("Available to teams"),
        "action": reverse("workorders:type_teams", args=[order_type.pk])}, status=_status(form))


# --- the four-step editor (WOSET-T2) ----------------------------------------------------------------------------

def _editor(request, order_type, step, template, context, status=200):
    steps = [{"key": key, "label": label, "url": reverse(name, args=[order_type.pk]), "active": key == step,
              "number": index + 1} for index, (key, label, name) in enumerate(STEPS)]
    return render(request, template, {"order_type": order_type, "steps": steps, "step": step, **context},
                  status=status)


def _next_step(step, order_type):
    keys = [key for key, _label, _name in STEPS]
    index = keys.index(step)
    if index + 1 < len(STEPS):
        return reverse(STEPS[index + 1][2], args=[order_type.pk])
    return reverse("workorders:types")


def _schema_fields(target):
    schema = forms_engine.get_schema(target)
    return [field for field in schema.parsed.fields if field.system], [
        field for field in schema.parsed.fields if not field.system]


@login_required
def type_form(request, type_id):
    """Step 1 表单设置: name, colour, enabled, teams; the form designer with its locked system fields."""
    _require(request)
    order_type = type_queries.get_type(type_id)
    initial = {"name": order_type.name, "color": order_type.color, "is_enabled": order_type.is_enabled,
               "team_ids": [t.pk for t in order_type.teams.all()]}
    form = TypeForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            type_services.update_type(actor=request.user, type=order_type, **form.cleaned_data)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(_next_step("form", order_type))
    system_fields, custom_fields = _schema_fields(order_type.form_target)
    return _editor(request, order_type, "form", "workorders/settings/type_form.html", {
        "form": form, "designer_url": designer_url(order_type.form_target), "system_fields": system_fields,
        "custom_fields": custom_fields}, status=_status(form))


@login_required
def type_flow(request, type_id):
    """Step 2 流程设置 (WOSET-F1) with the timeout reminder rule (F2)."""
    _require(request)
    order_type = type_queries.get_type(type_id)
    form = FlowForm(request.POST or None, actor=request.user, order_type=order_type)
    if request.method == "POST" and form.is_valid():
        try:
            type_services.update_type(actor=request.user, type=order_type, flow=form.flow_value(),
                                         timeout_reminder=form.reminder_value())
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Flow saved."))
            return redirect(_next_step("flow", order_type))
    return _editor(request, order_type, "flow", "workorders/settings/type_flow.html", {
        "form": form, "rows": form.rows(), "rule_labels": flow.APPROVAL_RULE_LABELS}, status=_status(form))


@login_required
def type_receipt(request, type_id):
    """Step 3 回执设置: receipt options and the receipt form designer."""
    _require(request)
    order_type = type_queries.get_type(type_id)
    form = ReceiptOptionsForm(request.POST or None, initial=order_type.receipt_options or {})
    if request.method == "POST" and form.is_valid():
        try:
            type_services.update_type(actor=request.user, type=order_type, receipt_options=form.cleaned_data)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Receipt settings saved."))
            return redirect(_next_step("receipt", order_type))
    system_fields, custom_fields = _schema_fields(order_type.receipt_target)
    return _editor(request, order_type, "receipt", "workorders/settings/type_receipt.html", {
        "form": form, "designer_url": designer_url(order_type.receipt_target), "system_fields": system_fields,
        "custom_fields": custom_fields}, status=_status(form))


@login_required
def type_components(request, type_id):
    """Step 4 附加组件: which components the type's orders carry (tabs on the detail)."""
    _require(request)
    order_type = type_queries.get_type(type_id)
    form = TypeComponentsForm(request.POST or None,
                              initial={"component_ids": [c.pk for c in order_type.components.all()]})
    if request.method == "POST" and form.is_valid():
        try:
            type_services.update_type(actor=request.user, type=order_type,
                                         component_ids=form.cleaned_data["component_ids"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Work-order type %(name)s saved.") % {"name": order_type.name})
            return redirect(_next_step("components", order_type))
    return _editor(request, order_type, "components", "workorders/settings/type_components.html", {
        "form": form, "components": type_queries.components_with_usage()}, status=_status(form))


# --- add-on components (WO-28) ----------------------------------------------------------------------------------

@login_required
def components(request):
    _require(request)
    rows = [{"component": c, "types": list(c.types.all()), "designer_url": designer_url(c.form_target)}
            for c in type_queries.components_with_usage()]
    return render(request, "workorders/settings/components.html", {"rows": rows})


def _component_dialog(request, component=None):
    initial = {"repeatable": "1" if component.repeatable else "0", "name": component.name,
               "description": component.description, "is_enabled": component.is_enabled} if component else None
    form = ComponentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = type_services.save_component(actor=request.user, component=component, **form.cleaned_data)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Component %(name)s saved.") % {"name": saved.name})
            return finished(request, reverse("workorders:components"))
    url = reverse("workorders:component_update", args=[component.pk]) if component else reverse(
        "workorders:component_create")
    return render_modal(request, "workorders/settings/_component_form.html", {
        "form": form, "component": component, "action": url,
        "designer_url": designer_url(component.form_target) if component else "",
        "title": _("Edit component") if component else _("New component")}, status=_status(form))


@login_required
def component_create(request):
    _require(request)
    return _component_dialog(request)


@login_required
def component_update(request, component_id):
    _require(request)
    return _component_dialog(request, type_queries.get_component(component_id))


@login_required
@require_POST
def component_toggle(request, component_id):
    _require(request)
    component = type_queries.get_component(component_id)
    type_services.set_component_enabled(actor=request.user, component=component,
                                           is_enabled=not component.is_enabled)
    return back(request, reverse("workorders:components"))


@login_required
@require_POST
def component_delete(request, component_id):
    _require(request)
    component = type_queries.get_component(component_id)
    type_services.delete_component(actor=request.user, component=component)
    messages.success(request, _("Component %(name)s deleted.") % {"name": component.name})
    return redirect("workorders:components")


# --- service types and contents ----------------------------------------------------------------------------------

def _options_page(request, *, add_forms=None, status=200):
    lists = type_queries.service_option_lists()
    add_forms = add_forms or {}
    groups = [{"kind": kind, "label": label, "options": lists[kind],
               "form": add_forms.get(kind) or ServiceOptionForm(prefix=kind)}
              for kind, label in ServiceOption.Kind.choices]
    return render(request, "workorders/settings/options.html", {"groups": groups}, status=status)


@login_required
def options(request):
    _require(request)
    return _options_page(request)


@login_required
@require_POST
def option_create(request):
    _require(request)
    kind = request.POST.get("kind", "")
    form = ServiceOptionForm(request.POST, prefix=kind)
    if form.is_valid():
        try:
            option = type_services.save_service_option(actor=request.user, kind=kind,
                                                       name=form.cleaned_data["name"])
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("%(name)s added.") % {"name": option.name})
            return redirect("workorders:options")
    return _options_page(request, add_forms={kind: form}, status=400)


@login_required
def option_update(request, option_id):
    _require(request)
    option = type_queries.get_service_option(option_id)
    form = ServiceOptionForm(request.POST or None, initial={"name": option.name})
    if request.method == "POST" and form.is_valid():
        try:
            type_services.save_service_option(actor=request.user, option=option, kind=option.kind,
                                              name=form.cleaned_data["name"], is_active=option.is_active)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return finished(request, reverse("workorders:options"))
    return render_modal(request, "workorders/settings/_option_form.html", {
        "form": form, "option": option, "title": _("Rename"),
        "action": reverse("workorders:option_update", args=[option.pk])}, status=_status(form))


@login_required
@require_POST
def option_toggle(request, option_id):
    _require(request)
    option = type_queries.get_service_option(option_id)
    type_services.set_service_option_active(actor=request.user, option=option, is_active=not option.is_active)
    return redirect("workorders:options")


@login_required
@require_POST
def option_move(request, option_id):
    _require(request)
    type_services.move_service_option(actor=request.user, option=type_queries.get_service_option(option_id),
                                         direction=request.POST.get("direction", ""))
    return redirect("workorders:options")


# --- 工单设置: the company settings -------------------------------------------------------------------------------

@login_required
def general(request):
    _require(request)
    form = WorkOrderSettingsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            company_settings.update_settings(actor=request.user, values=form.setting_values(), request=request,
                                            permission=PERM)
        except DomainError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("Work-order settings saved."))
            return redirect("workorders:settings")
    return render(request, "workorders/settings/general.html", {"form": form}, status=_status(form))
