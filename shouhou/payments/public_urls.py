"""The sandbox provider's payer page, mounted at /pay/ (public, like a provider's own page)."""

from django.urls import path

from . import public_views

app_name = "payments_public"
urlpatterns = [
    path("sandbox/<str:out_trade_no>/", public_views.sandbox_pay, name="sandbox_pay"),
]
