"""Settlement (审核结算), mounted at /settlement/."""

from django.urls import path

from . import views

app_name = "settlement"
urlpatterns = [
    path("", views.settlement_list, name="list"),
    path("settle/", views.settle, name="settle"),
    path("subscribe/", views.subscribe, name="subscribe"),
]
