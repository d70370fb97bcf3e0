"""Legal's admin of the connected systems: create (the key shown once), rotate, revoke."""

import datetime

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from rest_framework_api_key.models import APIKey

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.admin_mixins import LargeTableAdmin, ServiceCreatesObjectMixin

from . import services
from .models import ApiCall, ApiClient, ApiKey, Scope

# The library's own, client-less key table is not used: our keys belong to an ApiClient.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What this system may do through the API; anything else is refused.",
    )

    class Meta:
        model = ApiClient
        fields = ("name", "scopes", "is_active", "requests_per_minute")


class ApiKeyInline(admin.TabularInline):
    model = ApiKey
    fields = ("prefix", "name", "created", "expiry_date", "revoked")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "keys (only their prefixes: a key is shown once, when issued)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _keys_issued_page(modeladmin, request, keys):
    return TemplateResponse(
        request,
        "admin/api/apiclient/keys_issued.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "API key issued",
            "keys": keys,
            "back_url": reverse("admin:api_apiclient_changelist"),
        },
    )


@admin.register(ApiClient)
class ApiClientAdmin(ServiceCreatesObjectMixin, admin.ModelAdmin):
    form = ApiClientForm
    list_display = ("name", "scope_list", "is_active", "keys_in_use", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    inlines = [ApiKeyInline]
    actions = ["rotate_key", "revoke_keys"]

    @admin.display(description="scopes")
    def scope_list(self, obj: ApiClient) -> str:
        return ", ".join(obj.scopes or []) or "—"

    @admin.display(description="keys in use")
    def keys_in_use(self, obj: ApiClient) -> int:
        return obj.keys.filter(revoked=False).count()

    def has_delete_permission(self, request, obj=None):
        return False  # the call log refers to it: make it inactive instead

    def create_with_service(self, request, form):
        data = form.cleaned_data
        client, key = services.api_client_create(
            name=data["name"],
            scopes=data["scopes"],
            by=request.user,
            requests_per_minute=data.get("requests_per_minute"),
            is_active=data.get("is_active", True),
        )
        # Per request, never on this (shared) admin: the page after saving shows it once.
        request.api_keys_issued = [{"client": client, "key": key, "old_keys_end": None}]
        return client

    def response_add(self, request, obj, post_url_continue=None):
        issued = getattr(request, "api_keys_issued", None)
        if not issued:
            return super().response_add(request, obj, post_url_continue)
        return _keys_issued_page(self, request, issued)

    @admin.action(
        description="Rotate the key (the old one works for an overlap)", permissions=["change"]
    )
    def rotate_key(self, request, queryset):
        overlap = datetime.timedelta(hours=settings.API_KEY_ROTATION_OVERLAP_HOURS)
        issued = []
        for client in queryset:
            _, key, ends = services.api_key_rotate(client=client, overlap=overlap)
            self.log_change(
                request,
                client,
                f"Rotated the key; the previous keys work until {ends:%Y-%m-%d %H:%M %Z}.",
            )
            issued.append({"client": client, "key": key, "old_keys_end": ends})
        return _keys_issued_page(self, request, issued)

    @admin.action(description="Revoke every key (at once, for good)", permissions=["change"])
    def revoke_keys(self, request, queryset):
        revoked = 0
        for client in queryset:
            count = services.api_keys_revoke(client=client)
            self.log_change(request, client, f"Revoked {count} keys.")
            revoked += count
        self.message_user(request, f"Revoked {revoked} keys.", messages.SUCCESS)


@admin.register(ApiCall)
class ApiCallAdmin(LargeTableAdmin, ReadOnlyRecordAdmin):
    list_display = ("occurred_at", "client", "method", "endpoint", "status_code", "records", "ip")
    list_filter = ("endpoint", "status_code", "client")
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in ApiCall._meta.fields]
