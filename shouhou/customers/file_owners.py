"""Who may read a customer's files (core.files): whoever may see the customer, through the scoped query."""

from shouhou.core import files
from shouhou.core.permissions import has_perm

from . import queries


def _customer_visible(user, owner_id):
    return has_perm(user, "customer.view") and queries.visible_customers(user).filter(pk=owner_id).exists()


def register():
    files.register_owner("customers.customer", _customer_visible)
