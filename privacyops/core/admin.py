from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince

from . import dashboard, selectors
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


@dashboard.register_panel
def jobs_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("core.view_jobrun"):
        return None
    beat = selectors.last_heartbeat()
    facts = [
        (
            "Last worker heartbeat",
            f"{timesince(beat.started_at, timezone.now())} ago ({beat.worker})"
            if beat
            else "none yet (beat sends one every 5 minutes; if none comes, no worker runs)",
        )
    ]
    for run in selectors.recent_job_runs(limit=5):
        done = f"{run.percent_done}%" if run.percent_done is not None else run.progress_done
        facts.append((run.job, f"{run.get_status_display()}, {done}, {run.started_at:%d %b %H:%M}"))
    return dashboard.Panel(
        title="Scheduled jobs",
        facts=facts,
        link_url=reverse("admin:core_jobrun_changelist"),
        link_label="All job runs",
        order=900,
    )
