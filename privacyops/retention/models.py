"""Retention rules, legal holds, purge runs and disposition reviews."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core import registry

from . import policy


class RetentionRule(models.Model):
    """How long one kind of personal data is kept, and what happens to it afterwards."""

    class Clock(models.TextChoices):
        COLLECTED_AT = "collected_at", _("Collected at (when the record was made)")
        LAST_ACTIVITY = "last_activity", _("Last activity of the data subject")
        ACCOUNT_CLOSED = "account_closed", _("Account closed")
        REQUEST_CLOSED = "request_closed", _("Request closed")
        REGISTRY_DATE = "registry_date", _("The retention date the registry names for the data")
        OPTED_OUT = "opted_out", _("Opted out of marketing (no subscription left)")

    class Unit(models.TextChoices):
        DAYS = policy.Unit.DAYS.value, _("days")
        MONTHS = policy.Unit.MONTHS.value, _("months")
        YEARS = policy.Unit.YEARS.value, _("years")

    class Action(models.TextChoices):
        DELETE = "delete", _("Delete")
        ANONYMISE = "anonymise", _("Anonymise (the registry's erasure strategies)")
        REVIEW = "review", _("Send for review by Legal")

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("rule"), max_length=200)
    processing_activity = models.ForeignKey(
        "inventory.ProcessingActivity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_rules",
        verbose_name=_("processing activity"),
    )
    target_model = models.CharField(
        _("kind of record"),
        max_length=100,
        blank=True,
        help_text=_(
            "A registered kind of personal data (e.g. subjects.ActivityEvent). "
            "Leave empty to cover a whole information category instead."
        ),
    )
    target_category = models.CharField(
        _("information category"),
        max_length=40,
        blank=True,
        choices=list(registry.CATEGORY_NAMES.items()),
        help_text=_(
            "Covers every registered kind of record of this category, except records the "
            "registry says are kept for a stated reason (e.g. billing records)."
        ),
    )
    subject_kinds = models.CharField(
        _("only these kinds of data subject"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated (e.g. lead,visitor). Empty: every kind."),
    )
    only_without_account = models.BooleanField(
        _("only people without a customer account"),
        default=False,
        help_text=_("Leave out anyone who is a contact or the license holder of any account."),
    )
    clock = models.CharField(_("retention starts at"), max_length=20, choices=Clock.choices)
    period_count = models.PositiveIntegerField(_("retention period"))
    period_unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    action = models.CharField(_("at the end of the period"), max_length=20, choices=Action.choices)
    legal_basis = models.TextField(
        _("legal basis"), help_text=_("Why this period: the law, contract or policy clause.")
    )
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    # Lease: which run holds the rule now. Claimed with one atomic UPDATE, so two workers
    # never purge the same rule at once, on PostgreSQL and on SQLite alike.
    lease_owner = models.CharField(_("run in progress"), max_length=64, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(
        _("lease expires"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
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
        verbose_name=_("data subject"),
    )
    account = models.ForeignKey(
        "subjects.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds",
        verbose_name=_("account"),
        help_text=_("Holds the account's records and the personal data of all its contacts."),
    )
    matter = models.CharField(_("matter"), max_length=200, help_text=_("Case, audit or dispute."))
    reason = models.TextField(_("reason"))
    starts_on = models.DateField(_("from"), default=timezone.localdate)
    ends_on = models.DateField(
        _("until"), null=True, blank=True, help_text=_("Empty: until released.")
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="legal_holds_placed",
        verbose_name=_("placed by"),
    )
    placed_at = models.DateTimeField(_("placed"), default=timezone.now)
    released_at = models.DateTimeField(_("released"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="legal_holds_released",
        verbose_name=_("released by"),
    )
    expiry_announced_at = models.DateTimeField(
        _("expiry announced to Legal"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
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
        PENDING = "pending", _("Awaiting Legal")
        APPROVED = "approved", _("Approved for disposal")
        EXTENDED = "extended", _("Retention extended")
        DISPOSED = "disposed", _("Disposed of")

    rule = models.ForeignKey(
        RetentionRule, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("rule")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    cutoff = models.DateTimeField(
        _("records dated on or before"), help_text=_("Only these records are disposed of.")
    )
    rows_found = models.PositiveBigIntegerField(_("records found"), default=0)
    sample = models.JSONField(_("sample"), default=list, blank=True)
    created_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="disposition_decisions",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    extended_until = models.DateField(_("kept until"), null=True, blank=True)

    class Meta:
        verbose_name = _("disposition review")
        verbose_name_plural = _("disposition reviews")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Review of {self.rule.name} ({self.get_status_display()})"


class PurgeRun(models.Model):
    """Proof of disposition: what one run of a rule examined, deleted, anonymised and kept."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        INTERRUPTED = "interrupted", _("Interrupted (worker stopped mid-run)")
        REVIEW_OPENED = "review_opened", _("Sent for review (nothing disposed of)")

    rule = models.ForeignKey(
        RetentionRule, on_delete=models.PROTECT, related_name="runs", verbose_name=_("rule")
    )
    review = models.ForeignKey(
        DispositionReview,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
        verbose_name=_("disposition review"),
    )
    resumed_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resumed_by",
        verbose_name=_("resumes interrupted run"),
    )
    job_run = models.ForeignKey(
        "core.JobRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job run"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING, db_index=True
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    cutoff = models.DateTimeField(_("records dated on or before"))
    action = models.CharField(_("action"), max_length=20, choices=RetentionRule.Action.choices)
    rows_examined = models.PositiveBigIntegerField(
        _("records past their period"), default=0, help_text=_("Disposed of plus kept under hold.")
    )
    rows_deleted = models.PositiveBigIntegerField(_("records deleted"), default=0)
    rows_anonymised = models.PositiveBigIntegerField(_("records anonymised"), default=0)
    rows_skipped_held = models.PositiveBigIntegerField(
        _("records kept under legal hold"), default=0
    )
    errors = models.TextField(_("errors"), blank=True)
    worker = models.CharField(_("worker"), max_length=200, blank=True)
    # Per kind of record, where the run got to: along the clock index,
    # {"column", "after": [clock, key] of the last row done, "done"}; along the primary key,
    # {"next": first key not yet done, "last": highest key}. Both also keep "held".
    # Written in the same transaction as each window's deletion, so a killed run resumes
    # exactly where its last committed window ended.
    checkpoint = models.JSONField(_("progress checkpoint"), default=dict, blank=True)

    class Meta:
        verbose_name = _("purge run")
        verbose_name_plural = _("purge runs")
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
        HOLD_PLACED = "hold_placed", _("Legal hold placed")
        HOLD_CHANGED = "hold_changed", _("Legal hold changed")
        HOLD_RELEASED = "hold_released", _("Legal hold released")
        HOLD_EXPIRY_ANNOUNCED = "hold_expiry_announced", _("Legal hold expiry announced")
        REVIEW_OPENED = "review_opened", _("Disposition review opened")
        REVIEW_APPROVED = "review_approved", _("Disposal approved")
        REVIEW_EXTENDED = "review_extended", _("Retention extended")
        RUN_INTERRUPTED = "run_interrupted", _("Purge run found interrupted")

    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices, db_index=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
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
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("retention event")
        verbose_name_plural = _("retention events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"
