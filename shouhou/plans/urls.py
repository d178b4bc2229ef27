"""Recurring plans (计划任务), mounted at /plans/."""

from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.PlanListView.as_view(), name="list"),
    path("new/", views.PlanEditView.as_view(), name="create"),
    path("<int:pk>/", views.PlanDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PlanEditView.as_view(), name="edit"),
    path("<int:pk>/pause/", views.PlanPauseView.as_view(), name="pause"),
    path("<int:pk>/resume/", views.PlanResumeView.as_view(), name="resume"),
    path("<int:pk>/generate/", views.PlanGenerateView.as_view(), name="generate"),
    path("<int:pk>/delete/", views.PlanDeleteView.as_view(), name="delete"),
]
