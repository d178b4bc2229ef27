from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "shouhou.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self):

        from . import handlers, menu, permissions, queries  # noqa: F401

