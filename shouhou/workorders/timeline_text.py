"""How a work order's flags read in its history (core.timeline.register_flag_sentences): "等待 王芳 审批" and
"工单已暂停" rather than "审批中: ✗ → ✓". Rendered from the stored entry — its verb, its changes and, for an
approval request, the approval's approvers — so the services write entries as before (issue 15)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shouhou.core import timeline

from .models import Approval


def waiting_for_approvers(entry):
    """"等待 王芳、李雷 审批": the approvers of the approval this entry asked for — the requester's latest
    approval of the order made up to the entry's time."""
    approval = (Approval.objects.filter(order_id=entry.object_id, requested_by_id=entry.actor_id,
                                        created_at__lte=entry.created_at)
                .order_by("-created_at", "-id").prefetch_related("approvers").first())
    names = "、".join(sorted(user.name for user in approval.approvers.all())) if approval else ""
    if not names:
        return _("Waiting for approval")
    return _("Waiting for %(names)s to approve") % {"names": names}


APPROVAL_ENDINGS = {
    "approval_refused": gettext_lazy("The approval was refused"),
    "approval_withdrawn": gettext_lazy("The approval request was withdrawn"),
    "approval_approved": gettext_lazy("The approval was granted"),
}


def approval_ended(entry):
    return APPROVAL_ENDINGS.get(entry.verb, gettext_lazy("The approval has ended"))


def register():
    timeline.register_flag_sentences("workorders.workorder", {
        "awaiting_approval": (waiting_for_approvers, approval_ended),
        "is_paused": (gettext_lazy("The work order is paused"), gettext_lazy("The work order is resumed")),
        "is_overdue": (gettext_lazy("The work order is overdue"), gettext_lazy("The work order is no longer overdue")),
        "is_rejected": (gettext_lazy("The work order was rejected back"),
                        gettext_lazy("The work order is no longer rejected back")),
        "location_anomaly": (gettext_lazy("The check-in location is anomalous"),
                             gettext_lazy("The location anomaly is cleared")),
    })
