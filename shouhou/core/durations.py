"""A span of time in the console's words (2天3小时 / 3小时15分钟 / 12分钟), for pages and phone pages alike."""

from django.utils.translation import gettext as _


def duration_text(seconds):
    """Days and hours, hours and minutes, or minutes; a negative span reads as none."""
    seconds = max(int(seconds or 0), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)smin") % {"h": hours, "m": minutes}
    return _("%(m)smin") % {"m": minutes}
