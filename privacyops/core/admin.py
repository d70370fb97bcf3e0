from django.contrib import admin
from django.utils.html import format_html

from .models import JobRun


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

    @admin.display(description="progress")
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
