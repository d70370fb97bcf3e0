from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from privacyops.core.admin import ReadOnlyRecordAdmin
from privacyops.core.admin_mixins import SpreadsheetExportMixin

from .. import selectors, services
from ..admin_mixins import AccessLoggedAdminMixin
from ..models import AccessLogEntry, LoginAttempt, SecurityEvent, StaffMember

# django-otp's own admins show device keys and recovery codes in clear: secrets stay out of the
# admin. Devices are managed through enrolment and Legal's reset (StaffMemberAdmin) instead.
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


@admin.register(LoginAttempt)
class LoginAttemptAdmin(SpreadsheetExportMixin, ReadOnlyRecordAdmin):
    list_display = ("occurred_at", "username", "outcome", "ip", "user_agent", "detail")
    list_filter = ("outcome",)
    search_fields = ("username", "ip")
    date_hierarchy = "occurred_at"
    list_select_related = ("user",)


@admin.register(SecurityEvent)
class SecurityEventAdmin(SpreadsheetExportMixin, ReadOnlyRecordAdmin):
    list_display = ("occurred_at", "kind", "target_username", "actor_username", "ip")
    list_filter = ("kind",)
    search_fields = ("target_username", "actor_username")
    date_hierarchy = "occurred_at"


@admin.register(StaffMember)
class StaffMemberAdmin(ReadOnlyRecordAdmin):
    list_display = ("username", "full_name", "roles", "second_factor", "is_active", "last_login")
    list_filter = ("is_active", "groups")
    search_fields = ("username", "first_name", "last_name", "email")
    fields = ("username", "first_name", "last_name", "email", "is_active", "last_login")
    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(is_staff=True).prefetch_related("groups")

    @admin.display(description=_("name"))
    def full_name(self, obj):
        return obj.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())

    @admin.display(description=_("second factor"), boolean=True)
    def second_factor(self, obj):
        return selectors.has_second_factor(obj)

    def has_reset_second_factor_permission(self, request):
        return request.user.has_perm("security.reset_second_factor")

    @admin.action(
        description=_("Reset second factor (lost phone: they enrol again at next sign-in)"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            services.second_factor_reset(user=user, by=request.user, request=request)
        self.message_user(
            request, f"Second factor reset for {queryset.count()} staff member(s).", messages.INFO
        )


@admin.register(AccessAttempt)
class LockoutAdmin(ReadOnlyRecordAdmin):
    list_display = ("username", "ip_address", "failures_since_start", "attempt_time", "user_agent")
    search_fields = ("username", "ip_address")
    date_hierarchy = "attempt_time"
    fields = ("username", "ip_address", "user_agent", "failures_since_start", "attempt_time")
    actions = ["release"]

    def has_release_lockout_permission(self, request):
        return request.user.has_perm("security.release_lockout")

    @admin.action(description=_("Release lockout (logged)"), permissions=["release_lockout"])
    def release(self, request, queryset):
        for attempt in queryset:
            services.lockout_release(attempt=attempt, by=request.user, request=request)
        self.message_user(request, "Lockout released and logged.", messages.INFO)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(AccessLoggedAdminMixin, SpreadsheetExportMixin, ReadOnlyRecordAdmin):
    list_display = ("occurred_at", "username", "action", "object_repr", "subject_link", "ip")
    list_filter = ("action", "object_type", ("user", admin.RelatedOnlyFieldListFilter))
    search_fields = ("username", "subject_repr", "object_repr")
    date_hierarchy = "occurred_at"

    @admin.display(description=_("data subject"), ordering="subject_repr")
    def subject_link(self, obj):
        if obj.subject_id is None:
            return "—"
        url = reverse("admin:security_accesslogentry_changelist")
        return format_html(
            '<a href="{}?subject_id={}">{}</a>', url, obj.subject_id, obj.subject_repr
        )

    def lookup_allowed(self, lookup, value, request=None):
        return lookup == "subject_id" or super().lookup_allowed(lookup, value, request)
