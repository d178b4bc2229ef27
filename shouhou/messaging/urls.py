from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/bell/", views.bell, name="bell"),
    path("notifications/<int:pk>/", views.open_notification, name="open"),
    path("notifications/read-all/", views.mark_all_read, name="mark_all_read"),
    path("sms/", views.sms_log, name="sms_log"),
]
