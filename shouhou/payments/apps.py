from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "shouhou.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self):
        from . import facts, file_owners, menu, permissions, settings_decl, tabs  # noqa: F401  (registrations)

        facts.register()  # workorders.order_facts "payment_status"
        file_owners.register()
        tabs.register()  # 收款 on the work-order page
