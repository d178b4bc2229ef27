from django.apps import AppConfig


class WorkordersConfig(AppConfig):
    name = "shouhou.workorders"
    label = "workorders"
    verbose_name = "Work orders"

    def ready(self):
        from . import handlers, permissions, settings_decl, tasks  # noqa: F401

        permissions.register_forms()
        from . import file_owners

        file_owners.register()  # who may read the files its objects reference (core.files)
        from . import (
            menu,  # noqa: F401  (console navigation, counters, hub cards)
            tabs,
        )

        tabs.register()  # the work-order tabs of the customer and product pages (core.object_tabs)
        from shouhou.core.flow import deadlines

        from .services import timeouts

        deadlines.register(timeouts.TIMEOUTS)  # node timeouts of work orders, swept by core.tasks
