"""Surface tests of messaging pages by declaration (core/testing/views.py).

Covers: Notification — console list and open (its "detail": marks it read and follows its link); each user
sees only their own, so another user's and another company's notifications are unlisted and 404.
SmsMessage — console list (the SMS log, read-only).
"""

from django.urls import reverse

from shouhou.core.testing import views
from shouhou.messaging.models import Notification, SmsMessage


class TestNotificationPages(views.ListPage):
    model = Notification
    refused = ()  # every user reads their own notifications: the "denied" user is just someone else
    list_denied = "hidden"
    list_url = "messaging:notifications"
    label_attr = "title"

    def make(self, f):
        return f.messaging.notification(title=self.unique("表面通知"))

    def test_open_marks_read_and_follows_the_link(self, surface):
        notification = self.mine(surface)
        response = surface.client().get(reverse("messaging:open", args=[notification.pk]))
        assert response.status_code == 302
        assert Notification.objects.get(pk=notification.pk).read_at is not None

    def test_open_of_another_users_or_companys_notification_is_404(self, surface):
        mine, foreign = self.mine(surface), self.theirs(surface)
        someone = surface.client(surface.denied_user(()))
        assert someone.get(reverse("messaging:open", args=[mine.pk])).status_code == 404
        assert surface.client().get(reverse("messaging:open", args=[foreign.pk])).status_code == 404
        assert Notification.objects.get(pk=mine.pk).read_at is None
        assert Notification.all_tenants.get(pk=foreign.pk).read_at is None


class TestSmsLogPages(views.ListPage):
    model = SmsMessage
    refused = ("message.view",)
    list_url = "messaging:sms_log"
    label_attr = "content"

    def make(self, f):
        return f.messaging.sms(content=self.unique("表面短信"))
