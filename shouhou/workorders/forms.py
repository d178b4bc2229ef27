"""Console forms of the work-order centre. They parse input; the services validate and write.

The work-order form and the receipt and component forms are the form engine's forms
(`forms_engine.build_form`) over a base with the system fields, so each type's custom fields follow
the built-in ones and are validated by the engine (custom inputs are named "cf_<key>").
"""


from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.accounts import skills as skill_queries
from shouhou.accounts.forms import team_choices, user_choices
from shouhou.accounts.models import Role
from shouhou.accounts.queries import pickable_users, team_pickable_users, work_statuses
from shouhou.core import company_settings, forms_engine
from shouhou.core.forms import (
    ActionForm,
    ChecklistField,
    ConsoleForm,
    EngineErrorsMixin,
    bind_regions,
    region_field,
)
from shouhou.core.forms_engine.listing import COLUMN_PREFIX
from shouhou.core.widgets import DateTimeInput

from . import flow
from .models import AddonComponent, Priority, ServiceOption
from .queries import types as type_queries

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def datetime_field(label, **kwargs):
    return forms.DateTimeField(
        label=label, required=False, input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeInput(format=DATETIME_FORMAT), **kwargs)


NONE_LABEL = _("(none)")


def option_choices(kind, current=None, blank=NONE_LABEL):
    """Enabled options of a list, plus the current one even if it was disabled since."""
    options = list(type_queries.service_options(kind))
    if current is not None and current.pk not in {o.pk for o in options}:
        options.append(current)
    return [("", blank)] + [(o.pk, o.name) for o in options]


def with_custom_fields(base, schema, values=None):
    """`base` with the schema's custom fields appended (inputs "cf_<key>")."""
    return forms_engine.build_form(schema, values or {}, base=base, field_prefix=COLUMN_PREFIX)


def finish_widgets(form):
    """Bootstrap classes on the engine's inputs too (ConsoleForm styles only its own at __init__)."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)) or widget.is_hidden:
            continue
        css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else (
            "form-select" if isinstance(widget, forms.Select) else "form-control")
        if css not in widget.attrs.get("class", ""):
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
    return form


# --- the work order ----------------------------------------------------------------------------------

class WorkOrderForm(EngineErrorsMixin, ConsoleForm):
    """新建工单 / 编辑工单: system fields; pickers for customer, contact, address and product post ids."""

    customer = forms.IntegerField(label=_("Customer"), widget=forms.HiddenInput,
                                  error_messages={"required": _("Choose the customer.")})
    contact = forms.IntegerField(label=_("Contact"), required=False, widget=forms.HiddenInput)
    address = forms.IntegerField(label=_("Address"), required=False, widget=forms.HiddenInput)
    product = forms.IntegerField(label=_("Product"), required=False, widget=forms.HiddenInput)
    contact_name = forms.CharField(label=_("Contact name on the order"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Phone on the order"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    address_text = forms.CharField(label=_("Address on the order"), max_length=300, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    service_type = forms.TypedChoiceField(label=_("Service type"), coerce=int, required=False, empty_value=None)
    service_content = forms.TypedChoiceField(label=_("Service content"), coerce=int, required=False,
                                             empty_value=None)
    planned_at = datetime_field(_("Planned time"))
    description = forms.CharField(label=_("Description"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    collaborator_ids = ChecklistField(label=_("Collaborators"))

    field_aliases = {"order_type": "__all__", "assignee": "__all__"}
    editing_only = ("contact_name", "contact_phone", "address_text")

    def __init__(self, *args, actor, order=None, **kwargs):
        self.order = order
        if order is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_of(order)
        super().__init__(*args, **kwargs)
        if order is None:
            for name in self.editing_only:
                del self.fields[name]
        self.fields["service_type"].choices = option_choices(
            ServiceOption.Kind.SERVICE_TYPE, order.service_type if order else None)
        self.fields["service_content"].choices = option_choices(
            ServiceOption.Kind.SERVICE_CONTENT, order.service_content if order else None)
        # team.hide_non_members may narrow the list to the actor's teams; whoever already collaborates stays
        people = list(team_pickable_users(actor).order_by("name"))
        if order is not None:
            listed = {user.pk for user in people}
            people += [user for user in order.collaborators.all() if user.pk not in listed]
        self.fields["collaborator_ids"].choices = user_choices(people)
        finish_widgets(self)

    def custom_fields(self):
        return [self[name] for name in self.fields if name.startswith(COLUMN_PREFIX)]

    def system_values(self):
        """The cleaned system values in the services' names (contact/address/product as ids)."""
        data = self.cleaned_data
        values = {name: data.get(name) for name in ("customer", "contact", "address", "product", "priority",
                                                    "service_type", "service_content", "planned_at")}
        values["description"] = data.get("description") or ""
        return values

    def changed_values(self):
        """For an edit: only what the user changed (update_work_order is partial)."""
        values = {**self.system_values(), **{n: self.cleaned_data.get(n) or "" for n in self.editing_only}}
        values["collaborator_ids"] = list(self.cleaned_data.get("collaborator_ids") or [])
        changed = {name: value for name, value in values.items() if name in self.changed_data}
        if "customer" in changed:  # contact and address follow the customer unless chosen again
            changed.setdefault("contact", values["contact"])
            changed.setdefault("address", values["address"])
        return changed


