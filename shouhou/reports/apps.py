from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shouhou.reports"
    label = "reports"
    verbose_name = "Service reports"

    def ready(self):
        from . import actions, file_owners, handlers, menu, permissions, settings_decl, tasks  # noqa: F401

        actions.register()  # 服务报告 and 按模板打印 on the work-order page (core.object_actions)
