"""财务管理 › 在线支付记录 (PAY-01) and the payment settings (PAY-03) under 财务管理."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_nav

register_nav("finance", _("Online payment records"), "payments:list", perm="payment.view", order=40)
register_nav("finance", _("Payment accounts"), "payments:settings", perm="payment.settings", order=45)