def initial_of(order):
    return {
        "customer": order.customer_id, "contact": order.contact_id, "address": order.address_id,
        "product": order.product_id, "contact_name": order.contact_name, "contact_phone": order.contact_phone,
        "address_text": order.address_text, "priority": order.priority, "service_type": order.service_type_id,
        "service_content": order.service_content_id, "planned_at": order.planned_at,
        "description": order.description,
        "collaborator_ids": list(order.collaborators.values_list("pk", flat=True)),
    }


def work_order_form_class(order_type, values=None):
    return with_custom_fields(WorkOrderForm, forms_engine.get_schema(order_type.form_target), values)


# --- actions on one order ------------------------------------------------------------------------------

class ConfirmForm(ActionForm):
    pass


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(ActionForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class AssigneeMixin:
    """The assignee among the candidates the picker shows (WOSET-D1, D3 and the ACC-06 team switches applied by
    the query)."""

    def set_candidates(self, candidates):
        self.candidates = candidates
        self.fields["assignee"].choices = [(c.user.pk, c.user.name) for c in candidates]


class AssignForm(AssigneeMixin, ActionForm):
    assignee = forms.TypedChoiceField(label=_("Assignee"), coerce=int, widget=forms.RadioSelect,
                                      error_messages={"required": _("Choose the assignee.")})
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(AssignForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("Transfer note")
        self.fields["note"].required = bool(company_settings.get("workorder.transfer_note_required"))


class ReceiptForm(EngineErrorsMixin, ActionForm):
    """回执 (WO-11): content, photos and files, the customer's signature, then the receipt's custom fields."""

    content = forms.CharField(label=_("Receipt content"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        finish_widgets(self)

    def custom_fields(self):
        return [self[name] for name in self.fields if name.startswith(COLUMN_PREFIX)]


def receipt_form_class(order_type, values=None, *, draft=False):
    """The receipt form; for 暂存 (a draft) nothing is required yet, so required fields are relaxed."""
    schema = forms_engine.get_schema(order_type.receipt_target)
    if draft:
        schema = [{**definition, "required": False} for definition in schema.fields]
    return with_custom_fields(ReceiptForm, schema, values)


class OrderNoteForm(ConsoleForm):
    content = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    sms_to_contact = forms.BooleanField(label=_("Also text it to the contact"), required=False)


class ComponentEntryForm(EngineErrorsMixin, ConsoleForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        finish_widgets(self)


def component_form_class(component, values=None):
    return with_custom_fields(ComponentEntryForm, forms_engine.get_schema(component.form_target), values)


class DecisionForm(ConsoleForm):
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, note_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required


# --- batch actions on the list -------------------------------------------------------------------------

class BatchAssignForm(AssigneeMixin, ConsoleForm):
    assignee = forms.TypedChoiceField(label=_("Assignee"), coerce=int, widget=forms.RadioSelect,
                                      error_messages={"required": _("Choose the assignee.")})
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BatchNoteForm(ConsoleForm):
    """A batch action that takes only a note: 批量发布到工单池, 批量关闭."""

    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


BatchPublishForm = BatchNoteForm


class BatchTransferForm(BatchAssignForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].label = _("Transfer note")
        self.fields["note"].required = bool(company_settings.get("workorder.transfer_note_required"))


class BatchEditForm(ConsoleForm):
    """批量编辑: a field left empty stays as it is on every order."""

    priority = forms.ChoiceField(label=_("Priority"), required=False)
    planned_at = datetime_field(_("Planned time"))
    service_type = forms.TypedChoiceField(label=_("Service type"), coerce=int, required=False, empty_value=None)
    service_content = forms.TypedChoiceField(label=_("Service content"), coerce=int, required=False,
                                             empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        unchanged = _("(unchanged)")
        self.fields["priority"].choices = [("", unchanged), *Priority.choices]
        self.fields["service_type"].choices = option_choices(ServiceOption.Kind.SERVICE_TYPE, blank=unchanged)
        self.fields["service_content"].choices = option_choices(ServiceOption.Kind.SERVICE_CONTENT, blank=unchanged)

    @staticmethod
    def changes_of(cleaned_data):
        return {name: value for name, value in cleaned_data.items() if value not in (None, "")}

    def changes(self):
        return self.changes_of(self.cleaned_data)

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.changes():
            raise forms.ValidationError(_("Choose at least one field to change."))
        return cleaned


# --- inline creation from the new-order page -------------------------------------------------------------

class QuickCustomerForm(ConsoleForm):
    name = forms.CharField(label=_("Customer name"), max_length=100)
    contact_name = forms.CharField(label=_("Contact"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                                    widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    province = region_field(_("Province"))
    city = region_field(_("City"))
    district = region_field(_("District"))
    detail = forms.CharField(label=_("Detailed address"), max_length=200, required=False)

    field_aliases = {"contacts": "contact_phone", "contacts.0.phone": "contact_phone",
                     "contacts.0.name": "contact_name", "addresses": "detail", "addresses.0.detail": "detail",
                     "addresses.0.province": "province", "addresses.0.city": "city",
                     "addresses.0.district": "district"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bind_regions(self)

    def service_values(self):
        data = self.cleaned_data
        contacts = [{"name": data["contact_name"] or data["name"], "phone": data["contact_phone"]}] if (
            data["contact_name"] or data["contact_phone"]) else []
        address = {key: data[key] for key in ("province", "city", "district", "detail")}
        addresses = [address] if any(address.values()) else []
        return {"name": data["name"], "contacts": contacts, "addresses": addresses}


class QuickProductForm(ConsoleForm):
    name = forms.CharField(label=_("Product name"), max_length=100)
    number = forms.CharField(label=_("Product number"), max_length=50)
    serial_number = forms.CharField(label=_("Serial number"), max_length=80, required=False)


# --- settings: types, flows, components, options, company settings ------------------------------------------

class TypeForm(ConsoleForm):
    name = forms.CharField(label=_("Type name"), max_length=50)
    color = forms.CharField(label=_("Colour"), max_length=7, initial="#1677ff",
                            widget=forms.TextInput(attrs={"type": "color"}))
    is_enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)
    team_ids = ChecklistField(label=_("Available to teams"),
                              help_text=_("None ticked: every team may use this type."))
    required_skill_ids = ChecklistField(label=_("Required skills"), help_text=_(
        "Only people with every ticked skill are recommended and may be chosen (settings: Skills)."))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_ids"].choices = team_choices(actor)
        self.fields["required_skill_ids"].choices = [(s.pk, s.name) for s in skill_queries.skills()]
        self.fields["color"].widget.attrs["class"] = "form-control form-control-color"


class TeamsForm(ConsoleForm):
    team_ids = ChecklistField(label=_("Available to teams"))

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_ids"].choices = team_choices(actor)


APPROVAL_CHOICES = [(rule, label) for rule, label in flow.APPROVAL_RULE_LABELS.items()]


class FlowForm(ConsoleForm):
    """流程设置 (WOSET-F1) and the timeout reminder rule (F2), one row of inputs per node."""

    reminder_related = forms.MultipleChoiceField(
        label=_("Related people"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[("assignee", _("Assignee")), ("collaborators", _("Collaborators")), ("creator", _("Creator"))])
    reminder_users = ChecklistField(label=_("Named people"))
    reminder_when = forms.ChoiceField(label=_("When"), choices=[("before", _("before the timeout")),
                                                               ("after", _("after the timeout"))])
    reminder_minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=flow.MAX_REMINDER_MINUTES,
                                          initial=30)

    def __init__(self, *args, actor, order_type, **kwargs):
        self.current = flow.normalize(order_type.flow)
        reminder = order_type.timeout_reminder or {}
        kwargs.setdefault("initial", {**self._node_initial(), "reminder_related": reminder.get("related", []),
                                      "reminder_users": reminder.get("user_ids", []),
                                      "reminder_when": reminder.get("when", "before"),
                                      "reminder_minutes": reminder.get("minutes", 30)})
        super().__init__(*args, **kwargs)
        people = user_choices(pickable_users(actor).order_by("name"))
        roles = [("", "—")] + [(role.pk, role.name) for role in Role.objects.all()]
        for node in flow.NODES:
            self._add_node_fields(node, people, roles)
        self.fields["reminder_users"].choices = people
        finish_widgets(self)

    def _node_initial(self):
        initial = {}
        for node, config in self.current.items():
            approval = config["approval"]
            initial.update({f"{node}_enabled": config["enabled"], f"{node}_timeout": config["timeout_hours"],
                            f"{node}_rule": approval["rule"], f"{node}_users": approval["user_ids"],
                            f"{node}_role": approval["role_id"]})
        return initial

    def _add_node_fields(self, node, people, roles):
        later = not flow.is_available(node)  # its module (settlement, return visits) is not installed yet
        self.fields[f"{node}_enabled"] = forms.BooleanField(required=False, disabled=later or node in flow.LOCKED_NODES)
        if node in flow.TIMEOUT_NODES:
            self.fields[f"{node}_timeout"] = forms.FloatField(
                required=False, min_value=0.01, max_value=flow.MAX_TIMEOUT_HOURS, disabled=later,
                widget=forms.NumberInput(attrs={"step": "0.01", "placeholder": _("none")}))
        if node in flow.APPROVAL_NODES:
            self.fields[f"{node}_rule"] = forms.ChoiceField(choices=APPROVAL_CHOICES, disabled=later)
            self.fields[f"{node}_users"] = ChecklistField(label=_("Approvers"), choices=people, disabled=later)
            self.fields[f"{node}_role"] = forms.TypedChoiceField(label=_("Approving role"), choices=roles, coerce=int,
                                                                 required=False, empty_value=None, disabled=later)

    def rows(self):
        """One row per node for the template: its label and bound inputs."""
        result = []
        for node in flow.NODES:
            result.append({
                "node": node, "label": flow.NODE_LABELS[node], "locked": node in flow.LOCKED_NODES,
                "later": not flow.is_available(node), "enabled": self[f"{node}_enabled"],
                "timeout": self[f"{node}_timeout"] if f"{node}_timeout" in self.fields else None,
                "rule": self[f"{node}_rule"] if f"{node}_rule" in self.fields else None,
                "users": self[f"{node}_users"] if f"{node}_users" in self.fields else None,
                "role": self[f"{node}_role"] if f"{node}_role" in self.fields else None,
            })
        return result

    def flow_value(self):
        data, value = self.cleaned_data, {}
        for node in flow.NODES:
            config = {"enabled": True if node in flow.LOCKED_NODES else bool(data.get(f"{node}_enabled"))}
            if node in flow.TIMEOUT_NODES:
                config["timeout_hours"] = data.get(f"{node}_timeout")
            if node in flow.APPROVAL_NODES:
                rule = data.get(f"{node}_rule") or "none"
                config["approval"] = {"rule": rule,
                                      "user_ids": list(data.get(f"{node}_users") or []) if rule == "users" else [],
                                      "role_id": data.get(f"{node}_role") if rule == "role" else None}
            value[node] = config
        return value

    def reminder_value(self):
        data = self.cleaned_data
        related, user_ids = list(data.get("reminder_related") or []), list(data.get("reminder_users") or [])
        if not related and not user_ids:
            return {}  # nobody to remind: the rule is off (the overdue notice still goes to the assignee)
        return {"related": related, "user_ids": user_ids, "when": data["reminder_when"],
                "minutes": data["reminder_minutes"] if data.get("reminder_minutes") is not None else 0}

    def add_domain_error(self, exc):
        """"flow.<node>.<prop>" details go to the node's inputs."""
        details = getattr(exc, "details", None) or {}
        renamed = {}
        for key, messages in details.items():
            parts = key.split(".")
            if parts[0] == "flow" and len(parts) >= 2:
                prop = {"enabled": "enabled", "timeout_hours": "timeout", "approval": "rule"}.get(
                    parts[2] if len(parts) > 2 else "approval", "rule")
                name = f"{parts[1]}_{prop}"
                key = name if name in self.fields else "__all__"
            elif parts[0] == "timeout_reminder":
                key = {"related": "reminder_related", "user_ids": "reminder_users", "when": "reminder_when",
                       "minutes": "reminder_minutes"}.get(parts[-1], "__all__")
            renamed[key] = messages
        exc.details = renamed
        super().add_domain_error(exc)


class ReceiptOptionsForm(ConsoleForm):
    require_signature = forms.BooleanField(label=_("The customer's signature is required"), required=False)
    require_attachments = forms.BooleanField(label=_("At least one photo or file is required"), required=False)
    parts = forms.BooleanField(label=_("Spare parts (with faulty parts returned)"), required=False)
    service_items = forms.BooleanField(label=_("Service items"), required=False)


class TypeComponentsForm(ConsoleForm):
    component_ids = ChecklistField(label=_("Add-on components"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component_ids"].choices = [
            (c.pk, c.name if c.is_enabled else f"{c.name} ({_('disabled')})") for c in AddonComponent.objects.all()]


class ComponentForm(ConsoleForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    repeatable = forms.TypedChoiceField(label=_("Entries"), coerce=lambda v: v == "1", widget=forms.RadioSelect,
                                        choices=[("0", _("Single")), ("1", _("Repeatable"))], initial="0")
    is_enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)


class ServiceOptionForm(ConsoleForm):
    name = forms.CharField(label=_("Name"), max_length=50)


NODE_CHOICES = [("start", flow.NODE_LABELS["start"]), ("finish", flow.NODE_LABELS["finish"])]


class WorkOrderSettingsForm(ConsoleForm):
    """工单设置 (WOSET-D1, D3, D5, D7, D8, C1, C2): the company settings of the work-order centre."""

    dispatch_by_team = forms.BooleanField(
        label=_("Assign by team members"), required=False,
        help_text=_("On: the assignee picker lists people of the teams; off: the whole directory."))
    hide_statuses = ChecklistField(label=_("Hide people in these work statuses from the assignee picker"))
    allow_reject = forms.BooleanField(label=_("Allow the assignee to reject a work order"), required=False,
                                      help_text=_("A rejected order returns to the dispatcher."))
    allow_transfer = forms.BooleanField(label=_("Allow the assignee to transfer a work order"), required=False)
    transfer_keep_status = forms.BooleanField(
        label=_("Keep the status on transfer; the new assignee need not accept again"), required=False)
    transfer_note_required = forms.BooleanField(label=_("A transfer needs a note"), required=False)
    photo_camera_only = forms.BooleanField(label=_("Photos from the camera only (no album)"), required=False)
    location_check_enabled = forms.BooleanField(label=_("Flag a location anomaly"), required=False)
    location_check_nodes = forms.MultipleChoiceField(label=_("Check the location at these steps"), required=False,
                                                     choices=NODE_CHOICES, widget=forms.CheckboxSelectMultiple)
    location_max_km = forms.FloatField(label=_("Largest distance from the order address (km)"), min_value=0,
                                       max_value=10000)
    number_prefix = forms.CharField(label=_("Work-order number prefix"), max_length=6, required=False)
    # where people are (issue 10, WOSET-D2, D4)
    assign_map = forms.BooleanField(
        label=_("Choose people on a map when assigning"), required=False,
        help_text=_("The assign and transfer dialogs show the order and the candidates on a map."))
    position_fresh_hours = forms.FloatField(
        label=_("A reported position counts for (hours)"), required=False, min_value=0.1, max_value=24 * 30,
        help_text=_("An engineer's last position reported from the phone is used this long; after that his "
                    "team's location. Empty: 4 hours."))
    hide_position_user_ids = ChecklistField(
        label=_("Hide the positions of these people"),
        help_text=_("They never appear on the dispatch map, the pool's map or the staff map, and no distance is "
                    "shown for them."))
    # the work-order pool (WOSET-P1…P7); an empty limit means no limit (stored as 0)
    pool_enabled = forms.BooleanField(
        label=_("Enable the work-order pool"), required=False,
        help_text=_("Orders can be published to the pool, and engineers claim them."))
    pool_notify_km = forms.FloatField(label=_("Pool notification radius (km)"), required=False, min_value=0,
                                      max_value=10000, help_text=_("Empty: no limit."))
    pool_notify_max = forms.IntegerField(label=_("Pool notification: at most this many people"), required=False,
                                         min_value=0, max_value=10000, help_text=_("Empty: no limit."))
    pool_timeout_hours = forms.FloatField(
        label=_("Pool timeout (hours)"), required=False, min_value=0, max_value=24 * 365,
        help_text=_("Tell the dispatcher when nobody claims an order within these hours. Empty: no timeout."))
    pool_by_team = forms.BooleanField(
        label=_("Divide the pool by service team"), required=False,
        help_text=_("An engineer sees and claims only orders of customers served by his teams."))
    pool_transfer_back = forms.BooleanField(label=_("Allow assigned orders to be handed back to the pool"),
                                            required=False)
    pool_daily_cap = forms.IntegerField(label=_("Most claims per person per day"), required=False, min_value=0,
                                        max_value=10000, help_text=_("Empty: no limit."))

    # receipt fees (WOSET-R2, issue 11)
    receipt_allow_discount = forms.BooleanField(
        label=_("Allow changing the work-order fee discount"), required=False,
        help_text=_("The assignee may change a line's discount on the receipt, giving a reason."))
    receipt_allow_unit_price = forms.BooleanField(label=_("Also allow changing unit prices"), required=False)
    receipt_parts_warehouse_id = forms.TypedChoiceField(
        label=_("Parts on receipts come from"), coerce=int, empty_value=0, required=False,
        help_text=_("The assignee's personal stock, or one warehouse for every engineer."))

    KEYS = ("dispatch_by_team", "hide_statuses", "allow_reject", "allow_transfer", "transfer_keep_status",
            "transfer_note_required", "photo_camera_only", "location_check_enabled", "location_check_nodes",
            "location_max_km", "number_prefix", "pool_enabled", "pool_notify_km", "pool_notify_max",
            "pool_timeout_hours", "pool_by_team", "pool_transfer_back", "pool_daily_cap", "position_fresh_hours",
            "hide_position_user_ids", "assign_map",
            "receipt_allow_discount", "receipt_allow_unit_price", "receipt_parts_warehouse_id")
    NO_LIMIT = {"pool_notify_km": 0.0, "pool_notify_max": 0, "pool_timeout_hours": 0.0, "pool_daily_cap": 0}

    def __init__(self, *args, **kwargs):
        initial = {key: company_settings.get(f"workorder.{key}") for key in self.KEYS}
        for key in self.NO_LIMIT:  # 0 is shown as an empty box: no limit
            initial[key] = initial[key] or None
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["hide_statuses"].choices = [(s.pk, s.name) for s in work_statuses()]
        self.fields["hide_position_user_ids"].choices = [
            (user.pk, f"{user.name}（{user.phone}）" if user.phone else user.name)
            for user in pickable_users(None).order_by("name", "pk")]

        from shouhou.parts.models import Warehouse
        from shouhou.parts.queries import all_warehouses

        self.fields["receipt_parts_warehouse_id"].choices = [(0, _("The assignee's personal stock"))] + [
            (w.pk, w.name) for w in all_warehouses().exclude(kind=Warehouse.Kind.DEFECTIVE)]

    def clean_number_prefix(self):
        prefix = self.cleaned_data["number_prefix"].strip()
        if prefix and not prefix.isalnum():
            raise forms.ValidationError(_("Use letters and digits only."))
        return prefix

    def setting_values(self):
        values = {f"workorder.{key}": self.cleaned_data[key] for key in self.KEYS}
        for key, none in self.NO_LIMIT.items():
            if values[f"workorder.{key}"] is None:
                values[f"workorder.{key}"] = none
        if values["workorder.position_fresh_hours"] is None:
            values["workorder.position_fresh_hours"] = 4.0
        return values

    field_aliases = {f"workorder.{key}": key for key in KEYS}
