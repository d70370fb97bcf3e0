from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import dashboard, my_work, navigation, search
from .admin_actions import with_action_rules


class PrivacyOpsAdminSite(admin.AdminSite):
    site_header = "privacyops — privacy operations"
    site_title = "privacyops"
    index_title = _("State of privacy operations")

    def register(self, model_or_iterable, admin_class=None, **options):
        # Every admin, ours and third-party, gets the project's rules for actions (see
        # admin_actions): the permission an action exercises, and a log entry for every run.
        admin_class = with_action_rules(admin_class or admin.ModelAdmin)
        super().register(model_or_iterable, admin_class, **options)

    def get_app_list(self, request, app_label=None):
        """The sidebar and the home: models grouped by task (navigation.py), not by app.

        An app's own page (/admin/<app>/) keeps Django's list of that app's models.
        """
        if app_label is not None:
            return super().get_app_list(request, app_label)
        entries = [
            entry for app in self._build_app_dict(request).values() for entry in app["models"]
        ]
        return navigation.group_models(entries)

    def get_urls(self):
        return [
            path("my-work/", self.admin_view(self.my_work_view), name="my_work"),
            path("search/", self.admin_view(self.search_view), name="search"),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "panels": dashboard.panels_for(request.user),
            "my_work": my_work.work_for(request.user),
        }
        return super().index(request, extra_context)

    def my_work_view(self, request):
        context = {
            **self.each_context(request),
            "title": _("My work"),
            "sections": my_work.work_for(request.user),
        }
        return TemplateResponse(request, "admin/my_work.html", context)

    def search_view(self, request):
        term = request.GET.get("q", "").strip()[:200]
        context = {
            **self.each_context(request),
            "title": _("Search"),
            "term": term,
            "groups": search.search_and_record(user=request.user, term=term, request=request),
            "nothing_found": search.NOTHING_FOUND,
        }
        return TemplateResponse(request, "admin/search.html", context)
