from django.urls import path

from . import views

app_name = "system"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("settings/", views.settings_hub, name="settings"),
    path("company/", views.company, name="company"),
    path("usage/", views.usage, name="usage"),
    path("work-info/", views.work_info, name="work_info"),
    path("work-info/hours/", views.working_hours, name="working_hours"),
    path("work-info/statuses/add/", views.work_status_add, name="work_status_add"),
    path("work-info/statuses/<int:pk>/edit/", views.work_status_edit, name="work_status_edit"),
    path("work-info/statuses/<int:pk>/delete/", views.work_status_delete, name="work_status_delete"),
    path("work-info/statuses/reorder/", views.work_status_reorder, name="work_status_reorder"),
    path("settings/sms/", views.sms_settings, name="sms_settings"),
    path("logs/", views.logs, name="logs"),
]
