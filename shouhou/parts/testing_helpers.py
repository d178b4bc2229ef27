"""Small read helpers for tests and the demo (no writes)."""

from decimal import Decimal

from .models import StockLevel


def on_hand(part, *, warehouse=None, holder=None):
    level = StockLevel.objects.filter(part=part, warehouse=warehouse, holder=holder).first()
    return level.quantity if level else Decimal(0)
