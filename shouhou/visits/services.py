"""Every write of return visits (architecture §4): manual visits (through the flow's 回访 action when the
type has the node on), the SMS survey (send, re-send once, the customer's single answer) and the
satisfaction settings."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core import clean, company_settings, outbox, permissions, timeline
from shouhou.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationFailed
from shouhou.core.tenancy import tenant_context
from shouhou.core.validators import control_character_message, find_control_character
from shouhou.messaging.services import send_sms
from shouhou.workorders import flow
from shouhou.workorders.models import WorkOrder
from shouhou.workorders.services import actions as order_actions
from shouhou.workorders.services import kernel as order_kernel

from . import answers, settings_decl, tokens
from .models import Survey, Visit

MAX_EXPIRY_DAYS = 90


class SurveyGone(DomainError):
    """The survey link expired or was answered already (410)."""

    code = "survey_closed"
    status = 410


def _flow_of(order):
    return flow.normalize(order.order_type.flow)


# --- manual visits --------------------------------------------------------------------------------------

def store_visit(actor, order, answer, *, kind, now=None):
    """Write the visit row of an already checked answer (the APPLY step's and the survey's part). A
    reopened and again finished order visited again keeps one row per kind: the newer answer."""
    visit, _created = Visit.objects.update_or_create(
        order=order, kind=kind,
        defaults={"level": answer["level"], "scores": answer["scores"], "tags": answer["tags"],
                  "note": answer["note"], "engineer_id": order.assignee_id,
                  "visited_by": actor if getattr(actor, "is_authenticated", False) else None,
                  "created_at": now or timezone.now()})
    return visit


@transaction.atomic
def record_visit(*, actor, order, answer, expected_version=None):
    """人工回访 (WO-18). With the type's 回访 node on it is the flow's action (table check, approval, 已回访);
    with it off the visit is recorded on a finished order without a status change."""
    permissions.require(actor, "visit.record")
    order = order_kernel.lock(actor, order, expected_version)
    refused = _visit_refusal(actor, order)
    if refused is not None:
        raise Conflict(refused)
    answer = answers.clean_answer(answer)
    if flow.is_enabled(_flow_of(order), "visit"):
        order_actions.perform(actor, order, "visit", {"answer": answer})
        return order
    visit = store_visit(actor, order, answer, kind=Visit.Kind.MANUAL)
    timeline.record(actor=actor, obj=order, verb="visited", note=visit.note,
                    summary=_("Return visit: %(level)s") % {"level": answers.level_label(visit.level) or "-"})
    outbox.emit("visit.recorded", order_id=order.pk, visit_id=visit.pk, kind=visit.kind, level=visit.level)
    return order


def _visit_refusal(actor, order):
    """Why a manual visit cannot be recorded on the order now, or None."""
    if flow.is_enabled(_flow_of(order), "visit"):
        from shouhou.workorders import policy

        return policy.refusal(actor, order, "visit")
    if order.status not in flow.DONE_STATUSES:
        return _("Only finished work orders can get a return visit.")
    if Visit.objects.filter(order=order, kind=Visit.Kind.MANUAL).exists():
        return _("This work order has had its return visit.")
    return None


def visit_refusal(actor, order):
    """The visit dialog's and the list's question: may the actor record a visit on this order now?"""
    if not permissions.has_perm(actor, "visit.record"):
        return str(PermissionDenied.default_message)
    return _visit_refusal(actor, order)


# --- the SMS survey (自动回访) ----------------------------------------------------------------------------

def _expiry(now):
    days = company_settings.get("visit.survey_expiry_days")
    return now + dt.timedelta(days=max(1, min(int(days or 7), MAX_EXPIRY_DAYS)))


def _text(order, survey):
    from django.conf import settings

    company = order.tenant.display_name
    url = settings.PUBLIC_BASE_URL.rstrip("/") + tokens.path_for(survey.nonce)
    return _("[%(company)s] Your work order %(number)s is complete. Please rate our service: %(url)s") % {
        "company": company, "number": order.number, "url": url}


def _deliver(order, survey, *, event_id=None):
    """Text the link; a refusal (bad number, quota used up) stays on the survey as its error."""
    try:
        message = send_sms(phone=survey.phone, content=_text(order, survey), purpose="visit.survey",
                           event_id=event_id)
        error = message.error if message is not None and message.status == "failed" else ""
    except DomainError as exc:
        error = str(exc.message if hasattr(exc, "message") else exc)
    Survey.objects.filter(pk=survey.pk).update(send_error=error[:300])
    survey.send_error = error[:300]
    return survey


def send_survey_for_finished(order, *, event_id=None):
    """自动回访: when the finished order's type has the node on and the order has a contact phone, make its
    survey (once per order) and text the link. Runs with the order's company active (an outbox handler)."""
    if not flow.is_enabled(_flow_of(order), "auto_visit"):
        return None
    phone = order.contact_phone or (order.contact.phone if order.contact_id else "")
    if not phone:
        return None
    survey = open_survey(order, phone)
    return None if survey is None else _deliver(order, survey, event_id=event_id)


