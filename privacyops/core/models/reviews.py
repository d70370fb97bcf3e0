"""Periodic reviews (the policy: "We review our information collection, storage and processing
practices, including physical security measures"; "periodic reviews to ensure that Personal
Information ... is used in conformity with this Privacy Policy").

Legal sets a schedule per area (what, how often, who); the daily job opens each review ahead
of its due date, reminds its owner on the day and escalates to Legal when it is overdue; the
owner completes it with findings and actions. Each step is a `ReviewEvent`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReviewArea(models.TextChoices):
    SECURITY_MEASURES = "security_measures", _("Security measures")
    PHYSICAL_SECURITY = "physical_security", _("Physical security")
    RECORD_OF_PROCESSING = "record_of_processing", _("Record of processing (Art. 30)")
    RETENTION_SCHEDULE = "retention_schedule", _("Retention schedule")
    VENDORS = "vendors", _("Vendors and hosting partners")


class ReviewSchedule(models.Model):
    area = models.CharField(_("what is reviewed"), max_length=32, choices=ReviewArea.choices)
    title = models.CharField(max_length=200)
    every_months = models.PositiveSmallIntegerField(
        _("how often (months)"),
        default=12,
        help_text=_("The next review is due this many months on."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who reviews"),
        help_text=_("Reminded when a review is due. Without an owner, Legal is."),
    )
    next_due_on = models.DateField(_("next review due"), db_index=True)
    open_days_before = models.PositiveSmallIntegerField(
        _("opened this many days before it is due"), default=14
    )
    escalate_days_after = models.PositiveSmallIntegerField(
        _("escalated to Legal this many days after it is due"), default=7
    )
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["next_due_on", "pk"]
        verbose_name = _("review schedule")
        verbose_name_plural = _("review schedules")
        indexes = [models.Index(fields=["area"], name="core_reviewschedule_area")]

    def __str__(self) -> str:
        return f"{self.title} (every {self.every_months} months)"


class Review(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")

    schedule = models.ForeignKey(
        ReviewSchedule, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("schedule")
    )
    due_on = models.DateField(_("due"), db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    reminded_at = models.DateTimeField(_("owner reminded"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated to Legal"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    findings = models.TextField(blank=True, help_text=_("What the review found."))
    actions = models.TextField(
        _("actions decided"),
        blank=True,
        help_text=_("What will be done about it, by whom, by when."),
    )

    class Meta:
        ordering = ["-due_on", "-pk"]
        verbose_name = _("periodic review")
        verbose_name_plural = _("periodic reviews")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "due_on"], name="core_one_review_per_due")
        ]
        indexes = [models.Index(fields=["state", "due_on"], name="core_review_state_due")]

    def __str__(self) -> str:
        return f"{self.schedule.title}, due {self.due_on:%Y-%m-%d} ({self.get_state_display()})"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.state == self.State.OPEN and self.due_on < today


class ReviewEvent(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        REMINDED = "reminded", _("Owner reminded")
        ESCALATED = "escalated", _("Escalated to Legal (overdue)")
        COMPLETED = "completed", _("Completed")

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="events", verbose_name=_("review")
    )
    kind = models.CharField(_("what happened"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("review history entry")
        verbose_name_plural = _("review history")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
