"""The public survey page (mounted at /s/ in config/urls.py; no login)."""

from django.urls import path

from . import views_public

app_name = "survey"
urlpatterns = [
    path("<str:token>", views_public.survey_page, name="page"),
]
