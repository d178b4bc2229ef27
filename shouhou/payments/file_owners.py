"""Who may read a payment's photo (core.files): whoever may see the payment, through the scoped query."""

from shouhou.core import files

from . import queries


def register():
    files.register_owner("payments.payment",
                         lambda user, owner_id: queries.visible_payments(user).filter(pk=owner_id).exists())
