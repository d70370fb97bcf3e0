from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import reviews
from .admin_mixins import copy_created_object
from .models import JobRun, Review, ReviewEvent, ReviewSchedule


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """For records that are evidence: nobody adds, edits or deletes them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JobRun)
class JobRunAdmin(ReadOnlyRecordAdmin):
    list_display = ("job", "status", "started_at", "finished_at", "progress", "worker")
    list_filter = ("status", "job")
    search_fields = ("job", "worker")
    date_hierarchy = "started_at"
    readonly_fields = [f.name for f in JobRun._meta.fields] + ["progress"]

    @admin.display(description=_("progress"))
    def progress(self, obj: JobRun) -> str:
        if obj.percent_done is None:
            return f"{obj.progress_done}"
        return format_html(
            '<progress max="100" value="{}"></progress> {}% ({} of {})',
            obj.percent_done,
            obj.percent_done,
            obj.progress_done,
            obj.progress_total,
        )


# --- Periodic reviews (models/reviews.py, reviews.py) -----------------------------------------


@admin.register(ReviewSchedule)
class ReviewScheduleAdmin(admin.ModelAdmin):
    """What is reviewed, how often and by whom: Legal's to set (the job opens the reviews)."""

    list_display = ("title", "area", "every_months", "owner", "next_due_on", "active")
    list_filter = ("area", "active")
    search_fields = ("title",)
    list_select_related = ("owner",)

    def has_delete_permission(self, request, obj=None):
        return False  # reviews point at it: a schedule is made inactive, never deleted

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            from django.contrib.auth import get_user_model

            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    fields = ("at", "kind", "by", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReviewCompleteForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = ("findings", "actions")

    def clean_findings(self):
        findings = self.cleaned_data["findings"]
        if not findings.strip():
            raise forms.ValidationError("A review is completed with its findings.")
        return findings


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """Opened by the daily job; completed here with the findings and the actions decided."""

    form = ReviewCompleteForm
    list_display = ("schedule", "due_on", "state", "overdue", "completed_at", "completed_by")
    list_filter = ("state", "schedule__area")
    search_fields = ("schedule__title",)
    date_hierarchy = "due_on"
    list_select_related = ("schedule", "completed_by")
    inlines = [ReviewEventInline]
    readonly_fields = (
        "schedule",
        "due_on",
        "state",
        "opened_at",
        "reminded_at",
        "escalated_at",
        "completed_at",
        "completed_by",
    )

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj: Review) -> bool:
        return obj.is_overdue()

    def get_fields(self, request, obj=None):
        return [*self.readonly_fields, "findings", "actions"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.state != Review.State.OPEN:
            return False  # a completed review is evidence: read, never edited
        return super().has_change_permission(request, obj)

    def has_add_permission(self, request):
        return False  # the daily job opens reviews when they come due

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        completed = reviews.review_complete(
            review=obj,
            by=request.user,
            findings=form.cleaned_data["findings"],
            actions=form.cleaned_data["actions"],
        )
        copy_created_object(obj, completed)
