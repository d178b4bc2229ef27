from django.apps import AppConfig


class SystemConfig(AppConfig):
    name = "shouhou.system"
    label = "system"
    verbose_name = "System"

    def ready(self):
        from . import menu, permissions, settings_decl  # noqa: F401
