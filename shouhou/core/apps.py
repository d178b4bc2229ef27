from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shouhou.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from .text_guard import install_api_guard, install_form_guard

        # Project-wide, so no form or endpoint has to remember it (see text_guard's docstring).
        install_form_guard()
        install_api_guard()
