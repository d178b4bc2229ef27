from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shouhou.core"
    label = "core"
    verbose_name = "Core"
