from django.apps import AppConfig


class PartsConfig(AppConfig):
    name = "shouhou.parts"
    label = "parts"
    verbose_name = "Spare parts"

    def ready(self):
        from . import file_owners, handlers, importers, menu, permissions, settings_decl  # noqa: F401

        file_owners.register()  # the part's picture is served to whoever may see parts (core.files)
        from . import custom_fields

        custom_fields.register()  # the part form of the form engine (issue 11)
