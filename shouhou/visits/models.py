"""Return visits and satisfaction (回访, 自动回访, 满意度; WO-17, WO-18, CUS-12).

A `Visit` is one answer about one finished order: by a service agent on the phone (人工回访, kind manual) or
by the customer on the survey page (自动回访, kind auto). An order has at most one of each kind. A `Survey`
is the SMS survey of one order: its link token, where it went, when it expires, whether it was re-sent and
answered. The answer's `level` is one of LEVELS; `scores` maps each rated dimension's name to 1–5."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouhou.core.models import TenantModel

LEVELS = ("good", "fair", "bad")  # 满意, 一般, 不满意: the words are the company's (settings_decl)


class Visit(TenantModel):
    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual return visit")
        AUTO = "auto", _("Automatic return visit")

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("work order"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    level = models.CharField(_("satisfaction"), max_length=10)
    scores = models.JSONField(_("ratings"), default=dict, blank=True)
    tags = models.JSONField(_("service tags"), default=list, blank=True)
    note = models.TextField(_("visit note"), blank=True)
    # who was rated: the order's assignee when the answer came (the figures per engineer and team)
    engineer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("engineer"))
    visited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("visited by"))

    class Meta:
        verbose_name = _("return visit")
        verbose_name_plural = _("return visits")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "order", "kind"], name="visits_one_per_kind")]

    def __str__(self):
        return f"{self.order_id}:{self.kind}"


class Survey(TenantModel):
    """The SMS survey of one order. The link is /s/<nonce>.<signature>: the nonce is stored, the signature
    is an HMAC of it under the server's secret key (visits.tokens), so the table alone gives no working
    link. Re-sending makes a new nonce: the old link stops working."""

    order = models.ForeignKey("workorders.WorkOrder", on_delete=models.CASCADE, related_name="+",
                              verbose_name=_("work order"))
    nonce = models.CharField(max_length=32, unique=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    resent_at = models.DateTimeField(_("re-sent at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    visit = models.OneToOneField(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="survey")
    send_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-sent_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "order"], name="visits_one_survey_per_order")]

    def __str__(self):
        return f"survey {self.order_id}"
