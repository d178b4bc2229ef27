"""Phone forms. They reuse the console's work-order forms (the same fields, the same engine-built custom
fields) and add what the phone asks for differently."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core import forms_engine
from shouhou.workorders.forms import WorkOrderForm, with_custom_fields


class MobileOrderForm(WorkOrderForm):
    """新建工单 (MOB-12): 计划时间 is required on the phone; 负责人 is picked on the same page."""

    assignee = forms.TypedChoiceField(label=_("Assignee"), coerce=int, required=False, empty_value=None)

    field_aliases = {"order_type": "__all__"}

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["planned_at"].required = True
        self.fields["planned_at"].error_messages["required"] = _("Enter the planned time.")
        self.fields["assignee"].choices = [("", _("Choose the assignee"))] + [
            (candidate.user.pk, candidate.user.name) for candidate in candidates]
        self.fields["assignee"].widget.attrs["class"] = "form-select"


def order_form_class(order_type):
    return with_custom_fields(MobileOrderForm, forms_engine.get_schema(order_type.form_target))
