from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "shouhou.workorders"
    label = "workorders"
    verbose_name = "Work orders"

    def ready(self):
        from . import permissions  # noqa: F401
