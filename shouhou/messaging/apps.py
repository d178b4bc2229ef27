from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "shouhou.messaging"
    label = "messaging"
    verbose_name = "Messaging"

    def ready(self):

        from shouhou.accounts import password_reset

        from . import handlers, menu, permissions, queries, services  # noqa: F401

        password_reset.register_sender(services.send_password_reset_code)  # 忘记密码's code goes by SMS

