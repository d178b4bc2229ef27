"""Small helpers of the phone templates: status colours, flag tags, action icons, file kinds."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# the card tags beside the status (MOB-11: 暂停中, overdue …)
FLAG_TAGS = [
    ("is_paused", _("Paused"), "warn"),
    ("is_overdue", _("Overdue"), "danger"),
    ("awaiting_approval", _("Awaiting approval"), "info"),
    ("is_rejected", _("Rejected back"), "danger"),
    ("location_anomaly", _("Location anomaly"), "danger"),
]
ACTION_ICONS = {
    "accept": "bi-check2-circle", "reject": "bi-x-circle", "start": "bi-play-circle", "pause": "bi-pause-circle",
    "resume": "bi-play-circle", "complete": "bi-check2-square", "transfer": "bi-arrow-left-right",
    "publish": "bi-inbox",
}


@register.filter
def flag_tags(order):
    """[(label, tone)] of the order's open flags."""
    return [(label, tone) for key, label, tone in FLAG_TAGS if getattr(order, key, False)]


@register.filter
def action_icon(action):
    return ACTION_ICONS.get(action, "bi-dot")


@register.filter
def is_image(ref):
    return str((ref or {}).get("content_type", "")).startswith("image/")


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key, "")


@register.simple_tag
def js_format(msgid, *names):
    """A translated "%(name)s" message as "{name}" text for mobile.js to fill in (no % escaping games)."""
    from django.utils.translation import gettext

    return gettext(msgid) % {name: "{" + name + "}" for name in names}


@register.simple_tag(takes_context=True)
def user_may(context, code):
    """`{% user_may "workorder.view" as can %}`: whether the signed-in user's roles grant `code`, so a tab
    or button the role cannot use is not shown (issue 15)."""
    from shouhou.core.permissions import has_perm

    user = context.get("user")
    return bool(user is not None and user.is_authenticated and has_perm(user, code))


@register.filter
def plain(value):
    """A quantity as an input's value: Decimal("10.000") → "10", Decimal("2.500") → "2.5" (no separators,
    no exponent)."""
    from decimal import Decimal, InvalidOperation

    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return format(number.normalize(), "f") if number.is_finite() else ""
