"""How the console and the phone print amounts and counts (architecture §16): thousands separators, amounts
with two decimals and the currency — ¥1,631,900.00 and 12,345 — the same in Chinese and in English (the
way Chinese finance staff read them). Lists use them through `Column(kind="amount"|"count")`, templates
through the `amount` and `count` filters of `shouhou` template tags. Display only: exports, the API and
forms keep plain numbers.
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CURRENCY = "¥"  # 人民币: the product's only currency today
CENT = Decimal("0.01")


def _decimal(value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def format_count(value):
    """12345 → "12,345"; a value that is not a number is printed as it is, None as ""."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():,f}"


def format_amount(value, currency=CURRENCY):
    """1631900 → "¥1,631,900.00", -12.5 → "-¥12.50" (half up to the cent); None → ""."""
    number = _decimal(value)
    if number is None:
        return "" if value is None else str(value)
    number = number.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    return f"{sign}{currency}{abs(number):,.2f}"
