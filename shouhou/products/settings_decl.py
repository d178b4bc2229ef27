"""Company settings of products (产品管理设置, PRD-09), read with company_settings.get."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.company_settings import declare

GROUP = "product"

# key, default, label, help — the settings page lists the toggles in this order
TOGGLES = [
    ("product.mobile_search", True, _("Search products on mobile"),
     _("Field staff can look products up in the mobile app.")),
    ("product.qrcode_enabled", True, _("Enable product QR codes"),
     _("Off: scanning any product's QR code shows that the code is invalid.")),
    ("product.qrcode_hide_contact", True, _("Hide contact information on the QR code page"),
     _("The page a scan opens does not show the customer's default contact and phone.")),
]

for key, default, label, _help in TOGGLES:
    declare(key, default, label, group=GROUP)
