from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """{{ errors|get_item:name }} — dict lookup with a variable key."""
    if not mapping:
        return None
    return mapping.get(key)
