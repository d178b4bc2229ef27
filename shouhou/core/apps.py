from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shouhou.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.db.models.signals import post_save

        from . import files
        from .text_guard import install_api_guard, install_form_guard

        # Project-wide, so no form or endpoint has to remember it (see text_guard's docstring).
        install_form_guard()
        install_api_guard()
        # a saved object commits the uploaded files its JSON references (core.files)
        post_save.connect(files.claim_references, dispatch_uid="core.files.claim_references")
