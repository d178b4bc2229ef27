"""Work-order settings (系统管理 › 工单设置): types and their four-step editor (WOSET-T1/T2, F1/F2, R1),
the add-on component library (WO-28, WOSET-T4), service types and contents, and the company settings."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import company_settings, forms_engine
from shouhou.core.generic_views import (
    ObjectActionView,
    ObjectDeleteView,
    ObjectEditView,
    ObjectTableView,
)

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


# --- the type list (WOSET-T1) --------------------------------------------------------------------------------

class TypesView(ObjectTableView):
    permission = PERM
    template = "workorders/settings/types.html"

    def get_context(self, request):
        rows = type_queries.types_with_usage()
        return {"rows": [{"type": t, "teams": list(t.teams.all()), "components": list(t.components.all()),
                          "first": i == 0, "last": i == len(rows) - 1} for i, t in enumerate(rows)]}


class _TypeView:
    permission = PERM

    def get_object(self, request, type_id):
        return type_queries.get_type(type_id)

    def success_url(self, request, order_type, *created):
        return reverse("workorders:types")


class TypeCreateView(ObjectEditView):
    permission = PERM
    modal = True
    template = "workorders/settings/_type_new.html"
    form_class = TypeForm

    def form_kwargs(self, request, obj):
        return {"actor": request.user}

    def save(self, request, form, obj):
        return type_services.save_type(actor=request.user, **form.cleaned_data)

    def success_message(self, request, form, order_type, created):
        return _("Work-order type %(name)s created; now set up its form.") % {"name": order_type.name}

    def success_url(self, request, order_type, created):
        return reverse("workorders:type_form", args=[order_type.pk])

    def get_context(self, request, form, obj):
        return {"form": form, "title": _("New work-order type"), "action": reverse("workorders:type_create")}


class TypeToggleView(_TypeView, ObjectActionView):
    def act(self, request, order_type):
        type_services.update_type(actor=request.user, type=order_type, is_enabled=not order_type.is_enabled)

    def success_message(self, request, order_type):
        return (_("%(name)s disabled.") if order_type.is_enabled else _("%(name)s enabled.")) % {
            "name": order_type.name}


class TypeMoveView(_TypeView, ObjectActionView):
    def act(self, request, order_type):
        type_services.move_type(actor=request.user, type=order_type, direction=request.POST.get("direction", ""))


class TypeDeleteView(_TypeView, ObjectDeleteView):
    def delete(self, request, order_type):
        type_services.delete_type(actor=request.user, type=order_type)

    def success_message(self, request, order_type):
        return _("Work-order type %(name)s deleted.") % {"name": order_type.name}


class TypeTeamsView(_TypeView, ObjectEditView):
    """可用团队 of one type (WO-26)."""

    modal = True
    template = "workorders/settings/_type_teams.html"

    def get_form(self, request, order_type):
        return TeamsForm(request.POST or None, actor=request.user,
                         initial={"team_ids": [t.pk for t in order_type.teams.all()]})

    def save(self, request, form, order_type):
        type_services.update_type(actor=request.user, type=order_type, team_ids=form.cleaned_data["team_ids"])
        return order_type

    def success_message(self, request, form, order_type, created):
        return _("Teams of %(name)s saved.") % {"name": order_type.name}

    def get_context(self, request, form, order_type):
        return {"form": form, "order_type": order_type, "title": _("Available to teams"),
                "action": reverse("workorders:type_teams", args=[order_type.pk])}


# --- the four-step editor (WOSET-T2) ----------------------------------------------------------------------------

def _schema_fields(target):
    schema = forms_engine.get_schema(target)
    return [field for field in schema.parsed.fields if field.system], [
        field for field in schema.parsed.fields if not field.system]


class TypeStepView(_TypeView, ObjectEditView):
    """One step of the editor: its form saved by `save`, then on to the next step (the last back to the list)."""

    step = None

    def success_url(self, request, order_type, created):
        keys = [key for key, _label, _name in STEPS]
        index = keys.index(self.step)
        if index + 1 < len(STEPS):
            return reverse(STEPS[index + 1][2], args=[order_type.pk])
        return reverse("workorders:types")

    def step_context(self, request, form, order_type):
        return {}

    def get_context(self, request, form, order_type):
        steps = [{"key": key, "label": label, "url": reverse(name, args=[order_type.pk]), "active": key == self.step,
                  "number": index + 1} for index, (key, label, name) in enumerate(STEPS)]
        index = [step["key"] for step in steps].index(self.step)
        return {"order_type": order_type, "steps": steps, "step": self.step, "form": form,
                "previous_url": steps[index - 1]["url"] if index else reverse("workorders:types"),
                "previous_url_is_step": index > 0, "last_step": index == len(steps) - 1,
                **self.step_context(request, form, order_type)}


class TypeFormStepView(TypeStepView):
    """Step 1 表单设置: name, colour, enabled, teams; the form designer with its locked system fields."""

    step = "form"
    template = "workorders/settings/type_form.html"

    def get_form(self, request, order_type):
        initial = {"name": order_type.name, "color": order_type.color, "is_enabled": order_type.is_enabled,
                   "team_ids": [t.pk for t in order_type.teams.all()],
                   "required_skill_ids": [s.pk for s in order_type.required_skills.all()]}
        return TypeForm(request.POST or None, actor=request.user, initial=initial)

    def save(self, request, form, order_type):
        type_services.update_type(actor=request.user, type=order_type, **form.cleaned_data)
        return order_type

    def success_message(self, request, form, order_type, created):
        return _("Saved.")

    def step_context(self, request, form, order_type):
        system_fields, custom_fields = _schema_fields(order_type.form_target)
        return {"designer_url": designer_url(order_type.form_target), "system_fields": system_fields,
                "custom_fields": custom_fields}


class TypeFlowStepView(TypeStepView):
    """Step 2 流程设置 (WOSET-F1) with the timeout reminder rule (F2)."""

    step = "flow"
    template = "workorders/settings/type_flow.html"

    def get_form(self, request, order_type):
        return FlowForm(request.POST or None, actor=request.user, order_type=order_type)

    def save(self, request, form, order_type):
        type_services.update_type(actor=request.user, type=order_type, flow=form.flow_value(),
                                  timeout_reminder=form.reminder_value())
        return order_type

    def success_message(self, request, form, order_type, created):
        return _("Flow saved.")

    def step_context(self, request, form, order_type):
        return {"rows": form.rows(), "rule_labels": flow.APPROVAL_RULE_LABELS}


class TypeReceiptStepView(TypeStepView):
    """Step 3 回执设置: receipt options and the receipt form designer."""

    step = "receipt"
    template = "workorders/settings/type_receipt.html"

    def get_form(self, request, order_type):
        return ReceiptOptionsForm(request.POST or None, initial=type_services.receipt_options(order_type))

    def save(self, request, form, order_type):
        type_services.update_type(actor=request.user, type=order_type, receipt_options=form.cleaned_data)
        return order_type

    def success_message(self, request, form, order_type, created):
        return _("Receipt settings saved.")

    def step_context(self, request, form, order_type):
        system_fields, custom_fields = _schema_fields(order_type.receipt_target)
        return {"designer_url": designer_url(order_type.receipt_target), "system_fields": system_fields,
                "custom_fields": custom_fields}


class TypeComponentsStepView(TypeStepView):
    """Step 4 附加组件: which components the type's orders carry (tabs on the detail)."""

    step = "components"
    template = "workorders/settings/type_components.html"

    def get_form(self, request, order_type):
        return TypeComponentsForm(request.POST or None,
                                  initial={"component_ids": [c.pk for c in order_type.components.all()]})

    def save(self, request, form, order_type):
        type_services.update_type(actor=request.user, type=order_type,
                                  component_ids=form.cleaned_data["component_ids"])
        return order_type

    def success_message(self, request, form, order_type, created):
        return _("Work-order type %(name)s saved.") % {"name": order_type.name}

    def step_context(self, request, form, order_type):
        return {"components": type_queries.components_with_usage()}


