"""The 自动提醒 (auto reminders, CUS-11) entry of the 客户信息 section (GEN-04)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_nav

# after 客户管理 (10) and the product pages (30–33), before 客户设置 (90)
register_nav("customers", _("Auto reminders"), "reminders:rules", perm="customer.remind", order=40)
