"""Retention rules, legal holds, purge runs and disposition reviews."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from privacyops.core import registry

from . import policy


class RetentionRule(models.Model):
    """How long one kind of personal data is kept, and what happens to it afterwards."""

    class Clock(models.TextChoices):
        COLLECTED_AT = "collected_at", "Collected at (when the record was made)"
        LAST_ACTIVITY = "last_activity", "Last activity of the data subject"
        ACCOUNT_CLOSED = "account_closed", "Account closed"
        REQUEST_CLOSED = "request_closed", "Request closed"
        REGISTRY_DATE = "registry_date", "The retention date the registry names for the data"
        OPTED_OUT = "opted_out", "Opted out of marketing (no subscription left)"

    class Unit(models.TextChoices):
        DAYS = policy.Unit.DAYS.value, "days"
        MONTHS = policy.Unit.MONTHS.value, "months"
        YEARS = policy.Unit.YEARS.value, "years"

    class Action(models.TextChoices):
        DELETE = "delete", "Delete"
        ANONYMISE = "anonymise", "Anonymise (the registry's erasure strategies)"
        REVIEW = "review", "Send for review by Legal"

    code = models.SlugField("code", max_length=80, unique=True)
    name = models.CharField("rule", max_length=200)
    processing_activity = models.ForeignKey(
        "inventory.ProcessingActivity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_rules",
        verbose_name="processing activity",
    )
    target_model = models.CharField(
        "kind of record",
        max_length=100,
        blank=True,
        help_text="A registered kind of personal data (e.g. subjects.ActivityEvent). "
        "Leave empty to cover a whole information category instead.",
    )
    target_category = models.CharField(
        "information category",
        max_length=40,
        blank=True,
        choices=list(registry.CATEGORY_NAMES.items()),
        help_text="Covers every registered kind of record of this category, except records the "
        "registry says are kept for a stated reason (e.g. billing records).",
    )
    subject_kinds = models.CharField(
        "only these kinds of data subject",
        max_length=200,
        blank=True,
        help_text="Comma-separated (e.g. lead,visitor). Empty: every kind.",
    )
    only_without_account = models.BooleanField(
        "only people without a customer account",
        default=False,
        help_text="Leave out anyone who is a contact or the license holder of any account.",
    )
    clock = models.CharField("retention starts at", max_length=20, choices=Clock.choices)
    period_count = models.PositiveIntegerField("retention period")
    period_unit = models.CharField("unit", max_length=10, choices=Unit.choices)
    action = models.CharField("at the end of the period", max_length=20, choices=Action.choices)
    legal_basis = models.TextField(
        "legal basis", help_text="Why this period: the law, contract or policy clause."
    )
    is_active = models.BooleanField("active", default=True, db_index=True)
    # Lease: which run holds the rule now. Claimed with one atomic UPDATE, so two workers
    # never purge the same rule at once, on PostgreSQL and on SQLite alike.
    lease_owner = models.CharField("run in progress", max_length=64, blank=True, editable=False)
    lease_expires_at = models.DateTimeField("lease expires", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "retention rule"
        verbose_name_plural = "retention rules"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["clock"], name="retention_rule_clock"),
            models.Index(fields=["action"], name="retention_rule_action"),
            models.Index(fields=["target_category"], name="retention_rule_category"),
            models.Index(fields=["name"], name="retention_rule_name"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(target_model="") & ~Q(target_category=""))
                | (~Q(target_model="") & Q(target_category="")),
                name="retention_rule_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period})"

    @property
    def period(self) -> str:
        return policy.describe(self.period_count, self.period_unit)

    def cutoff(self, now=None):
        return policy.cutoff(now or timezone.now(), self.period_count, self.period_unit)

    @property
    def kinds(self) -> list[str]:
        return [k.strip() for k in self.subject_kinds.split(",") if k.strip()]

    def clean(self):
        if bool(self.target_model) == bool(self.target_category):
            raise ValidationError("Name either one kind of record or one information category.")
        if self.target_model and self.target_model not in {
            r.label for r in registry.registrations()
        }:
            raise ValidationError({"target_model": "Not a registered kind of personal data."})


class LegalHold(models.Model):
    """Nothing about this data subject or account is purged or erased while the hold stands."""

    subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        verbose_name="data subject",
    )
    account = models.ForeignKey(
        "subjects.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        verbose_name="account",
        help_text="Holds the account's records and the personal data of all its contacts.",
    )
    matter = models.CharField("matter", max_length=200, help_text="Case, audit or dispute.")
    reason = models.TextField("reason")
    starts_on = models.DateField("from", default=timezone.localdate)
    ends_on = models.DateField("until", null=True, blank=True, help_text="Empty: until released.")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="legal_holds_placed",
        verbose_name="placed by",
    )
    placed_at = models.DateTimeField("placed", default=timezone.now)
    released_at = models.DateTimeField("released", null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds_released",
        verbose_name="released by",
    )
    expiry_announced_at = models.DateTimeField("expiry announced to Legal", null=True, blank=True)

    class Meta:
        verbose_name = "legal hold"
        verbose_name_plural = "legal holds"
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["ends_on"], name="retention_hold_ends"),
            models.Index(fields=["starts_on"], name="retention_hold_starts"),
            models.Index(fields=["matter"], name="retention_hold_matter"),
            models.Index(fields=["released_at"], name="retention_hold_released"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(subject__isnull=False, account__isnull=True)
                | Q(subject__isnull=True, account__isnull=False),
                name="retention_hold_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"Hold on {self.subject or self.account}: {self.matter}"

    @property
    def target(self):
        return self.subject or self.account

    def is_active_on(self, day) -> bool:
        return (
            self.released_at is None
            and self.starts_on <= day
            and (self.ends_on is None or self.ends_on >= day)
        )

    def clean(self):
        if bool(self.subject_id) == bool(self.account_id):
            raise ValidationError("A hold covers either one data subject or one account.")
        if self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The hold cannot end before it starts."})


class DispositionReview(models.Model):
    """Legal's decision on records a review rule found past their period."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting Legal"
        APPROVED = "approved", "Approved for disposal"
        EXTENDED = "extended", "Retention extended"
        DISPOSED = "disposed", "Disposed of"

    rule = models.ForeignKey(
        RetentionRule, on_delete=models.PROTECT, related_name="reviews", verbose_name="rule"
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    cutoff = models.DateTimeField(
        "records dated on or before", help_text="Only these records are disposed of."
    )
    rows_found = models.PositiveBigIntegerField("records found", default=0)
    sample = models.JSONField("sample", default=list, blank=True)
    created_at = models.DateTimeField("opened", default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disposition_decisions",
        verbose_name="decided by",
    )
    decided_at = models.DateTimeField("decided", null=True, blank=True)
    comment = models.TextField("comment", blank=True)
    extended_until = models.DateField("kept until", null=True, blank=True)

    class Meta:
        verbose_name = "disposition review"
        verbose_name_plural = "disposition reviews"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.rule.name} ({self.get_status_display()})"