# --- add-on components (WO-28) ----------------------------------------------------------------------------------

class ComponentsView(ObjectTableView):
    permission = PERM
    template = "workorders/settings/components.html"

    def get_context(self, request):
        return {"rows": [{"component": c, "types": list(c.types.all()), "designer_url": designer_url(c.form_target)}
                         for c in type_queries.components_with_usage()]}


class _ComponentView:
    permission = PERM

    def get_object(self, request, component_id):
        return type_queries.get_component(component_id)

    def success_url(self, request, component, *created):
        return reverse("workorders:components")


class ComponentEditView(_ComponentView, ObjectEditView):
    """New (no id) or edit, in a dialog."""

    modal = True
    template = "workorders/settings/_component_form.html"

    def get_object(self, request, component_id=None):
        return super().get_object(request, component_id) if component_id is not None else None

    def get_form(self, request, component):
        initial = {"repeatable": "1" if component.repeatable else "0", "name": component.name,
                   "description": component.description, "is_enabled": component.is_enabled} if component else None
        return ComponentForm(request.POST or None, initial=initial)

    def save(self, request, form, component):
        return type_services.save_component(actor=request.user, component=component, **form.cleaned_data)

    def success_message(self, request, form, saved, created):
        return _("Component %(name)s saved.") % {"name": saved.name}

    def get_context(self, request, form, component):
        url = reverse("workorders:component_update", args=[component.pk]) if component else reverse(
            "workorders:component_create")
        return {"form": form, "component": component, "action": url,
                "designer_url": designer_url(component.form_target) if component else "",
                "title": _("Edit component") if component else _("New component")}


