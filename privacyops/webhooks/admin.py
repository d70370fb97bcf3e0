"""Legal's admin of webhooks: endpoints (secret shown once, rotated), the events sent and the
delivery log with every attempt's answer; a delivery can be redelivered by hand."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.admin_mixins import LargeTableAdmin, ServiceCreatesObjectMixin
from privacyops.security.admin_mixins import AccessLoggedAdminMixin

from . import backoff, services
from .models import DeliveryAttempt, EventType, WebhookDelivery, WebhookEndpoint, WebhookEvent


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label=_("address (HTTPS)"),
        max_length=500,
        assume_scheme="https",
        help_text=WebhookEndpoint._meta.get_field("url").help_text,
    )
    event_types = forms.MultipleChoiceField(
        label=_("events sent"),
        choices=EventType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every event."),
    )

    class Meta:
        model = WebhookEndpoint
        fields = (
            "name",
            "vendor",
            "recipient",
            "url",
            "event_types",
            "sends_email_address",
            "is_active",
        )

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            services.endpoint_url_check(url)
        except ValidationError as error:
            raise ValidationError(error.message_dict["url"]) from None
        return url


def _secrets_page(modeladmin, request, issued):
    return TemplateResponse(
        request,
        "admin/webhooks/webhookendpoint/secret_issued.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": _("Webhook signing secret"),
            "issued": issued,
            "back_url": reverse("admin:webhooks_webhookendpoint_changelist"),
        },
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ServiceCreatesObjectMixin, admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "vendor", "recipient", "url", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name",)
    actions = ["rotate_secret"]

    def has_delete_permission(self, request, obj=None):
        return False  # its deliveries are evidence: make it inactive instead

    def create_with_service(self, request, form):
        data = form.cleaned_data
        endpoint, secret = services.endpoint_create(
            name=data["name"],
            url=data["url"],
            vendor=data.get("vendor"),
            recipient=data.get("recipient"),
            event_types=data.get("event_types") or [],
            sends_email_address=data.get("sends_email_address", False),
            is_active=data.get("is_active", True),
        )
        request.webhook_secrets_issued = [{"endpoint": endpoint, "secret": secret}]
        return endpoint

    def response_add(self, request, obj, post_url_continue=None):
        issued = getattr(request, "webhook_secrets_issued", None)
        if not issued:
            return super().response_add(request, obj, post_url_continue)
        return _secrets_page(self, request, issued)

    @admin.action(description=_("Rotate the signing secret (at once)"), permissions=["change"])
    def rotate_secret(self, request, queryset):
        issued = []
        for endpoint in queryset:
            secret = services.endpoint_secret_rotate(endpoint=endpoint)
            self.log_change(request, endpoint, "Rotated the signing secret.")
            issued.append({"endpoint": endpoint, "secret": secret})
        return _secrets_page(self, request, issued)


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ("endpoint", "status", "attempts", "last_status_code", "next_attempt_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(AccessLoggedAdminMixin, LargeTableAdmin, ReadOnlyRecordAdmin):
    access_log_subject = "subject"
    list_display = ("occurred_at", "event_type", "event_id", "reference", "subject")
    list_filter = ("event_type",)
    search_fields = ("=event_id", "=reference")
    date_hierarchy = "occurred_at"
    fields = ("event_id", "event_type", "occurred_at", "reference", "subject", "details")
    readonly_fields = fields
    inlines = [DeliveryInline]


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("attempted_at", "status_code", "error", "manual")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(LargeTableAdmin, ReadOnlyRecordAdmin):
    list_display = (
        "created_at",
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "acknowledged_at",
    )
    list_filter = ("status", "endpoint")
    search_fields = ("=event__event_id",)
    list_select_related = ("event", "endpoint")
    fields = (
        "event",
        "endpoint",
        "status",
        "attempts",
        "first_attempt_at",
        "next_attempt_at",
        "last_status_code",
        "acknowledged_at",
        "retry_schedule",
    )
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["redeliver"]

    @admin.display(description=_("retry schedule"))
    def retry_schedule(self, obj) -> str:
        waits = backoff.schedule(40)
        return _(
            "After a failure: %(first)s, then doubling up to %(most)s, for %(days)s days "
            "(%(count)s attempts at most)."
        ) % {
            "first": waits[0],
            "most": backoff.MAX_DELAY,
            "days": backoff.GIVE_UP_AFTER.days,
            "count": len(waits) + 1,
        }

    def has_redeliver_permission(self, request):
        return request.user.has_perm("webhooks.redeliver")

    @admin.action(description=_("Redeliver now"), permissions=["redeliver"])
    def redeliver(self, request, queryset):
        done = 0
        for delivery in queryset.select_related("endpoint"):
            try:
                delivery = services.delivery_redeliver(delivery=delivery)
            except ValidationError as error:
                self.message_user(request, f"{delivery}: {error.messages[0]}", messages.ERROR)
                continue
            self.log_change(
                request, delivery, f"Redelivered: answer {delivery.last_status_code or 'none'}."
            )
            done += 1
        self.message_user(request, _("Redelivered %(count)s.") % {"count": done})
