"""Work-order jobs (architecture §10). Node timeouts and reminders are swept every minute by the flow
engine's task (core.tasks.check_flow_timeouts over every registered kind; work orders register
services.timeouts.TIMEOUTS in apps.ready); `run_timeouts` runs the work orders' part alone."""

from django.utils import timezone

from shouhou.core.flow import deadlines

from .services import timeouts as timeout_services


def run_timeouts(now=None):
    """Process every company with a running node deadline; returns the number of reminders sent."""
    return deadlines.run(now or timezone.now(), kinds=[timeout_services.TIMEOUTS])
