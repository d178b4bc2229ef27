"""What a work order may point at, resolved through the actor's data scope (core.references).

Customer and product: the actor's visible customers and products. Contact and address: those of the
chosen customer. Assignee: whoever the assignee picker offers the actor (the team switches, hidden
work statuses). Collaborators: whoever the collaborator picker offers, plus those already on the order.
Keeping the value the order already has is always allowed: editing an order whose customer the actor
cannot open must not fail on the customer nobody changed.
"""

from django.utils.translation import gettext_lazy as _

from shouhou.accounts.models import User
from shouhou.core import references
from shouhou.customers.models import Address, Contact

ASSIGNEE_MESSAGE = _("Choose an active colleague who may handle work orders.")
COLLABORATOR_MESSAGE = _("Choose active colleagues of your company.")


def _pk(value):
    return getattr(value, "pk", value)


def _unchanged(value, current):
    return current is not None and references.clean_id(value) == current.pk


def customer(actor, value, *, current=None, errors=None):
    from shouhou.customers.queries import visible_customers

    if _unchanged(value, current):
        return current
    return references.resolve(actor, visible_customers, value, field="customer", errors=errors,
                              message=_("The selected customer does not exist or you cannot use it."))


def product(actor, value, *, current=None, errors=None):
    from shouhou.products.queries import visible_products

    if _unchanged(value, current):
        return current
    return references.resolve(actor, visible_products, value, field="product", errors=errors,
                              message=_("The selected product does not exist or you cannot use it."))


def contact(actor, value, of_customer, *, errors=None):
    return references.resolve(actor, lambda _actor: Contact.objects.filter(customer_id=_pk(of_customer)), value,
                              field="contact", errors=errors,
                              message=_("The selected contact does not exist or is not the customer's."))


def address(actor, value, of_customer, *, errors=None):
    return references.resolve(actor, lambda _actor: Address.objects.filter(customer_id=_pk(of_customer)), value,
                              field="address", errors=errors,
                              message=_("The selected address does not exist or is not the customer's."))


def assignee(actor, value, *, order=None, customer=None, field="assignee"):
    """An active colleague the actor may give this order to (the assignee picker's people)."""
    from .queries.pickers import assignable_users

    return references.resolve(actor, lambda a: assignable_users(a, order, customer=customer), value, field=field,
                              message=ASSIGNEE_MESSAGE, required=True)


def collaborators(actor, values, *, order=None, field="collaborator_ids"):
    """Active colleagues the collaborator picker offers the actor, or who already collaborate on the order."""
    from shouhou.accounts.queries import team_pickable_users

    def pool(actor):
        users = team_pickable_users(actor)
        if order is not None:
            kept = order.collaborators.filter(is_active=True).values("pk")
            users = User.objects.for_tenant().filter(pk__in=users.values("pk")) | User.objects.filter(pk__in=kept)
        return users

    return references.resolve_many(actor, pool, values, field=field, message=COLLABORATOR_MESSAGE)
