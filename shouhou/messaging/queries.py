from .models import Notification, SmsMessage


def unread_count(user):
    return Notification.objects.filter(user=user, read_at=None).count()


def notifications_of(user):
    return Notification.objects.filter(user=user)


def sms_messages(actor):
    return SmsMessage.objects.select_related("sent_by")
