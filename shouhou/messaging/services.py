"""Notifications and SMS: every write here (architecture §4)."""

import logging

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from shouhou.core.errors import NotFound, QuotaExceeded, ValidationFailed
from shouhou.core.models import Tenant
from shouhou.core.permissions import require
from shouhou.core.tenancy import require_tenant, tenant_context
from shouhou.core.validators import normalize_phone, validate_mobile

from . import sms
from .models import Notification, SmsMessage

log = logging.getLogger("shouhou.sms")


def notify(*, users, title, body="", url="", category=Notification.Category.SYSTEM, event_id=None):
    """In-app notification to each user, once per event id (idempotent delivery)."""
    tenant = require_tenant()
    recipients = {u.pk: u for u in users if u is not None and u.is_active and u.tenant_id == tenant.pk}
    created = []
    for user in recipients.values():
        try:
            with transaction.atomic():
                created.append(Notification.objects.create(
                    user=user, title=str(title)[:200], body=str(body), url=url, category=category,
                    event_id=event_id,
                ))
        except IntegrityError:
            continue  # already delivered for this event
    return created


@transaction.atomic
def mark_read(*, user, ids=None):
    qs = Notification.objects.filter(user=user, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


def send_sms(*, phone, content, actor=None, purpose="", template="", event_id=None, check_perm=False):
    """Send one SMS through the configured gateway, counting it against the company quota.

    The quota is taken under a row lock before sending and given back if the gateway fails.
    """
    if check_perm:
        require(actor, "message.sms")
    phone = normalize_phone(phone)
    try:
        validate_mobile(phone)
    except Exception:
        raise ValidationFailed(details={"phone": [_("Enter a valid mainland mobile number (11 digits starting with 1).")]})
    content = (content or "").strip()
    if not content:
        raise ValidationFailed(details={"content": [_("This field is required.")]})
    if event_id and SmsMessage.objects.filter(event_id=event_id, phone=phone).exists():
        return None
    count = sms.segments(content)
    tenant = require_tenant()
    with transaction.atomic():
        locked = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if locked.sms_used + count > locked.sms_limit:
            raise QuotaExceeded(_("The SMS quota is used up; top up to send more."))
        Tenant.objects.filter(pk=tenant.pk).update(sms_used=F("sms_used") + count)
        message = SmsMessage.objects.create(phone=phone, content=content, template=template, purpose=purpose,
                                            segments=count, sent_by=actor if actor and actor.pk else None,
                                            event_id=event_id)
    try:
        provider_id = sms.gateway(tenant).send(phone, content, template)
    except Exception as exc:  # whatever the gateway raised, the message was not sent: give the quota back
        if not isinstance(exc, sms.SmsError):
            log.exception("SMS gateway crashed")
        with transaction.atomic():
            Tenant.objects.filter(pk=tenant.pk).update(sms_used=F("sms_used") - count)
            SmsMessage.objects.filter(pk=message.pk).update(status=SmsMessage.Status.FAILED, error=str(exc)[:300])
        message.status, message.error = SmsMessage.Status.FAILED, str(exc)[:300]
        return message
    SmsMessage.objects.filter(pk=message.pk).update(status=SmsMessage.Status.SENT, provider_id=provider_id)
    message.status, message.provider_id = SmsMessage.Status.SENT, provider_id
    tenant.sms_used = locked.sms_used + count
    return message


def send_password_reset_code(user, content):
    """The SMS of 忘记密码 (accounts.password_reset registers this sender): to the user's own phone, in his
    company's message log and quota like every SMS."""
    with tenant_context(user.tenant):
        message = send_sms(phone=user.phone, content=content, purpose="password_reset")
    if message is not None and message.status == SmsMessage.Status.FAILED:
        log.warning("The password reset code could not be sent: %s", message.error)
    return message


def get_notification(user, pk):
    notification = Notification.objects.filter(user=user, pk=pk).first()
    if notification is None:
        raise NotFound()
    return notification
