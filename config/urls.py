from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    # Before the admin: the second sign-in step lives under /admin/ (same network gate).
    path("admin/two-factor/", include("privacyops.security.urls")),
    path("admin/", admin.site.urls),
    path("privacy/", include("privacyops.dsr.urls")),
    # The integration API (privacyops.api) and its OpenAPI 3 schema.
    path("api/v1/", include("privacyops.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The language switch (POST /i18n/setlang/: sets the language cookie; URLs stay unprefixed).
    path("i18n/", include("django.conf.urls.i18n")),
    path("privacy/unsubscribe/", include("privacyops.marketing.urls")),
    # /privacy/sub-processors/, /privacy/cookies/ and /privacy/cookies.json
    path("privacy/", include("privacyops.inventory.urls")),
    # /security/report/ and /.well-known/security.txt (RFC 9116)
    path("", include("privacyops.incidents.urls")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
]
