from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "shouhou.workorders"
    label = "workorders"
    verbose_name = "Work orders"

    def ready(self):
        from . import handlers, permissions, settings_decl, tasks  # noqa: F401

        permissions.register_forms()
        from . import menu  # noqa: F401  (console navigation, counters, hub cards)