def open_survey(order, phone, *, now=None):
    """The order's survey row (its link, expiry) without texting it, or None when it has one already
    (finished again after a reopening, a replayed event). The demo seeder opens its surveys with this."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            survey = Survey.objects.create(order=order, nonce=tokens.new_nonce(), phone=phone, sent_at=now,
                                           expires_at=_expiry(now))
            timeline.record(actor=None, obj=order, verb="survey_sent",
                            summary=_("Sent the satisfaction survey by SMS"))
    except IntegrityError:
        return None
    return survey


@transaction.atomic
def resend_survey(*, actor, order):
    """Send an unanswered survey again, once: a new link (the old one stops working) and a new expiry."""
    permissions.require(actor, "visit.record")
    order = order_kernel.lock(actor, order)
    survey = Survey.objects.select_for_update().filter(order=order).first()
    if survey is None:
        raise NotFound(_("This work order has no survey."))
    if survey.answered_at is not None:
        raise Conflict(_("The customer has answered the survey."))
    if survey.resent_at is not None:
        raise Conflict(_("The survey has been re-sent once already."))
    now = timezone.now()
    survey.nonce, survey.resent_at, survey.sent_at, survey.expires_at = tokens.new_nonce(), now, now, _expiry(now)
    survey.save(update_fields=["nonce", "resent_at", "sent_at", "expires_at", "updated_at"])
    timeline.record(actor=actor, obj=order, verb="survey_resent", summary=_("Re-sent the satisfaction survey"))
    return _deliver(order, survey)


def find_survey(token):
    """The survey a link names, across companies (the public page has none active), with its order; NotFound
    for a malformed, forged or replaced token."""
    nonce = tokens.nonce_of(token)
    survey = Survey.all_tenants.select_related("order", "order__tenant", "order__order_type", "order__assignee",
                                               "tenant").filter(nonce=nonce).first() if nonce else None
    if survey is None:
        raise NotFound(_("This survey link is not valid."))
    return survey


def survey_state(survey, now=None):
    if survey.answered_at is not None:
        return "answered"
    if survey.expires_at <= (now or timezone.now()):
        return "expired"
    return "open"


def submit_survey(*, token, answer):
    """The customer's answer (anonymous): once per link, before it expires; the company's questions only."""
    survey = find_survey(token)
    with tenant_context(survey.tenant), transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        state = survey_state(survey)
        if state == "answered":
            raise SurveyGone(_("This survey has been answered. Thank you!"))
        if state == "expired":
            raise SurveyGone(_("This survey link has expired."))
        answer = answers.clean_answer(answer, asked=answers.survey_questions())
        order = WorkOrder.objects.select_related("assignee").get(pk=survey.order_id)
        now = timezone.now()
        visit = store_visit(None, order, answer, kind=Visit.Kind.AUTO, now=now)
        survey.answered_at, survey.visit = now, visit
        survey.save(update_fields=["answered_at", "visit", "updated_at"])
        timeline.record(actor=None, obj=order, verb="survey_answered", note=visit.note,
                        summary=_("The customer answered the survey: %(level)s") % {
                            "level": answers.level_label(visit.level) or "-"})
        outbox.emit("visit.recorded", order_id=order.pk, visit_id=visit.pk, kind=visit.kind, level=visit.level)
        return visit


# --- 满意度设置 -----------------------------------------------------------------------------------------

MAX_NAMES = 12
MAX_NAME = 20


def _names(value, key, errors, *, required=False):
    if isinstance(value, str):
        value = [part for part in value.replace("，", ",").replace("\n", ",").split(",")]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[key] = [_("Enter a list of names.")]
        return []
    names = list(dict.fromkeys(v.strip() for v in value if v.strip()))
    bad = [n for n in names if len(n) > MAX_NAME or find_control_character(n)]
    if bad:
        errors[key] = [_("Each name has at most %(n)d characters and no control characters.") % {"n": MAX_NAME}]
    elif len(names) > MAX_NAMES:
        errors[key] = [_("At most %(n)d names.") % {"n": MAX_NAMES}]
    elif required and not names:
        errors[key] = [_("Enter at least one name.")]
    return names


def save_settings(*, actor, levels, dimensions, positive_tags, negative_tags, survey_questions, expiry_days,
                  request=None):
    """满意度设置: every value checked, all errors at once, then written and logged (SYS-13)."""
    permissions.require(actor, "visit.settings")
    errors = {}
    words = {}
    for key in settings_decl.DEFAULT_LEVELS:
        raw = (levels or {}).get(key) if isinstance(levels, dict) else None
        char = find_control_character(raw) if isinstance(raw, str) else None
        if char is not None:
            errors[f"levels.{key}"] = [control_character_message(char)]
        words[key] = clean.text(raw, MAX_NAME, f"levels.{key}", errors, required=True)
    dims = _names(dimensions, "dimensions", errors)
    positive = _names(positive_tags, "positive_tags", errors)
    negative = _names(negative_tags, "negative_tags", errors)
    if set(positive) & set(negative) and "negative_tags" not in errors:
        errors["negative_tags"] = [_("A tag cannot be both positive and negative.")]
    questions = survey_questions if isinstance(survey_questions, list) else None
    if questions is None or any(q not in settings_decl.QUESTIONS for q in questions):
        errors["survey_questions"] = [_("Choose from: %(choices)s.") % {"choices": ", ".join(settings_decl.QUESTIONS)}]
    elif not questions:
        errors["survey_questions"] = [_("The survey asks at least one question.")]
    if isinstance(expiry_days, bool) or not isinstance(expiry_days, int) or not 1 <= expiry_days <= MAX_EXPIRY_DAYS:
        errors["expiry_days"] = [_("Enter whole days from 1 to %(n)d.") % {"n": MAX_EXPIRY_DAYS}]
    if errors:
        raise ValidationFailed(details=errors)
    return company_settings.update_settings(actor=actor, request=request, permission="visit.settings", values={
        "visit.levels": words, "visit.dimensions": dims, "visit.positive_tags": positive,
        "visit.negative_tags": negative,
        "visit.survey_questions": [q for q in settings_decl.QUESTIONS if q in questions],
        "visit.survey_expiry_days": expiry_days})

