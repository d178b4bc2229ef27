from django.apps import AppConfig


class MobileConfig(AppConfig):
    """The engineer's phone pages (H5) under /m/ (SPEC §12, MOB-01…19): views over the domain services."""

    name = "shouhou.mobile"
    label = "mobile"
    verbose_name = "Mobile"

    def ready(self):
        from shouhou.core import gone
        from shouhou.workorders.queries import orders as order_queries

        gone.register_surface("/m/", template="mobile/gone.html", home="/m/")  # its dead-end page (issue 15)
        gone.register_explainer(["mobile:order_detail", "mobile:receipt", "mobile:transfer"], "pk",
                                order_queries.gone_message)
