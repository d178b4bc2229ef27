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
