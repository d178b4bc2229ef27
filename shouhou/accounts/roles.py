"""The ten system roles of ACC-09. Their default permissions come from each module's registration, and so
do their descriptions: a role is described by the modules it works in, so it promises nothing a module that
has not landed yet would bring (issue 15) — the spare-parts keeper's 备件管理 appears with the parts module."""

from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from shouhou.core import permissions

SYSTEM_ROLES = [
    ("admin", _("System administrator")),
    ("manager", _("Administrator")),
    ("engineer", _("Service engineer")),
    ("visitor", _("Return-visit agent")),
    ("director", _("Service director")),
    ("finance", _("Settlement clerk")),
    ("warehouse", _("Spare-parts keeper")),
    ("desk_admin", _("Service-desk administrator")),
    ("team_admin", _("Team administrator")),
    ("desk_agent", _("Service-desk agent")),
]
SYSTEM_ROLE_KEYS = [key for key, _label in SYSTEM_ROLES]

# The descriptions these roles were created with before they were built from the modules; a company that
# kept one gets the built description (accounts.services.sync_system_roles). Chinese, as they were stored.
LEGACY_DESCRIPTIONS = {
    "全部权限", "工单中心、客户管理、信息管理等", "接工单、填写回执、查询信息", "回访工单、客户信息",
    "运营分析、信息管理、备件管理、客户信息、费用管理、工单中心", "费用管理", "备件管理", "查看和管理全部服务台事件",
    "本服务团队内的数据", "处理服务台事件",
}


def describe(role_key, module_keys=None):
    """The role's description from the registered modules (only those in `module_keys` when given): the
    modules where it does more than look, then those it may only view — "客户、产品、工单；可查看账号、团队"."""
    if role_key == "admin":
        return gettext("All permissions")
    works, views = [], []
    for module in permissions.modules_in_order():
        if module_keys is not None and module.key not in module_keys:
            continue
        actions = module.defaults.get(role_key) or module.defaults.get("*")
        if not actions:
            continue
        actions = set(module.actions) if actions == "*" else set(actions)
        (works if actions - {"view"} else views).append(str(module.label))
    separator = pgettext("list separator", ", ")
    work, view = separator.join(works), separator.join(views)
    if work and view:
        return gettext("%(work)s; may view %(view)s") % {"work": work, "view": view}
    if view:
        return gettext("May view %(view)s") % {"view": view}
    return work or gettext("No permissions by default")
