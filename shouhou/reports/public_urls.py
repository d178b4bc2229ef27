"""The customer's signed link to a service report (mounted at /r/ in config/urls.py; no login)."""

from django.urls import path

from . import views

app_name = "reports_public"
urlpatterns = [
    path("<str:token>", views.public_pdf, name="pdf"),
]
