from django.db.models.signals import post_migrate
from django.dispatch import receiver

from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context


@receiver(post_migrate)
def sync_roles_after_migrate(sender, app_config=None, **kwargs):
    """New modules' default permissions reach the system roles of existing companies."""
    if app_config is None or app_config.label != "accounts":
        return
    from .services import sync_system_roles

    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            sync_system_roles()