class PurgeRun(models.Model):
    """Proof of disposition: what one run of a rule examined, deleted, anonymised and kept."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        INTERRUPTED = "interrupted", "Interrupted (worker stopped mid-run)"
        REVIEW_OPENED = "review_opened", "Sent for review (nothing disposed of)"

    rule = models.ForeignKey(
        RetentionRule, on_delete=models.PROTECT, related_name="runs", verbose_name="rule"
    )
    review = models.ForeignKey(
        DispositionReview,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name="disposition review",
    )
    resumed_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resumed_by",
        verbose_name="resumes interrupted run",
    )
    job_run = models.ForeignKey(
        "core.JobRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="job run",
    )
    status = models.CharField(
        "status", max_length=20, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    started_at = models.DateTimeField("started", default=timezone.now, db_index=True)
    finished_at = models.DateTimeField("finished", null=True, blank=True)
    cutoff = models.DateTimeField("records dated on or before")
    action = models.CharField("action", max_length=20, choices=RetentionRule.Action.choices)
    rows_examined = models.PositiveBigIntegerField(
        "records past their period", default=0, help_text="Disposed of plus kept under hold."
    )
    rows_deleted = models.PositiveBigIntegerField("records deleted", default=0)
    rows_anonymised = models.PositiveBigIntegerField("records anonymised", default=0)
    rows_skipped_held = models.PositiveBigIntegerField("records kept under legal hold", default=0)
    errors = models.TextField("errors", blank=True)
    worker = models.CharField("worker", max_length=200, blank=True)
    # Per kind of record, where the run got to: along the clock index,
    # {"column", "after": [clock, key] of the last row done, "done"}; along the primary key,
    # {"next": first key not yet done, "last": highest key}. Both also keep "held".
    # Written in the same transaction as each window's deletion, so a killed run resumes
    # exactly where its last committed window ended.
    checkpoint = models.JSONField("progress checkpoint", default=dict, blank=True)

    class Meta:
        verbose_name = "purge run"
        verbose_name_plural = "purge runs"
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["rule", "-started_at"], name="retention_run_rule_started")]

    def __str__(self) -> str:
        return f"{self.rule.name} at {self.started_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def rows_disposed(self) -> int:
        return self.rows_deleted + self.rows_anonymised


class RetentionEvent(models.Model):
    """An append-only history of what Legal and the jobs did with rules, holds and reviews."""

    class Kind(models.TextChoices):
        HOLD_PLACED = "hold_placed", "Legal hold placed"
        HOLD_CHANGED = "hold_changed", "Legal hold changed"
        HOLD_RELEASED = "hold_released", "Legal hold released"
        HOLD_EXPIRY_ANNOUNCED = "hold_expiry_announced", "Legal hold expiry announced"
        REVIEW_OPENED = "review_opened", "Disposition review opened"
        REVIEW_APPROVED = "review_approved", "Disposal approved"
        REVIEW_EXTENDED = "review_extended", "Retention extended"
        RUN_INTERRUPTED = "run_interrupted", "Purge run found interrupted"

    kind = models.CharField("event", max_length=30, choices=Kind.choices, db_index=True)
    at = models.DateTimeField("when", default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="by",
    )
    hold = models.ForeignKey(
        LegalHold, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    review = models.ForeignKey(
        DispositionReview, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    run = models.ForeignKey(
        PurgeRun, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    detail = models.JSONField("detail", default=dict, blank=True)

    class Meta:
        verbose_name = "retention event"
        verbose_name_plural = "retention events"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
