"""The settlement dialog's form (结算 / 批量结算): the adjustment and its reason, a note, and the company's
own settlement fields (the form engine's "settlement" target, inputs "cf_<key>"). It parses input; the
services validate and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import ConsoleForm, EngineErrorsMixin
from shouhou.workorders.forms import finish_widgets, with_custom_fields

from . import services


class SettleForm(EngineErrorsMixin, ConsoleForm):
    adjustment = forms.DecimalField(
        label=_("Adjustment (¥)"), required=False, max_digits=11, decimal_places=2,
        min_value=-services.MAX_ADJUSTMENT, max_value=services.MAX_ADJUSTMENT,
        help_text=_("Added to the fees of each order; negative for a discount. Leave empty for none."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
    reason = forms.CharField(label=_("Reason for the adjustment"), required=False, max_length=services.MAX_REASON)
    note = forms.CharField(label=_("Settlement note"), required=False, max_length=services.MAX_NOTE,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        finish_widgets(self)

    def custom_fields(self):
        return [self[name] for name in self.custom_field_names()]

    def service_values(self):
        data = self.cleaned_data
        return {"adjustment": data.get("adjustment"), "reason": data.get("reason", ""), "note": data.get("note", ""),
                "fields": getattr(self, "custom_values", None) or {}}


def settle_form_class():
    """SettleForm with the company's settlement fields appended."""
    return with_custom_fields(SettleForm, services.schema())
