"""Work-order settings (WOSET-T1…T4, WO-28): types with their flow, reminder rule, forms and receipt
options, the order of types, the service type/content option lists and the add-on components."""

import re

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from shouhou.accounts import skills as skill_queries
from shouhou.accounts.models import Role, Team, User
from shouhou.core import forms_engine, outbox, permissions, timeline
from shouhou.core.audit import SystemLog, log
from shouhou.core.errors import DomainError, NotFound, ValidationFailed

from .. import flow
from ..models import AddonComponent, ComponentEntry, ServiceOption, WorkOrder, WorkOrderType
from . import kernel

COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def _require_settings(actor):
    permissions.require(actor, "workorder_settings.manage")


def _check_flow_references(flow_config, errors):
    for node, config in flow_config.items():
        approval = config["approval"]
        if approval["rule"] == "users" and approval["user_ids"]:
            found = User.objects.for_tenant().filter(pk__in=approval["user_ids"]).count()
            if found != len(set(approval["user_ids"])):
                errors[f"flow.{node}.approval"] = [_("Choose approvers of your company.")]
        if approval["rule"] == "role" and not Role.objects.filter(pk=approval["role_id"]).exists():
            errors[f"flow.{node}.approval"] = [_("Choose a role of your company.")]


def _clean_type_values(order_type, *, name, color, team_ids, flow_config, timeout_reminder, receipt_options,
                       component_ids):
    errors = {}
    name = kernel.clean_text(name, "name", required=True, limit=50, errors=errors)
    duplicate = WorkOrderType.objects.filter(name=name).exclude(pk=kernel.pk(order_type)).exists()
    if name and duplicate:
        errors["name"] = [_("Another work-order type already has this name.")]
    if not isinstance(color, str) or not COLOR_RE.match(color):
        errors["color"] = [_("Enter a colour like #1677ff.")]
    teams = list(Team.objects.filter(pk__in=set(team_ids or [])))
    if len(teams) != len(set(team_ids or [])):
        errors["team_ids"] = [_("Choose teams of your company.")]
    components = list(AddonComponent.objects.filter(pk__in=set(component_ids or [])))
    if len(components) != len(set(component_ids or [])):
        errors["component_ids"] = [_("Choose add-on components of your company.")]
    cleaned_flow, reminder = flow.default_flow(), {}
    for key, check in (("flow", lambda: flow.validate(flow_config)),
                       ("timeout_reminder", lambda: flow.validate_timeout_reminder(timeout_reminder))):
        try:
            value = check()
        except ValidationFailed as exc:
            kernel.merge_validation(errors, exc)
            continue
        if key == "flow":
            cleaned_flow = value
        else:
            reminder = value
    _check_flow_references(cleaned_flow, errors)
    if reminder.get("user_ids") and User.objects.for_tenant().filter(pk__in=reminder["user_ids"]).count() != len(
            reminder["user_ids"]):
        errors["timeout_reminder.user_ids"] = [_("Choose colleagues of your company.")]
    options = _clean_receipt_options(receipt_options, errors)
    if errors:
        raise ValidationFailed(details=errors)
    return name, cleaned_flow, reminder, options, teams, components


RECEIPT_FLAGS = {"require_signature": False, "require_attachments": False, "parts": True, "service_items": True}
"""The type's receipt options and their defaults: the customer's signature and a file required, and
(WOSET-R1) whether the receipt has the 备件 (with 旧件返还) and the 服务项目 sections."""


def _clean_receipt_options(raw, errors):
    raw = raw or {}
    if not isinstance(raw, dict) or set(raw) - set(RECEIPT_FLAGS) or not all(isinstance(v, bool) for v in raw.values()):
        errors["receipt_options"] = [_("Send require_signature, require_attachments, parts and service_items as "
                                       "true or false.")]
        return {}
    return {key: raw.get(key, default) for key, default in RECEIPT_FLAGS.items()}


def receipt_options(order_type):
    """The type's receipt options with the defaults filled in."""
    return {**RECEIPT_FLAGS, **(order_type.receipt_options or {})}


def receipt_section(order_type, key):
    """Whether the type's receipt has the section `key` ("parts" or "service_items", WOSET-R1)."""
    return bool((order_type.receipt_options or {}).get(key, RECEIPT_FLAGS[key]))


TYPE_FIELDS = ["name", "color", "is_enabled", "flow", "timeout_reminder", "receipt_options"]


