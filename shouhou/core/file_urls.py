"""/files/<key>: every stored upload, served after checking who asks (core.files.serve)."""

from django.urls import path

from . import files

app_name = "files"
urlpatterns = [
    path("<str:key>", files.serve, name="file"),
]
