"""Template helpers of the work-order pages: status colours, flag labels, durations."""

from django import template
from django.utils.translation import gettext as _

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
    seconds = int(seconds or 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)smin") % {"h": hours, "m": minutes}
    return _("%(m)smin") % {"m": minutes}
