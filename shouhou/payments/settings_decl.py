"""Payment settings (支付账号信息维护, PAY-02…05), read with company_settings.get.

The merchant's identifiers live here; its secret keys never do: they come from the environment
(`payments.credentials`, docs/deploy.md)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.company_settings import declare

GROUP = "payments"

declare("payments.collect_on_completion", False, _("Collect payment when a work order is completed"), group=GROUP)
declare("payments.wechat_enabled", False, _("WeChat Pay (native QR code)"), group=GROUP)
declare("payments.alipay_enabled", False, _("Alipay (face-to-face QR code)"), group=GROUP)
declare("payments.cash_enabled", True, _("Cash"), group=GROUP)
declare("payments.transfer_enabled", True, _("Bank transfer"), group=GROUP)
declare("payments.wechat_mchid", "", _("WeChat Pay merchant number"), group=GROUP)
declare("payments.wechat_appid", "", _("WeChat Pay app ID"), group=GROUP)
declare("payments.wechat_serial_no", "", _("Merchant certificate serial number"), group=GROUP)
declare("payments.wechat_public_key_id", "", _("WeChat Pay public key ID"), group=GROUP)
declare("payments.alipay_appid", "", _("Alipay app ID"), group=GROUP)
