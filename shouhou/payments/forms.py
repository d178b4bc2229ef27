"""Forms of the payment pages: the payment settings (支付账号信息维护, tabs 在线支付 / 其他支付), the offline
payment (cash or transfer with a photo), the refund dialog."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core import company_settings
from shouhou.core.forms import ConsoleForm

from .models import OFFLINE_METHODS


class PaymentSettingsForm(ConsoleForm):
    collect_on_completion = forms.BooleanField(
        label=_("Collect payment at completion"), required=False,
        help_text=_("On: when a work order is completed, the customer sees the amount and a QR code to pay."))
    wechat_enabled = forms.BooleanField(label=_("WeChat Pay (native QR code)"), required=False)
    wechat_mchid = forms.CharField(label=_("Merchant number (mchid)"), max_length=32, required=False)
    wechat_appid = forms.CharField(label=_("App ID (appid)"), max_length=32, required=False)
    wechat_serial_no = forms.CharField(label=_("Merchant certificate serial number"), max_length=64, required=False)
    wechat_public_key_id = forms.CharField(label=_("WeChat Pay public key ID"), max_length=64, required=False)
    alipay_enabled = forms.BooleanField(label=_("Alipay (face-to-face QR code)"), required=False)
    alipay_appid = forms.CharField(label=_("Alipay app ID"), max_length=32, required=False)
    cash_enabled = forms.BooleanField(label=_("Cash"), required=False)
    transfer_enabled = forms.BooleanField(label=_("Bank transfer"), required=False)

    IDENTIFIERS = ("wechat_mchid", "wechat_appid", "wechat_serial_no", "wechat_public_key_id", "alipay_appid")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {name: company_settings.get(f"payments.{name}") for name in self.base_fields})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        for name in self.IDENTIFIERS:
            value = (data.get(name) or "").strip()
            if value and not value.replace("_", "").isalnum():
                self.add_error(name, _("Use letters, digits and underscores only."))
            data[name] = value
        return data

    def setting_values(self):
        return {f"payments.{name}": self.cleaned_data[name] for name in self.base_fields}


class OfflinePaymentForm(ConsoleForm):
    method = forms.ChoiceField(label=_("Payment method"), choices=[(m.value, m.label) for m in OFFLINE_METHODS],
                               widget=forms.RadioSelect)
    reference = forms.CharField(label=_("Reference"), max_length=100, required=False,
                                help_text=_("The receipt or transfer number, if any."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    photo = forms.ImageField(label=_("Photo"), help_text=_("A photo of the cash receipt or the transfer slip."))

    def __init__(self, *args, methods=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = [(m.value, m.label) for m in OFFLINE_METHODS if m in methods]


class RefundForm(ConsoleForm):
    amount = forms.DecimalField(label=_("Refund amount"), min_value=0.01, max_digits=12, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    expected_version = forms.IntegerField(widget=forms.HiddenInput)
