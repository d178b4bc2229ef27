"""The public page a product's QR code opens (mounted at /q/ in config/urls.py; no login)."""

from django.urls import path

from . import views_qr

app_name = "qr"
urlpatterns = [
    path("<str:token>", views_qr.public_page, name="product"),
]
