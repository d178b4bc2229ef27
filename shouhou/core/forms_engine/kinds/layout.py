"""Layout items: a separator (section title) and a description paragraph. They hold no value."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .base import Kind, register


class LayoutWidget(forms.Widget):
    """Renders the item itself; submits nothing."""

    def __init__(self, kind, title, text):
        super().__init__()
        self.template_name = f"core/forms_engine/widgets/{kind}.html"
        self.title, self.text = title, text

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"].update(title=self.title, text=self.text)
        return context

    def value_from_datadict(self, data, files, name):
        return None

    def value_omitted_from_data(self, data, files, name):
        return False


class LayoutFormField(forms.Field):
    engine_layout = True

    def __init__(self, kind, field):
        super().__init__(required=False, disabled=True, label="",
                         widget=LayoutWidget(kind, field.label, field.help))


class LayoutKind(Kind):
    group = "layout"
    has_value = False
    filterable = False
    sortable = False
    importable = False

    def form_field(self, field, *, refs, value=None):
        return LayoutFormField(self.name, field)


@register
class Separator(LayoutKind):
    name = "separator"
    label = _("Separator")


@register
class Description(LayoutKind):
    name = "description"
    label = _("Description")

    def check_definition(self, field):
        return [] if field.help else [("help", _("Enter the text to show."))]
