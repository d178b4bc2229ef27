"""The part form (issue 11, PART-01 自定义字段): target "part" of the form engine (architecture §7).

The company designs it in the form designer (/forms/part/design/, opened from the part list by users who
may edit parts); the values live in `Part.fields` and are checked by the engine on every write, shown on
the part form and page, as list columns and filters, in the API under "fields" and as Excel columns."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from shouhou.core import forms_engine
from shouhou.core.forms_engine.listing import COLUMN_PREFIX

FORM_TARGET = "part"
CUSTOM_PREFIX = COLUMN_PREFIX  # the form's inputs and the importer's columns: "cf_<key>"

# The built-in fields as the designer shows them (locked): their values are real columns.
SYSTEM_FIELDS = [
    {"key": "number", "label": _("Part number"), "kind": "text", "required": True, "searchable": True,
     "show_in_list": True},
    {"key": "name", "label": _("Part name"), "kind": "text", "required": True, "searchable": True,
     "show_in_list": True},
    {"key": "category", "label": _("Part category"), "kind": "text", "show_in_list": True},
    {"key": "specification", "label": _("Specification"), "kind": "text", "searchable": True, "show_in_list": True},
    {"key": "unit", "label": _("Unit"), "kind": "text", "show_in_list": True},
    {"key": "sale_price", "label": _("Sale price"), "kind": "number", "show_in_list": True},
    {"key": "cost_price", "label": _("Cost price"), "kind": "number", "show_in_list": True},
    {"key": "image", "label": _("Image"), "kind": "image"},
    {"key": "description", "label": _("Description"), "kind": "textarea"},
]


def schema():
    return forms_engine.get_schema(FORM_TARGET)


def form_class(part=None):
    """The console's part form with the company's custom fields ("cf_<key>"), built per request."""
    from .forms import PartForm

    return forms_engine.build_form(schema(), part.fields if part is not None else None, base=PartForm,
                                   field_prefix=CUSTOM_PREFIX)


def designer_url():
    return reverse("core:form_designer", args=[FORM_TARGET])


def register():
    """Called from the app's ready(): the form target and who may design it."""
    from shouhou.core.designer_targets import register_designable

    forms_engine.register_target(FORM_TARGET, label=_("Part"), system_fields=SYSTEM_FIELDS)
    register_designable(FORM_TARGET, permission="part.edit", read_permission="part.view", back=("parts:list",))
