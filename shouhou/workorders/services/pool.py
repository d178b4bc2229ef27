"""The work-order pool (工单池, WO-23; WOSET-P1…P7): publishing an order to the pool and claiming it (接单).
Both are actions of the work-order flow (flow.table rows "publish" and "claim"): each locks the order, asks
the policy, then hands it to the runner (actions.perform) — so the timeline, the outbox events, the
deadlines and the data scope are those of every other action.

The pool's clock (WOSET-P4) replaces the assign node's while an order waits in the pool: deadline_node
"pool", and the flow engine's sweep marks it 超时 and tells the dispatcher once."""

from datetime import timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from shouhou.accounts.models import User
from shouhou.core import company_settings, permissions, working_hours
from shouhou.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed

from .. import policy
from ..models import Status
from ..queries import pool as pool_queries
from . import actions, kernel

POOL_NODE = "pool"


class ClaimedByOther(Conflict):
    """The order left the pool before this claim (another engineer won): 409 conflict."""


def start_pool_clock(order, now):
    """WOSET-P4: the pool's timeout (wall clock, or working hours when the company counts timeouts so)."""
    hours = float(company_settings.get("workorder.pool_timeout_hours") or 0)
    if hours <= 0:
        order.deadline_node, order.deadline_at = "", None
    else:
        schedule = working_hours.timeout_schedule()
        order.deadline_node = POOL_NODE
        order.deadline_at = schedule.add(now, hours) if schedule else now + timedelta(hours=hours)
    order.is_overdue = False


@transaction.atomic
def publish(*, actor, order, note="", expected_version=None):
    """发布到工单池: a 待指派 order by a dispatcher, or an assigned order handed back by its assignee (P6)."""
    order = kernel.lock(actor, order, expected_version)
    return publish_locked(actor, order, note)


def publish_locked(actor, order, note=""):
    policy.require(actor, order, "publish")
    note = kernel.clean_text(note, "note")
    return actions.perform(actor, order, "publish", {"note": note})


@transaction.atomic
def claim(*, actor, order, expected_version=None):
    """接单: the claimant becomes the assignee at 已接受. Exactly one of concurrent claims wins (the row
    lock); the others get 409 "claimed by someone else" and nothing changes."""
    # the pool is outside every data scope but "all": claiming is the way in, so no scope check here
    order = kernel.lock(actor, order, check_scope=False)
    if not pool_queries.in_partition(actor, order):
        raise NotFound()
    if order.status != Status.POOLED:
        raise ClaimedByOther(_("The work order has been claimed by someone else."),
                             details={"status": order.status})
    if expected_version is not None and int(expected_version) != order.version:
        raise Conflict(_("The work order has changed; reload it and try again."), details={"version": order.version})
    refused = policy.claim_permission_refusal(actor)
    if refused is not None:
        raise PermissionDenied(refused)
    _check_daily_cap(actor)  # 400, before the policy's own word on the cap (403)
    policy.require(actor, order, "claim")
    return actions.perform(actor, order, "claim", {})


def _check_daily_cap(actor):
    """WOSET-P7: at most N claims per person on the company's day. The claimant's row is locked so his own
    concurrent claims count one after the other."""
    cap = pool_queries.daily_cap()
    if cap <= 0:
        return
    list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))
    if pool_queries.claims_today(actor) >= cap:
        message = pool_queries.cap_message(cap)
        raise ValidationFailed(message, details={"claims": [message]})


def claim_refusal(actor, order):
    """Why the actor may not claim the order now (for the buttons), or None."""
    return policy.refusal(actor, order, "claim")


MAX_BATCH = 500


@transaction.atomic
def batch_publish(*, actor, orders, note=""):
    """批量发布到工单池 from the 待指派 list: all or none (each through publish)."""
    permissions.require(actor, "workorder.assign")
    orders = sorted(orders, key=kernel.pk)  # a fixed lock order: two batches never deadlock
    if not orders:
        raise ValidationFailed(details={"ids": [_("Select at least one work order.")]})
    if len(orders) > MAX_BATCH:
        raise ValidationFailed(details={"ids": [_("Select at most %(n)s work orders at a time.") % {"n": MAX_BATCH}]})
    done = []
    for order in orders:
        locked = kernel.lock(actor, order)
        try:
            done.append(publish_locked(actor, locked, note))
        except DomainError as exc:
            exc.details = {**(exc.details or {}), "number": locked.number}
            exc.message = f"{locked.number}: {exc.message}"
            raise
    return done
