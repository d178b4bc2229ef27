from django.apps import AppConfig


class MobileConfig(AppConfig):
    """The engineer's phone pages (H5) under /m/ (SPEC §12, MOB-01…19): views over the domain services."""

    name = "shouhou.mobile"
    label = "mobile"
    verbose_name = "Mobile"