@transaction.atomic
def save_type(*, actor, type=None, name, color="#1677ff", is_enabled=True, team_ids=(), flow=None,
              timeout_reminder=None, receipt_options=None, component_ids=(), required_skill_ids=None):
    """Create or edit a work-order type with its flow (WOSET-F1), reminder rule (F2) and receipt options.
    `required_skill_ids` (None keeps them): the skills a candidate must have (issue 10)."""
    _require_settings(actor)
    from .. import flow as flow_module

    order_type = WorkOrderType.objects.select_for_update().filter(pk=kernel.pk(type)).first() if type else None
    if type is not None and order_type is None:
        raise NotFound()
    stored = flow_module.normalize(order_type.flow) if order_type else flow_module.default_flow()
    flow_config = flow if flow is not None else stored
    reminder = timeout_reminder if timeout_reminder is not None else (order_type.timeout_reminder if order_type
                                                                        else {})
    name, flow_config, reminder, options, teams, components = _clean_type_values(
        order_type, name=name, color=color, team_ids=team_ids, flow_config=flow_config, timeout_reminder=reminder,
        receipt_options=receipt_options if receipt_options is not None else (
            order_type.receipt_options if order_type else {}),
        component_ids=component_ids)
    skills = None if required_skill_ids is None else skill_queries.resolve_skills(required_skill_ids,
                                                                                  "required_skill_ids")
    creating = order_type is None
    if creating:
        top = WorkOrderType.objects.aggregate(top=Max("sort_order"))["top"]
        order_type = WorkOrderType(sort_order=0 if top is None else top + 1)
    before = timeline.snapshot(order_type, TYPE_FIELDS) if not creating else {}
    order_type.name, order_type.color, order_type.is_enabled = name, color, bool(is_enabled)
    order_type.flow, order_type.timeout_reminder, order_type.receipt_options = flow_config, reminder, options
    order_type.save()
    order_type.teams.set(teams)
    order_type.components.set(components)
    if skills is not None:
        order_type.required_skills.set(skills)
    changes = [] if creating else timeline.diff(order_type, before, TYPE_FIELDS)
    timeline.record(actor=actor, obj=order_type, verb="created" if creating else "updated",
                    summary=_("Created the work-order type") if creating else _("Edited the work-order type"),
                    changes=changes)
    if not creating and changes:
        log(SystemLog.Kind.SETTINGS, user=actor, action=_("Edited work-order type “%(name)s”") % {"name": name},
            detail={"type_id": order_type.pk, "changes": changes})
    outbox.emit("workorder_type.saved", type_id=order_type.pk, actor_id=actor.pk, created=creating)
    return order_type


@transaction.atomic
def reorder_types(*, actor, type_ids):
    _require_settings(actor)
    ids = [int(i) for i in type_ids]
    existing = set(WorkOrderType.objects.values_list("pk", flat=True))
    if len(set(ids)) != len(ids) or set(ids) != existing:
        raise ValidationFailed(details={"type_ids": [_("Send every work-order type exactly once.")]})
    for index, type_id in enumerate(ids):
        WorkOrderType.objects.filter(pk=type_id).update(sort_order=index)


@transaction.atomic
def delete_type(*, actor, type):
    _require_settings(actor)
    order_type = WorkOrderType.objects.select_for_update().filter(pk=kernel.pk(type)).first()
    if order_type is None:
        raise NotFound()
    if WorkOrder.objects.filter(order_type=order_type).exists():
        raise DomainError(_("This type is used by work orders; disable it instead."), code="in_use")
    log(SystemLog.Kind.DELETE, user=actor, action=_("Deleted work-order type “%(name)s”") % {"name": order_type.name},
        detail={"type_id": order_type.pk})
    order_type.delete()


def save_type_form(*, actor, order_type, fields, expected_version=None):
    """The type's form designer (system fields locked), through the form engine."""
    return forms_engine.save_schema(actor=actor, target=order_type.form_target, fields=fields,
                                    permission="workorder_settings.manage", expected_version=expected_version)


def save_receipt_form(*, actor, order_type, fields, expected_version=None):
    return forms_engine.save_schema(actor=actor, target=order_type.receipt_target, fields=fields,
                                    permission="workorder_settings.manage", expected_version=expected_version)


def save_component_form(*, actor, component, fields, expected_version=None):
    return forms_engine.save_schema(actor=actor, target=component.form_target, fields=fields,
                                    permission="workorder_settings.manage", expected_version=expected_version)


@transaction.atomic
def save_service_option(*, actor, option=None, kind, name, is_active=True):
    """服务类型 / 服务内容 option lists."""
    _require_settings(actor)
    errors = {}
    if kind not in ServiceOption.Kind.values:
        errors["kind"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ServiceOption.Kind.values)}]
    name = kernel.clean_text(name, "name", required=True, limit=50, errors=errors)
    if not errors and ServiceOption.objects.filter(kind=kind, name=name).exclude(pk=kernel.pk(option)).exists():
        errors["name"] = [_("This option already exists.")]
    if errors:
        raise ValidationFailed(details=errors)
    if option is None:
        top = ServiceOption.objects.filter(kind=kind).aggregate(top=Max("sort_order"))["top"]
        option = ServiceOption(kind=kind, sort_order=0 if top is None else top + 1)
    else:
        option = ServiceOption.objects.filter(pk=kernel.pk(option)).first()
        if option is None:
            raise NotFound()
        if option.kind != kind:
            raise ValidationFailed(details={"kind": [_("The kind of an option cannot change.")]})
    option.name, option.is_active = name, bool(is_active)
    option.save()
    return option


