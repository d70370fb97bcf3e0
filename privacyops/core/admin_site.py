from django.contrib import admin

from . import dashboard
from .admin_actions import with_action_rules


class PrivacyOpsAdminSite(admin.AdminSite):
    site_header = "privacyops — privacy operations"
    site_title = "privacyops"
    index_title = "State of privacy operations"

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every admin, ours and third-party, gets the project's rules for actions (see
        # admin_actions): the permission an action exercises, and a log entry for every run.
        admin_class = with_action_rules(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

    def index(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "panels": dashboard.panels_for(request.user)}
        return super().index(request, extra_context)
