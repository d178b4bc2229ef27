from django.urls import path

from . import designer_views, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("lists/preferences/", views.list_preferences, name="list_preferences"),
    path("forms/<str:target>/design/", designer_views.form_designer, name="form_designer"),
    path("forms/<str:target>/design/preview/", designer_views.form_designer_preview, name="form_designer_preview"),
    path("forms/<str:target>/design/save/", designer_views.form_designer_save, name="form_designer_save"),
    path("forms/geocode/", designer_views.form_geocode, name="form_geocode"),
    path("regions/", views.regions_children, name="regions"),
]
