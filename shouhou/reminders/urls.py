"""Reminders (CUS-07, CUS-11, PRD-10), mounted at /reminders/."""

from django.urls import path

from . import views

app_name = "reminders"
urlpatterns = [
    # 自动提醒设置: the rules
    path("", views.RuleListView.as_view(), name="rules"),
    path("new/", views.RuleEditView.as_view(), name="rule_create"),
    path("<int:pk>/", views.RuleView.as_view(), name="rule_detail"),
    path("<int:pk>/edit/", views.RuleEditView.as_view(), name="rule_edit"),
    path("<int:pk>/toggle/", views.RuleToggleView.as_view(), name="rule_toggle"),
    path("<int:pk>/delete/", views.RuleDeleteView.as_view(), name="rule_delete"),
    # 批量提醒: ?target=customer|product&ids=…, or the target in the path for the lists' batch buttons
    path("attach/", views.attach, name="attach"),
    path("attach/customers/", views.attach, {"target": "customer"}, name="attach_customers"),
    path("attach/products/", views.attach, {"target": "product"}, name="attach_products"),
    # a record's reminders and their history (the 客户提醒 tab); one name, the record's kind by keyword
    path("customer/<int:customer_id>/", views.for_object, name="for_object"),
    path("product/<int:product_id>/", views.for_object, name="for_object"),
    path("reminder/<int:pk>/detach/", views.DetachView.as_view(), name="detach"),
]
