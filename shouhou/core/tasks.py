"""Core jobs: outbox delivery and its sweep, flow-node timeouts (architecture §8–10)."""

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from . import outbox

log = logging.getLogger(__name__)


@db_task(retries=5, retry_delay=10)
def deliver_event(event_id, tenant_id=None):
    outbox.deliver(event_id)


@db_periodic_task(crontab(minute="*"))
def sweep_outbox():
    """Deliver events whose after-commit delivery never ran (crash, queue down)."""
    delivered = 0
    for event_id in outbox.undelivered():
        try:
            delivered += outbox.deliver(event_id)
        except Exception:
            log.exception("outbox event %s failed", event_id)
    return delivered


@db_periodic_task(crontab(minute="23"))
def sweep_orphan_files():
    """Delete uploads no saved object took within FILE_ORPHAN_HOURS (a crash mid-request, a task)."""
    from . import files

    return files.sweep_orphans()


@db_periodic_task(crontab(minute="*"))
def check_flow_timeouts():
    """Node deadlines of every flow document kind (core.flow.deadlines): overdue marks and reminders."""
    from .flow import deadlines

    return deadlines.run()
