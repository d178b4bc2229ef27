from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from shouhou.core import permissions
from shouhou.core.models import Tenant
from shouhou.core.tenancy import tenant_context

from .models import Role, User


@receiver(post_migrate)
def sync_roles_after_migrate(sender, app_config=None, **kwargs):
    """New modules' default permissions reach the system roles of existing companies."""
    if app_config is None or app_config.label != "accounts":
        return
    from .services import sync_system_roles

    for tenant in Tenant.objects.all():
        with tenant_context(tenant):
            sync_system_roles()


@receiver(post_save, sender=Role)
@receiver(post_delete, sender=Role)
def role_changed(sender, instance, **kwargs):
    """A role's permissions or scopes may have changed: the cached grants of the company are stale."""
    permissions.grants_changed(instance.tenant_id)


@receiver(m2m_changed, sender=User.roles.through)
def user_roles_changed(sender, instance, action, **kwargs):
    """Roles given or taken (from either side of the relation: a user or a role)."""
    if action in ("post_add", "post_remove", "post_clear"):
        permissions.grants_changed(instance.tenant_id)
