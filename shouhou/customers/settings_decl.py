"""Company settings of customer management (客户功能设置, SPEC §4), read with company_settings.get."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.company_settings import declare

GROUP = "customer"

# key, default, label, help — the settings page lists the toggles in this order
TOGGLES = [
    ("customer.address_required", True, _("The customer address is required"),
     _("A customer cannot be saved without an address (province, city or detailed address).")),
    ("customer.allow_geocode_failure_on_import", False,
     _("Import customers whose address cannot be located"),
     _("Off: an imported row whose address cannot be turned into coordinates is an error. "
       "On: it is imported without coordinates.")),
    ("customer.allow_duplicate_names", False, _("Allow duplicate customer names"),
     _("Off: two customers cannot have the same name.")),
    ("customer.partition_by_team", True, _("Separate customers by service team"),
     _("People who do not see every customer only see the customers of their own teams "
       "(and customers without a team).")),
    ("customer.owner_as_collaborator", False,
     _("Add the customer's owner to work orders as a collaborator"),
     _("New work orders of a customer get its owners as collaborators.")),
    ("customer.mobile_search", True, _("Search customers on mobile"),
     _("Field staff can search customers in the mobile app.")),
]

for key, default, label, _help in TOGGLES:
    declare(key, default, label, group=GROUP)

declare("customer.number_prefix", "CUS", _("Customer number prefix"), group=GROUP)
