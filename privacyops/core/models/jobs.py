from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """A readable record of one run of a scheduled or requested job.

    Every job writes one of these, so that a person can see in the admin what ran, how far it
    got, what it did and what it skipped and why, without reading worker logs.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted (worker stopped mid-run)")

    job = models.CharField(_("job"), max_length=100, db_index=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    progress_done = models.PositiveBigIntegerField(_("items done"), default=0)
    progress_total = models.PositiveBigIntegerField(_("items in total"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    detail = models.TextField(_("what happened"), blank=True)

    class Meta:
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["job", "-started_at"], name="core_jobrun_job_started")]

    def __str__(self) -> str:
        return f"{self.job} at {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def percent_done(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