class ComponentToggleView(_ComponentView, ObjectActionView):
    def act(self, request, component):
        type_services.set_component_enabled(actor=request.user, component=component,
                                            is_enabled=not component.is_enabled)


class ComponentDeleteView(_ComponentView, ObjectDeleteView):
    def delete(self, request, component):
        type_services.delete_component(actor=request.user, component=component)

    def success_message(self, request, component):
        return _("Component %(name)s deleted.") % {"name": component.name}


# --- service types and contents ----------------------------------------------------------------------------------

class OptionsView(ObjectTableView):
    """服务类型 and 服务内容: each kind's options in their order, with its add row."""

    permission = PERM
    template = "workorders/settings/options.html"

    def get_context(self, request, *, add_forms=None):
        lists = type_queries.service_option_lists()
        add_forms = add_forms or {}
        return {"groups": [{"kind": kind, "label": label, "options": lists[kind],
                            "form": add_forms.get(kind) or ServiceOptionForm(prefix=kind)}
                           for kind, label in ServiceOption.Kind.choices]}


class _OptionView:
    permission = PERM

    def get_object(self, request, option_id):
        return type_queries.get_service_option(option_id)

    def success_url(self, request, option, *created):
        return reverse("workorders:options")


class OptionCreateView(_OptionView, ObjectEditView):
    """The add row of one kind (`kind` in the POST)."""

    page = OptionsView

    def get_object(self, request):
        return None

    def get_form(self, request, obj):
        return ServiceOptionForm(request.POST, prefix=request.POST.get("kind", ""))

    def page_forms(self, request, form, obj):
        return {"add_forms": {request.POST.get("kind", ""): form}}

    def save(self, request, form, obj):
        return type_services.save_service_option(actor=request.user, kind=request.POST.get("kind", ""),
                                                 name=form.cleaned_data["name"])

    def success_message(self, request, form, option, created):
        return _("%(name)s added.") % {"name": option.name}


class OptionRenameView(_OptionView, ObjectEditView):
    modal = True
    template = "workorders/settings/_option_form.html"

    def get_form(self, request, option):
        return ServiceOptionForm(request.POST or None, initial={"name": option.name})

    def save(self, request, form, option):
        return type_services.save_service_option(actor=request.user, option=option, kind=option.kind,
                                                 name=form.cleaned_data["name"], is_active=option.is_active)

    def success_message(self, request, form, option, created):
        return _("Saved.")

    def get_context(self, request, form, option):
        return {"form": form, "option": option, "title": _("Rename"),
                "action": reverse("workorders:option_update", args=[option.pk])}


class OptionToggleView(_OptionView, ObjectActionView):
    def act(self, request, option):
        type_services.set_service_option_active(actor=request.user, option=option, is_active=not option.is_active)


class OptionMoveView(_OptionView, ObjectActionView):
    def act(self, request, option):
        type_services.move_service_option(actor=request.user, option=option,
                                          direction=request.POST.get("direction", ""))


# --- 工单设置: the company settings -------------------------------------------------------------------------------

class GeneralView(ObjectEditView):
    permission = PERM
    template = "workorders/settings/general.html"
    form_class = WorkOrderSettingsForm

    def save(self, request, form, obj):
        company_settings.update_settings(actor=request.user, values=form.setting_values(), request=request,
                                         permission=PERM)

    def success_message(self, request, form, saved, created):
        return _("Work-order settings saved.")

    def success_url(self, request, saved, created):
        return reverse("workorders:settings")
