"""Who may read a work order's files (core.files): whoever may see the order, through the scoped query."""

from shouhou.core import files
from shouhou.core.permissions import has_perm

from .queries import orders as order_queries


def _order_visible(via):
    """A check for files owned by the order itself (via="pk") or by one of its rows (receipt, note…)."""
    def check(user, owner_id):
        return has_perm(user, "workorder.view") and order_queries.visible_work_orders(user).filter(
            **{via: owner_id}).exists()
    return check


def register():
    files.register_owner("workorders.workorder", _order_visible("pk"))
    files.register_owner("workorders.receipt", _order_visible("receipt__pk"))
    files.register_owner("workorders.note", _order_visible("notes__pk"))
    files.register_owner("workorders.componententry", _order_visible("component_entries__pk"))
