"""合计费用 (an order's total fees): a module that records fees keeps `WorkOrder.total_amount` and
registers a fees provider (in its AppConfig.ready()); until one does, nothing fills that column, so the
work-order list does not offer it: a column of zeros would read as "free". The receipt's parts and
service items (services/receipt_lines.py, issue 11) register `receipt_lines.FEES`: an object whose
`fees(order)` answers {"lines": [...], "total_amount": Decimal}.
"""

_providers = []


def register_fees_provider(provider):
    """`provider`: the module's object that computes an order's fees (the receipt's lines, receipt_lines.FEES)."""
    _providers[:] = [provider]


def fees_provider():
    """The registered provider, or None while no module records fees."""
    return _providers[0] if _providers else None
