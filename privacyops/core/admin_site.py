from django.contrib import admin

from . import dashboard


class PrivacyOpsAdminSite(admin.AdminSite):
    site_header = "privacyops — privacy operations"
    site_title = "privacyops"
    index_title = "State of privacy operations"

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "panels": dashboard.panels_for(request.user)}
        return super().index(request, extra_context)
