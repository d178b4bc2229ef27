from django.apps import AppConfig


class PartsConfig(AppConfig):
    name = "shouhou.parts"
    label = "parts"
    verbose_name = "Spare parts"

    def ready(self):
        from . import handlers, importers, menu, permissions, settings_decl  # noqa: F401
