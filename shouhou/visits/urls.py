"""Return visits (工单回访), mounted at /visits/."""

from django.urls import path

from . import views

app_name = "visits"
urlpatterns = [
    path("", views.visit_list, name="list"),
    path("auto/", views.auto_visit_list, name="auto"),
    path("settings/", views.settings_page, name="settings"),
    path("orders/<int:pk>/visit/", views.visit_dialog, name="visit"),
    path("orders/<int:pk>/resend/", views.resend, name="resend"),
    path("orders/<int:pk>/tab/", views.for_order, name="for_order"),
    path("customers/<int:pk>/tab/", views.for_customer, name="for_customer"),
    path("users/<int:pk>/tab/", views.for_user, name="for_user"),
]
