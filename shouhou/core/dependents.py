"""Rows of higher apps that point at a record generically (content type + object id) and go when it goes.

A generic pointer has no foreign key, so the database cannot cascade it; and the record's own app may
not import the app that points at it (the layers contract, docs/dev/architecture.md). The pointing app
registers a cleanup for the model, and the deleting service calls `forget` inside its transaction,
before it deletes:

    # reminders/apps.py
    dependents.register_cleanup("customers.Customer", forget_reminders)
    # customers/services.py
    dependents.forget(Customer, [customer.pk for customer in locked])
"""

_CLEANUPS = {}  # "app_label.ModelName" -> [cleanup(model, pks)]


def register_cleanup(model_label, cleanup):
    """Call `cleanup(model, pks)` whenever records of `model_label` are about to be deleted."""
    cleanups = _CLEANUPS.setdefault(model_label, [])
    if cleanup not in cleanups:
        cleanups.append(cleanup)


def forget(model, pks):
    """Run the registered cleanups for these records of `model` (in the caller's transaction)."""
    pks = list(pks)
    if not pks:
        return
    for cleanup in _CLEANUPS.get(model._meta.label, ()):
        cleanup(model, pks)
