from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shouhou.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.db.models.signals import post_save

        from . import files

        # a saved object commits the uploaded files its JSON references (core.files)
        post_save.connect(files.claim_references, dispatch_uid="core.files.claim_references")
