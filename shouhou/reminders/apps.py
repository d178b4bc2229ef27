from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "shouhou.reminders"
    label = "reminders"
    verbose_name = "Reminders"

    def ready(self):
        from shouhou.core import dependents

        from . import menu, services, tabs, tasks  # noqa: F401  (navigation, periodic jobs)

        tabs.register()  # the reminders tabs of the customer and product pages

        for target in ("customers.Customer", "products.Product"):
            dependents.register_cleanup(target, services.forget_reminders)
