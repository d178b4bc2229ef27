from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "shouhou.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self):
        from shouhou.core import navigation

        from . import handlers, menu, permissions, queries  # noqa: F401

        navigation.register_shell_value("unread_notifications", queries.unread_count)  # the header's bell
