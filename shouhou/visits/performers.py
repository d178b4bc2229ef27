"""What the visits module performs for the work-order flow (architecture §8, module nodes):

- 回访 (node "visit", action "visit"): `apply_visit` is the action's APPLY step — the runner has locked and
  checked the order (and, when the node takes an approval, runs this once it is approved); it stores the
  manual visit and the order enters 已回访. `visit_rule` says who may (workorders.policy.register_rule).
- 自动回访 (node "auto_visit", no status): `send_survey_on_finish` is called by the workorder.finished
  handler (handlers.py) and texts the customer the survey link when the order's type has the node on."""

from django.utils.translation import gettext as _

from shouhou.core import permissions
from shouhou.core.errors import PermissionDenied
from shouhou.core.flow.runner import NEXT, Step

from . import answers, services
from .models import Visit


def visit_rule(actor, order):
    if not permissions.has_perm(actor, "visit.record"):
        return str(PermissionDenied.default_message)
    return None


def apply_visit(actor, order, payload, flow_config, now):
    visit = services.store_visit(actor, order, payload["answer"], kind=Visit.Kind.MANUAL, now=now)
    return Step("visited", _("Return visit: %(level)s") % {"level": answers.level_label(visit.level) or "-"},
                enter=NEXT, note=visit.note, visit_id=visit.pk, level=visit.level)


def send_survey_on_finish(order):
    return services.send_survey_for_finished(order)
