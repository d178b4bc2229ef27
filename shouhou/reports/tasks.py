"""The report job (architecture §10): runs with the order's company active."""

from shouhou.accounts.models import User
from shouhou.core.jobs import tenant_task


@tenant_task()
def build_report(tenant, report_id, send=False, actor_id=None):
    from . import services

    actor = User.objects.for_tenant().filter(pk=actor_id).first() if actor_id else None
    services.build(report_id, send=send, actor=actor)
