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


class ReviewArea(models.TextChoices):
    SECURITY_MEASURES = "security_measures", "Security measures"
    PHYSICAL_SECURITY = "physical_security", "Physical security"
    RECORD_OF_PROCESSING = "record_of_processing", "Record of processing (Art. 30)"
    RETENTION_SCHEDULE = "retention_schedule", "Retention schedule"
    VENDORS = "vendors", "Vendors and hosting partners"


class ReviewSchedule(models.Model):
    area = models.CharField("what is reviewed", max_length=32, choices=ReviewArea.choices)
    title = models.CharField(max_length=200)
    every_months = models.PositiveSmallIntegerField(
        "how often (months)", default=12, help_text="The next review is due this many months on."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="who reviews",
        help_text="Reminded when a review is due. Without an owner, Legal is.",
    )
    next_due_on = models.DateField("next review due", db_index=True)
    open_days_before = models.PositiveSmallIntegerField(
        "opened this many days before it is due", default=14
    )
    escalate_days_after = models.PositiveSmallIntegerField(
        "escalated to Legal this many days after it is due", default=7
    )
    active = models.BooleanField(default=True, db_index=True)

    class Meta:
        ordering = ["next_due_on", "pk"]
        verbose_name = "review schedule"
        verbose_name_plural = "review schedules"
        indexes = [models.Index(fields=["area"], name="core_reviewschedule_area")]

    def __str__(self) -> str:
        return f"{self.title} (every {self.every_months} months)"


class Review(models.Model):
    class State(models.TextChoices):
        OPEN = "open", "Open"
        COMPLETED = "completed", "Completed"

    schedule = models.ForeignKey(
        ReviewSchedule, on_delete=models.PROTECT, related_name="reviews", verbose_name="schedule"
    )
    due_on = models.DateField("due", db_index=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.OPEN)
    opened_at = models.DateTimeField("opened", default=timezone.now)
    reminded_at = models.DateTimeField("owner reminded", null=True, blank=True)
    escalated_at = models.DateTimeField("escalated to Legal", null=True, blank=True)
    completed_at = models.DateTimeField("completed", null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="completed by",
    )
    findings = models.TextField(blank=True, help_text="What the review found.")
    actions = models.TextField(
        "actions decided", blank=True, help_text="What will be done about it, by whom, by when."
    )

    class Meta:
        ordering = ["-due_on", "-pk"]
        verbose_name = "periodic review"
        verbose_name_plural = "periodic reviews"
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
        OPENED = "opened", "Opened"
        REMINDED = "reminded", "Owner reminded"
        ESCALATED = "escalated", "Escalated to Legal (overdue)"
        COMPLETED = "completed", "Completed"

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="events", verbose_name="review"
    )
    kind = models.CharField("what happened", max_length=16, choices=Kind.choices)
    at = models.DateTimeField("when", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="by",
    )
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = "review history entry"
        verbose_name_plural = "review history"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
