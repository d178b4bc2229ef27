from django.utils.translation import gettext_lazy as _

from shouhou.core.permissions import register_module

register_module(
    "system",
    _("System management"),
    actions={"settings": _("Company settings"), "logs": _("System log"), "usage": _("Version and usage")},
    defaults={"admin": "*", "director": ["logs", "usage"]},
    scoped=False,
    order=90,
)
