"""Payments (在线支付记录, payment settings, a work order's 收款 section), mounted at /payments/."""

from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("", views.PaymentListView.as_view(), name="list"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("<int:pk>/refund/", views.RefundView.as_view(), name="refund"),
    path("order/<int:pk>/", views.OrderSectionView.as_view(), name="order_section"),
    path("order/<int:pk>/request/", views.RequestPaymentView.as_view(), name="request"),
    path("order/<int:pk>/offline/", views.OfflinePaymentView.as_view(), name="offline"),
]
