"""Legal's admin for the confidentiality undertaking, its acceptances, and privacy training.

Every row is evidence once written: a new version of the undertaking is published (never
edited), a paper copy is recorded (never changed), a training is recorded again when renewed.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core.admin_mixins import ServiceCreatesObjectMixin, SpreadsheetExportMixin

from .. import confidentiality
from ..models import TrainingRecord, UndertakingAcceptance, UndertakingVersion


def _staff():
    return get_user_model().objects.filter(is_staff=True).order_by("username")


class EvidenceAdmin(ServiceCreatesObjectMixin, SpreadsheetExportMixin, admin.ModelAdmin):
    """Added through a service, then read-only: never changed or deleted by hand."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = _staff()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(UndertakingVersion)
class UndertakingVersionAdmin(EvidenceAdmin):
    list_display = ("version", "title", "in_force_from", "published_by", "accepted_by")
    search_fields = ("title",)
    date_hierarchy = "in_force_from"
    list_select_related = ("published_by",)

    def get_fields(self, request, obj=None):
        base = ["title", "text", "in_force_from"]
        return base if obj is None else ["version", *base, "published_at", "published_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(accepted=Count("acceptances"))

    @admin.display(description=_("accepted by (staff)"), ordering="accepted")
    def accepted_by(self, obj) -> int:
        return obj.accepted

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return confidentiality.undertaking_publish(
            text=data["text"],
            title=data["title"],
            in_force_from=data["in_force_from"],
            by=request.user,
        )


class PaperCopyForm(forms.ModelForm):
    class Meta:
        model = UndertakingAcceptance
        fields = ("user", "version", "accepted_at", "paper_reference")
        labels = {"accepted_at": "signed on"}

    def clean_accepted_at(self):
        signed_at = self.cleaned_data["accepted_at"]
        if signed_at and signed_at > timezone.now():
            raise forms.ValidationError("A paper copy cannot be signed in the future.")
        return signed_at


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingRecord
        fields = ("user", "course", "completed_on", "valid_until")

    def clean(self):
        data = super().clean()
        done, until = data.get("completed_on"), data.get("valid_until")
        if done and until and until <= done:
            self.add_error("valid_until", "A training is valid until a day after it was completed.")
        return data


@admin.register(UndertakingAcceptance)
class UndertakingAcceptanceAdmin(EvidenceAdmin):
    """Acceptances; Legal's "add" records a signed paper copy."""

    form = PaperCopyForm
    list_display = ("username", "version", "method", "accepted_at", "ip", "recorded_by")
    list_filter = ("method", "version")
    search_fields = ("username",)
    date_hierarchy = "accepted_at"
    list_select_related = ("version", "recorded_by")

    def get_fields(self, request, obj=None):
        base = ["user", "version", "accepted_at", "paper_reference"]
        return base if obj is None else ["username", "method", *base[1:], "ip", "recorded_by"]

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return confidentiality.undertaking_paper_record(
            user=data["user"],
            version=data["version"],
            signed_at=data["accepted_at"],
            reference=data["paper_reference"],
            by=request.user,
        )


@admin.register(TrainingRecord)
class TrainingRecordAdmin(EvidenceAdmin):
    form = TrainingForm
    list_display = ("user", "course", "completed_on", "valid_until", "reminder_sent_at")
    list_filter = ("course", "valid_until")
    search_fields = ("user__username", "course")
    date_hierarchy = "valid_until"
    list_select_related = ("user",)

    def get_fields(self, request, obj=None):
        base = ["user", "course", "completed_on", "valid_until"]
        return base if obj is None else [*base, "recorded_at", "recorded_by", "reminder_sent_at"]

    def create_with_service(self, request, form):
        data = form.cleaned_data
        return confidentiality.training_record(
            user=data["user"],
            course=data["course"],
            completed_on=data["completed_on"],
            valid_until=data["valid_until"],
            by=request.user,
        )
