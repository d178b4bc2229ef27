"""Navigation entries and the home counter of customer management (GEN-04)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_home_counter, register_nav

from . import queries

register_nav("customers", _("Customer management"), "customers:list", perm="customer.view", order=10)
register_nav("customers", _("Customer settings"), "customers:settings", perm="customer.settings", order=90)


def my_customer_count(user):
    return queries.owned_by(user).count()


register_home_counter("my_customers", _("My customers"), my_customer_count, "customers:mine",
                      perm="customer.view", order=30, icon="bi-people", hide_zero=True)

from shouhou.system.menu import register_hub_card  # noqa: E402

register_hub_card("customers", _("Customer settings"), "customers:settings", perm="customer.settings",
                  icon="bi-people", description=_("Custom fields, numbering, address and duplicate rules"), order=10)
