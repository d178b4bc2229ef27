from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "shouhou.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self):
        from . import actions, dispatch, menu, services, tasks  # noqa: F401  (navigation, the periodic generation job)

        actions.register()  # 新建计划 on the customer and product pages

        services.register_dispatcher("pool", dispatch.publish_to_pool)  # 工单池 (issue 10)
        services.register_dispatcher("auto", dispatch.auto_assign)  # 自动派单 (issue 10)
