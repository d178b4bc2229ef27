"""Template helpers of the work-order pages: status colours, flag labels, durations."""

from django import template

from shouhou.core.durations import duration_text

from ..queries.orders import FLAG_LABELS
from ..views.common import STATUS_CSS

register = template.Library()


@register.filter
def status_css(status):
    return STATUS_CSS.get(status, "text-bg-light")


@register.filter
def flag_labels(order):
    return [label for key, label in FLAG_LABELS.items() if getattr(order, key, False)]


@register.filter
def duration(seconds):
    """A span of time in words: 2天3小时, 3小时15分钟, 12分钟."""
    return duration_text(seconds)
