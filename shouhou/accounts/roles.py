"""The ten system roles of ACC-09. Their default permissions come from each module's registration."""

from django.utils.translation import gettext_lazy as _

SYSTEM_ROLES = [
    ("admin", _("System administrator"), _("All permissions")),
    ("manager", _("Administrator"), _("Work-order centre, customers, information management, etc.")),
    ("engineer", _("Service engineer"), _("Takes work orders, fills receipts, looks up information")),
    ("visitor", _("Return-visit agent"), _("Return visits and customer information")),
    ("director", _("Service director"),
     _("Analytics, information, spare parts, customers, fees and the work-order centre")),
    ("finance", _("Settlement clerk"), _("Fee management")),
    ("warehouse", _("Spare-parts keeper"), _("Spare-parts management")),
    ("desk_admin", _("Service-desk administrator"), _("Views and manages all service-desk events")),
    ("team_admin", _("Team administrator"), _("Data within their own service team")),
    ("desk_agent", _("Service-desk agent"), _("Handles service-desk events")),
]
SYSTEM_ROLE_KEYS = [key for key, _label, _desc in SYSTEM_ROLES]
