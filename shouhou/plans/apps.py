from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "shouhou.plans"
    label = "plans"
    verbose_name = "Plans"

    def ready(self):
        from . import menu, tasks  # noqa: F401  (navigation, the periodic generation job)
