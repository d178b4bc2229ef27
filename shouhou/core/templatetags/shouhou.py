from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ errors|get_item:name }} — dict lookup with a variable key."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def timeline_lines(entry):
    """{% for line in entry|timeline_lines %}: the entry's changes, flags as sentences (core.timeline.lines)."""
    from shouhou.core.timeline import lines

    return lines(entry)


@register.filter
def amount(value, currency=None):
    """{{ order.total_amount|amount }} → ¥1,631,900.00 (core.numbers)."""
    from shouhou.core.numbers import CURRENCY, format_amount

    return format_amount(value, currency if currency is not None else CURRENCY)


@register.filter
def count(value):
    """{{ tab.count|count }} → 12,345 (core.numbers)."""
    from shouhou.core.numbers import format_count

    return format_count(value)
