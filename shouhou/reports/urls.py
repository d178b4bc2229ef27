"""Console pages of the service reports (mounted at /reports/)."""

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("settings/", views.settings_page, name="settings"),
    path("settings/types/<int:pk>/", views.type_settings, name="type_settings"),
    path("settings/types/<int:pk>/dictionary/", views.dictionary, name="dictionary"),
    *[route for purpose in ("report", "print") for route in (
        path(f"settings/types/<int:pk>/{purpose}-template/", views.template_file, {"purpose": purpose},
             name=f"{purpose}_template_file"),
        path(f"settings/types/<int:pk>/{purpose}-template/upload/", views.template_upload, {"purpose": purpose},
             name=f"{purpose}_template_upload"),
        path(f"settings/types/<int:pk>/{purpose}-template/remove/", views.template_remove, {"purpose": purpose},
             name=f"{purpose}_template_remove"),
    )],
    path("work-orders/<int:pk>/", views.order_report, name="order"),
    path("work-orders/<int:pk>/generate/", views.order_generate, name="generate"),
    path("work-orders/<int:pk>/send/", views.order_send, name="send"),
    path("work-orders/<int:pk>/revoke/", views.order_revoke, name="revoke"),
    path("work-orders/<int:pk>/report.pdf", views.order_pdf, name="pdf"),
    path("work-orders/<int:pk>/report.xlsx", views.order_xlsx, name="xlsx"),
    path("work-orders/<int:pk>/print/", views.order_print, name="print"),
]
