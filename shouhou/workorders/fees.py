"""合计费用 (an order's total fees) come with the settlement module, which records fees and keeps
`WorkOrder.total_amount`. Until a module registers a fees provider (in its AppConfig.ready()), nothing
fills that column, so the work-order list does not offer it: a column of zeros would read as "free".
"""

_providers = []


def register_fees_provider(provider):
    """`provider`: the module's object that computes an order's fees (settlement, issue to come)."""
    _providers[:] = [provider]


def fees_provider():
    """The registered provider, or None while no module records fees."""
    return _providers[0] if _providers else None