@transaction.atomic
def save_component(*, actor, component=None, name, description="", repeatable=False, is_enabled=True):
    _require_settings(actor)
    errors = {}
    name = kernel.clean_text(name, "name", required=True, limit=50, errors=errors)
    description = kernel.clean_text(description, "description", limit=200, errors=errors)
    if name and AddonComponent.objects.filter(name=name).exclude(pk=kernel.pk(component)).exists():
        errors["name"] = [_("Another component already has this name.")]
    if errors:
        raise ValidationFailed(details=errors)
    if component is not None:
        component = AddonComponent.objects.filter(pk=kernel.pk(component)).first()
        if component is None:
            raise NotFound()
    component = component or AddonComponent()
    component.name, component.description = name, description
    component.repeatable, component.is_enabled = bool(repeatable), bool(is_enabled)
    component.save()
    return component


@transaction.atomic
def delete_component(*, actor, component):
    _require_settings(actor)
    component = AddonComponent.objects.filter(pk=kernel.pk(component)).first()
    if component is None:
        raise NotFound()
    if ComponentEntry.objects.filter(component=component).exists():
        raise DomainError(_("This component holds entries of work orders; disable it instead."), code="in_use")
    log(SystemLog.Kind.DELETE, user=actor, action=_("Deleted add-on component “%(name)s”") % {"name": component.name},
        detail={"component_id": component.pk})
    component.delete()


# --- work-order types: the list's switches and arrows -------------------------------------------------

def _type_values(order_type):
    return {"name": order_type.name, "color": order_type.color, "is_enabled": order_type.is_enabled,
            "team_ids": [team.pk for team in order_type.teams.all()],
            "component_ids": [component.pk for component in order_type.components.all()],
            "required_skill_ids": [skill.pk for skill in order_type.required_skills.all()],
            "flow": order_type.flow, "timeout_reminder": order_type.timeout_reminder,
            "receipt_options": order_type.receipt_options}


@transaction.atomic
def update_type(*, actor, type, **changes):
    """Change some properties of a type, keeping the others (save_type takes them all)."""
    permissions.require(actor, "workorder_settings.manage")
    order_type = WorkOrderType.objects.filter(pk=kernel.pk(type)).first()
    if order_type is None:
        raise NotFound()
    unknown = sorted(set(changes) - set(_type_values(order_type)))
    if unknown:
        raise ValidationFailed(details={name: [_("Unknown property.")] for name in unknown})
    return save_type(actor=actor, type=order_type, **{**_type_values(order_type), **changes})


def _moved(ids, item_id, direction):
    """`ids` with `item_id` one place up or down (unchanged at the ends)."""
    if direction not in ("up", "down"):
        raise ValidationFailed(details={"direction": [_("Choose up or down.")]})
    ids = list(ids)
    if item_id not in ids:
        raise NotFound()
    index = ids.index(item_id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(ids):
        ids[index], ids[other] = ids[other], ids[index]
    return ids


@transaction.atomic
def move_type(*, actor, type, direction):
    """↑↓ on the type list."""
    permissions.require(actor, "workorder_settings.manage")
    ids = list(WorkOrderType.objects.select_for_update().order_by("sort_order", "pk").values_list("pk", flat=True))
    reorder_types(actor=actor, type_ids=_moved(ids, kernel.pk(type), direction))


# --- service options (服务类型 / 服务内容) ------------------------------------------------------------------

@transaction.atomic
def reorder_service_options(*, actor, kind, option_ids):
    """Put one option list in the given order (every option of the kind exactly once)."""
    permissions.require(actor, "workorder_settings.manage")
    if kind not in ServiceOption.Kind.values:
        raise ValidationFailed(details={"kind": [_("Unknown option list.")]})
    ids = [int(kernel.pk(i)) for i in option_ids]
    existing = set(ServiceOption.objects.select_for_update().filter(kind=kind).values_list("pk", flat=True))
    if len(set(ids)) != len(ids) or set(ids) != existing:
        raise ValidationFailed(details={"option_ids": [_("The list has changed; reload and try again.")]})
    for index, option_id in enumerate(ids):
        ServiceOption.objects.filter(pk=option_id).update(sort_order=index)


@transaction.atomic
def move_service_option(*, actor, option, direction):
    permissions.require(actor, "workorder_settings.manage")
    option = ServiceOption.objects.filter(pk=kernel.pk(option)).first()
    if option is None:
        raise NotFound()
    ids = ServiceOption.objects.filter(kind=option.kind).order_by("sort_order", "pk").values_list("pk", flat=True)
    reorder_service_options(actor=actor, kind=option.kind, option_ids=_moved(ids, option.pk, direction))


@transaction.atomic
def set_service_option_active(*, actor, option, is_active):
    option = ServiceOption.objects.filter(pk=kernel.pk(option)).first()
    if option is None:
        raise NotFound()
    return save_service_option(actor=actor, option=option, kind=option.kind, name=option.name,
                                             is_active=is_active)


# --- add-on components --------------------------------------------------------------------------------

@transaction.atomic
def set_component_enabled(*, actor, component, is_enabled):
    component = AddonComponent.objects.filter(pk=kernel.pk(component)).first()
    if component is None:
        raise NotFound()
    return save_component(actor=actor, component=component, name=component.name,
                                        description=component.description, repeatable=component.repeatable,
                                        is_enabled=is_enabled)
