"""Navigation, home counters, the usage counter and the settings hub cards of the work-order centre."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.navigation import register_home_panel, register_nav
from shouhou.system.menu import register_hub_card
from shouhou.system.queries import register_usage_counter

from . import home
from .models import WorkOrder

# 工作中心 (GEN-04 / SPEC §3): 工单列表, 新建工单, 指派工单, and the approvals inbox
register_nav("workorders", _("Work-order list"), "workorders:list", perm="workorder.view", order=10)
register_nav("workorders", _("New work order"), "workorders:create", perm="workorder.create", order=20)
register_nav("workorders", _("Assign work orders"), "workorders:assign", perm="workorder.assign", order=30)
register_nav("workorders", _("Map dispatch"), "workorders:map", perm="workorder.assign", order=33)
register_nav("workorders", _("Work-order pool"), "workorders:pool", perm="workorder.view", order=35)
register_nav("workorders", _("Close work orders"), "workorders:closing", perm="workorder.close", order=45)
register_nav("workorders", _("Approvals"), "workorders:approvals", perm="workorder.view", order=40)

# 系统管理 › 工单设置: 工单设置 / 工单类型设置 / 附加组件设置 (+ the service option lists)
register_nav("system", _("Work-order settings"), "workorders:settings", perm="workorder_settings.manage", order=60)
register_nav("system", _("Work-order types"), "workorders:types", perm="workorder_settings.manage", order=61)
register_nav("system", _("Add-on components"), "workorders:components", perm="workorder_settings.manage",
             order=62)
register_nav("system", _("Service types and contents"), "workorders:options", perm="workorder_settings.manage",
             order=63)
register_nav("system", _("Auto-assignment rules"), "workorders:dispatch_rules", perm="workorder_settings.manage",
             order=64)

for url_name, label, icon, description, order in (
    ("workorders:settings", _("Work-order settings"), "bi-sliders",
     _("Dispatch, reject and transfer rules, photo and location checks"), 10),
    ("workorders:types", _("Work-order types"), "bi-diagram-3", _("Forms, flows, receipts and teams per type"), 20),
    ("workorders:components", _("Add-on components"), "bi-puzzle", _("Extra forms filled in on work orders"), 30),
    ("workorders:options", _("Service types and contents"), "bi-list-check", _("The option lists of work orders"),
     40),
    ("workorders:dispatch_rules", _("Auto-assignment rules"), "bi-signpost-split",
     _("Who gets new work orders automatically, rule by rule"), 50),
):
    register_hub_card("workorders", label, url_name, perm="workorder_settings.manage", icon=icon,
                      description=description, order=order)

# the home page's work-order panel: 待我处理, 待我审批, 超时/即将超时, 今日计划 and the figures of the user's scope
register_home_panel("workorders", "workorders/_home_panel.html", home.panel, order=10)


def work_order_count(tenant):
    return WorkOrder.objects.count()


register_usage_counter("workorders", _("Work orders"), work_order_count, order=30)
