"""The forms of the report pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core.forms import ConsoleForm

from . import fields
from .models import TemplateKind


class TypeSettingsForm(ConsoleForm):
    report_enabled = forms.BooleanField(label=_("Send service reports"), required=False,
                                        help_text=_("Completed orders of this type get a service report (PC and phone)."))
    report_kind = forms.ChoiceField(label=_("Report template"), choices=TemplateKind.choices, widget=forms.RadioSelect)
    report_fields = forms.MultipleChoiceField(label=_("Fields on the system template"), required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text=_("None chosen: every field."))
    print_enabled = forms.BooleanField(label=_("Enable printing"), required=False)
    print_kind = forms.ChoiceField(label=_("Print template"), choices=TemplateKind.choices, widget=forms.RadioSelect)

    def __init__(self, *args, order_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["report_fields"].choices = fields.choosable(order_type)


class TemplateUploadForm(ConsoleForm):
    purpose = forms.ChoiceField(choices=[("report", _("Report")), ("print", _("Printing"))], widget=forms.HiddenInput)
    file = forms.FileField(label=_("Excel template (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class BrandingForm(ConsoleForm):
    logo = forms.ImageField(label=_("Logo (PNG or JPEG, up to 2 MB)"), required=False,
                            widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}))
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)
    footer = forms.CharField(label=_("Footer line"), max_length=200, required=False,
                             help_text=_("Printed at the bottom of every page, e.g. the service hotline."))


class SendForm(ConsoleForm):
    phone = forms.CharField(label=_("Mobile number"), max_length=30, required=False,
                            help_text=_("Empty: the work order's contact phone."))
