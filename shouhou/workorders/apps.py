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
        from . import timeline_text

        timeline_text.register()  # its flags read as sentences in the history (core.timeline)

        from shouhou.core import gone

        from .queries import orders as order_queries

        # a link to an order moved away from the user says so (issue 15); the phone registers its own pages
        gone.register_explainer(["workorders:detail", "workorders:edit", "workorders:copy", "workorders:print"],
                                "pk", order_queries.gone_message)

        from shouhou.core.flow import deadlines

        from .services import timeouts

        deadlines.register(timeouts.TIMEOUTS)  # node timeouts of work orders, swept by core.tasks

        from django.utils.translation import gettext_lazy

        from shouhou.messaging import subscriptions

        from .queries.pool import POOL_TOPIC

        # 订阅 the pool: told of orders nobody claimed in time (WOSET-P4), and of each publish when asked
        subscriptions.register_topic(POOL_TOPIC, gettext_lazy("Work-order pool"), perm="workorder.view")

        from . import fees
        from .services import receipt_lines

        fees.register_fees_provider(receipt_lines.FEES)  # 合计费用 from the receipt's parts and services
