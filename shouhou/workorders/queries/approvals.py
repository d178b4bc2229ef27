"""Scoped reads of approvals: the inbox (to decide, decided, requested by me), one approval, the
counts the header and the inbox show (which decisions the actor may take: policy.approval_actions)."""


from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from shouhou.core import permissions
from shouhou.core.errors import ValidationFailed

from ..models import (
    Approval,
)
from . import orders


def approvals_inbox(actor, state="pending", *, requested=False):
    """Approvals the actor decides (待审批 / 已审批 / 已拒绝), or with `requested` the ones they asked for."""
    states = {"pending": [Approval.State.PENDING], "approved": [Approval.State.APPROVED],
              "refused": [Approval.State.REFUSED], "withdrawn": [Approval.State.WITHDRAWN],
              "all": list(Approval.State.values)}
    if state not in states:
        raise ValidationFailed(details={"state": [_("Unknown state.")]})
    if requested:
        mine = Q(requested_by=actor)
    else:
        mine = Q(Exists(Approval.approvers.through.objects.filter(approval_id=OuterRef("pk"), user_id=actor.pk)))
    return (Approval.objects.filter(mine, state__in=states[state])
            .select_related("order", "order__customer", "requested_by", "decided_by"))


def get_approval(actor, pk):
    """An approval the actor decides, requested, or whose order they can see; else NotFound."""
    visible = orders.visible_work_orders(actor).values("pk")
    approver = Approval.approvers.through.objects.filter(approval_id=OuterRef("pk"), user_id=actor.pk)
    qs = Approval.objects.filter(Q(Exists(approver)) | Q(requested_by=actor) | Q(order__in=visible))
    return permissions.get_visible_or_404(qs.select_related("order", "requested_by", "decided_by"), pk=pk)


def approval_counts(actor):
    """Counts for the approvals inbox tabs, in one query each side (approver / requester)."""
    decided = approvals_inbox(actor, "all").order_by().aggregate(
        pending=Count("pk", filter=Q(state=Approval.State.PENDING)),
        approved=Count("pk", filter=Q(state=Approval.State.APPROVED)),
        refused=Count("pk", filter=Q(state=Approval.State.REFUSED)))
    decided["mine"] = approvals_inbox(actor, "pending", requested=True).count()
    return decided


def my_pending_approval_count(actor):
    return approvals_inbox(actor, "pending").count()
