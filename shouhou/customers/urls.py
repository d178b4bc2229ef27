from django.urls import path

from shouhou.core.importer import import_urls

from . import views, views_detail
from .importers import CustomerImporter

app_name = "customers"
urlpatterns = [
    # the list and its batch actions (CUS-01)
    path("", views.customer_list, name="list"),
    path("mine/", views.my_customers, name="mine"),
    path("batch/edit/", views.batch_edit, name="batch_edit"),
    path("batch/sms/", views.batch_sms, name="batch_sms"),
    path("batch/delete/", views.batch_delete, name="batch_delete"),
    path("exports/<int:job_id>/", views.export_job, name="export_job"),
    path("exports/<int:job_id>/download/", views.export_download, name="export_download"),
    *import_urls(CustomerImporter, "import/", "import"),
    path("settings/", views.customer_settings, name="settings"),
    # one customer (CUS-03…05, CUS-09)
    path("new/", views_detail.customer_create, name="create"),
    path("<int:pk>/", views_detail.customer_detail, name="detail"),
    path("<int:pk>/edit/", views_detail.customer_edit, name="edit"),
    path("<int:pk>/delete/", views_detail.customer_delete, name="delete"),
    path("<int:pk>/notes/", views_detail.note_create, name="note_create"),
    path("<int:pk>/nearby/", views_detail.customer_nearby, name="nearby"),
    path("<int:pk>/contacts/new/", views_detail.contact_create, name="contact_create"),
    path("<int:pk>/contacts/<int:contact_id>/edit/", views_detail.contact_edit, name="contact_edit"),
    path("<int:pk>/contacts/<int:contact_id>/delete/", views_detail.contact_delete, name="contact_delete"),
    path("<int:pk>/contacts/<int:contact_id>/default/", views_detail.contact_default, name="contact_default"),
    path("<int:pk>/addresses/new/", views_detail.address_create, name="address_create"),
    path("<int:pk>/addresses/<int:address_id>/edit/", views_detail.address_edit, name="address_edit"),
    path("<int:pk>/addresses/<int:address_id>/delete/", views_detail.address_delete, name="address_delete"),
    path("<int:pk>/addresses/<int:address_id>/default/", views_detail.address_default, name="address_default"),
    # helpers of the pages
    path("geocode/", views_detail.geocode, name="geocode"),
    path("pick/", views_detail.pick, name="pick"),
]
