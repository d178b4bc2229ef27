from django.urls import include, path, re_path

from shouhou.core.files import serve_legacy

from .api import api, unknown_endpoint

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    re_path(r"^api/", unknown_endpoint),
    path("accounts/", include("shouhou.accounts.urls")),
    path("system/", include("shouhou.system.urls")),
    path("messages/", include("shouhou.messaging.urls")),
    path("customers/", include("shouhou.customers.urls")),
    path("reminders/", include("shouhou.reminders.urls")),
    path("plans/", include("shouhou.plans.urls")),
    path("reports/", include("shouhou.reports.urls")),
    path("payments/", include("shouhou.payments.urls")),
    path("pay/", include("shouhou.payments.public_urls")),
    path("settlement/", include("shouhou.settlement.urls")),
    path("visits/", include("shouhou.visits.urls")),
    path("work-orders/", include("shouhou.workorders.urls")),
    path("m/", include("shouhou.mobile.urls")),
    path("products/", include("shouhou.products.urls")),
    path("parts/", include("shouhou.parts.urls")),
    path("q/", include("shouhou.products.public_urls")),
    path("r/", include("shouhou.reports.public_urls")),  # service reports sent to customers (signed links)
    path("s/", include("shouhou.visits.public_urls")),  # the satisfaction survey a customer is texted
    path("files/", include("shouhou.core.file_urls")),
    # addresses stored before files were private: checked like /files/, never a public folder
    path("media/<path:path>", serve_legacy, name="legacy_media"),
    path("", include("shouhou.core.urls")),
]

handler404 = "shouhou.core.gone.page_not_found"  # no dead ends: a clear page with a way back (issue 15)
handler403 = "shouhou.core.gone.permission_denied"  # the same page and ways back for a refusal
