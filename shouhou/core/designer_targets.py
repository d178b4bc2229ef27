"""Which forms the designer may open, who may change them, and what a target's id names.

A form target is "customer", "product", or "<prefix>:<id>" for forms that belong to one record
("workorder_type:7", "receipt:7", "component:3"). The designer page and the form-schemas API both
resolve a target here, so they agree on permissions and on what is a 404:

    design = resolve_target("workorder_type:7")   # NotFound unless type 7 exists in the active company
    require(user, design.permission)

Apps whose forms come later register theirs the same way (`register_designable`).
"""

from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .errors import NotFound
from .forms_engine.services import TARGET_RE, TARGETS, target_label
from .permissions import all_codes

# Forms whose own permission code is not registered yet stay with the company administrators.
ADMIN_ONLY = "system.settings"


@dataclass(frozen=True)
class Designable:
    prefix: str
    permission: str  # changing the form
    read_permission: str  # reading it through the API (to fill it in)
    model: str = ""  # "app_label.Model" that the id of "<prefix>:<id>" names
    back: tuple = ()  # url names tried in turn for the page the designer returns to (with the id, if any)


DESIGNABLE: dict[str, Designable] = {}


def register_designable(prefix, *, permission, read_permission, model="", back=()):
    DESIGNABLE[prefix] = Designable(prefix, permission, read_permission, model, tuple(back))
    return DESIGNABLE[prefix]


register_designable("customer", permission="customer.settings", read_permission="customer.view",
                    back=("customers:settings", "customers:list"))
register_designable("product", permission="product.settings", read_permission="product.view",
                    back=("products:settings", "products:list"))
for _prefix, _model, _page in (("workorder_type", "workorders.WorkOrderType", "workorders:type_form"),
                               ("receipt", "workorders.WorkOrderType", "workorders:type_receipt"),
                               ("component", "workorders.AddonComponent", "workorders:components")):
    register_designable(_prefix, permission="workorder_settings.manage", read_permission="workorder.view",
                        model=_model, back=(_page, "workorders:types"))


@dataclass
class DesignTarget:
    """A resolved target: the form's name, the record it belongs to, and its permission codes."""

    target: str
    designable: Designable
    record: object = None

    @property
    def permission(self):
        code = self.designable.permission
        return code if code in all_codes() else ADMIN_ONLY

    @property
    def read_permission(self):
        code = self.designable.read_permission
        return code if code in all_codes() else self.permission

    @property
    def title(self):
        label = target_label(self.target)
        return f"{label} · {self.record}" if self.record is not None else label

    def back_url(self):
        for name in self.designable.back:
            for args in ([self.record.pk], []) if self.record is not None else ([],):
                try:
                    return reverse(name, args=args)
                except NoReverseMatch:
                    continue
        return reverse("core:home")


def resolve_target(target):
    """The DesignTarget of `target` in the active company; NotFound for anything else.

    An id of another company's record is "not found", like one that never existed (architecture §5).
    """
    if not isinstance(target, str) or not TARGET_RE.match(target):
        raise NotFound()
    prefix, _sep, record_id = target.partition(":")
    designable = DESIGNABLE.get(prefix)
    if designable is None or prefix not in TARGETS or bool(record_id) != bool(designable.model):
        raise NotFound()
    record = None
    if designable.model:
        if not record_id.isdigit():
            raise NotFound()
        record = apps.get_model(designable.model).objects.filter(pk=int(record_id)).first()
        if record is None:
            raise NotFound()
    return DesignTarget(target, designable, record)


# Palette order and icons of the designer (kinds missing here are listed after these, in their group).
KIND_ICONS = {
    "text": "bi-input-cursor-text", "textarea": "bi-textarea-t", "number": "bi-123", "phone": "bi-telephone",
    "email": "bi-envelope", "date": "bi-calendar-date", "datetime": "bi-calendar-event", "time": "bi-clock",
    "select": "bi-menu-button-wide", "multi_select": "bi-ui-checks", "cascade": "bi-diagram-3",
    "scan_code": "bi-upc-scan", "address": "bi-geo-alt", "location": "bi-crosshair", "attachment": "bi-paperclip",
    "image": "bi-image", "signature": "bi-pen", "customer": "bi-person-vcard", "product": "bi-box",
    "user": "bi-person", "separator": "bi-dash-lg", "description": "bi-info-square",
}
GROUPS = [
    ("basic", _("Basic fields")),
    ("choice", _("Choice fields")),
    ("advanced", _("Advanced fields")),
    ("reference", _("Linked records")),
    ("layout", _("Layout")),
]
# Kinds whose input shows a placeholder (text inputs, and the empty choice of single selects).
PLACEHOLDER_KINDS = {"text", "textarea", "scan_code", "phone", "email", "number", "select", "cascade",
                     "customer", "product", "user"}
