from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path

from .api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("shouhou.accounts.urls")),
    path("system/", include("shouhou.system.urls")),
    path("messages/", include("shouhou.messaging.urls")),
    path("", include("shouhou.core.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
