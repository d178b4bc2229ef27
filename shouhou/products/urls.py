from django.urls import path

from shouhou.core.importer import import_urls

from . import views, views_qr, views_setup
from .importers import ProductImporter

app_name = "products"
urlpatterns = [
    # products (PRD-01…06)
    path("", views.product_list, name="list"),
    path("new/", views.product_create, name="create"),
    path("<int:pk>/", views.product_detail, name="detail"),
    path("<int:pk>/edit/", views.product_edit, name="edit"),
    path("<int:pk>/delete/", views.product_delete, name="delete"),
    path("batch/edit/", views.batch_edit, name="batch_edit"),
    path("batch/delete/", views.batch_delete, name="batch_delete"),
    path("pick/", views.product_options, name="pick"),
    *import_urls(ProductImporter, "import/", "import"),
    # QR codes (PRD-08)
    path("qrcodes/", views_qr.qrcode_list, name="qrcodes"),
    path("qrcodes/labels/", views_qr.qr_labels, name="qr_labels"),
    path("<int:pk>/qrcode/label/", views_qr.qr_label, name="qr_label"),
    path("<int:pk>/qrcode.png", views_qr.qr_image, {"fmt": "png"}, name="qr_png"),
    path("<int:pk>/qrcode.svg", views_qr.qr_image, {"fmt": "svg"}, name="qr_svg"),
    path("<int:pk>/qrcode/regenerate/", views_qr.qr_regenerate, name="qr_regenerate"),
    # templates (PRD-07)
    path("templates/", views_setup.TemplateListView.as_view(), name="templates"),
    path("templates/new/", views_setup.TemplateEditView.as_view(), name="template_create"),
    path("templates/<int:pk>/", views_setup.TemplateView.as_view(), name="template_detail"),
    path("templates/<int:pk>/edit/", views_setup.TemplateEditView.as_view(), name="template_edit"),
    path("templates/<int:pk>/delete/", views_setup.TemplateDeleteView.as_view(), name="template_delete"),
    path("templates/batch/edit/", views_setup.template_batch_edit, name="template_batch_edit"),
    path("templates/batch/delete/", views_setup.template_batch_delete, name="template_batch_delete"),
    # types (PRD-11) and settings (PRD-09)
    path("types/", views_setup.TypesView.as_view(), name="types"),
    path("types/add/", views_setup.TypeAddView.as_view(), name="type_add"),
    path("types/reorder/", views_setup.type_reorder, name="type_reorder"),
    path("types/<int:pk>/edit/", views_setup.TypeEditView.as_view(), name="type_edit"),
    path("types/<int:pk>/delete/", views_setup.TypeDeleteView.as_view(), name="type_delete"),
    path("types/<int:pk>/move/", views_setup.TypeMoveView.as_view(), name="type_move"),
    path("settings/", views_setup.product_settings, name="settings"),
]
