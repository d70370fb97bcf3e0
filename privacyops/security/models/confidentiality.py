"""Staff bound by confidentiality (the policy: employees with access on a need-to-know basis
"are bound by confidentiality obligations"), and the privacy training they took.

An undertaking is a versioned text Legal publishes; a version is never edited once published
(a change is a new version, which every staff member accepts again). Acceptances are evidence:
who accepted which version, when and from where, online or on a signed paper copy.
"""

from django.conf import settings
from django.db import models


class UndertakingVersion(models.Model):
    """One published version of the staff confidentiality undertaking."""

    version = models.PositiveIntegerField(
        unique=True, help_text="1, 2, 3 … The highest version in force is the one staff accept."
    )
    title = models.CharField(max_length=200, default="Confidentiality undertaking")
    text = models.TextField(
        "text of the undertaking", help_text="The full text a staff member reads and accepts."
    )
    in_force_from = models.DateTimeField(
        "in force from",
        db_index=True,
        help_text="From this moment staff must accept this version before opening the admin.",
    )
    published_at = models.DateTimeField("published", auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="published by",
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = "confidentiality undertaking (version)"
        verbose_name_plural = "confidentiality undertakings (versions)"

    def __str__(self) -> str:
        return f"{self.title}, version {self.version} (from {self.in_force_from:%Y-%m-%d})"


class UndertakingAcceptance(models.Model):
    """A staff member's acceptance of one version: clicked in the admin, or signed on paper."""

    class Method(models.TextChoices):
        ONLINE = "online", "accepted in the back office"
        PAPER = "paper", "signed paper copy (recorded by Legal)"

    version = models.ForeignKey(
        UndertakingVersion,
        on_delete=models.PROTECT,
        related_name="acceptances",
        verbose_name="undertaking version",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="undertaking_acceptances",
        verbose_name="staff member",
    )
    username = models.CharField(
        "staff member (username)",
        max_length=150,
        db_index=True,
        help_text="Copied, so the evidence survives the account.",
    )
    method = models.CharField("how", max_length=16, choices=Method.choices, db_index=True)
    accepted_at = models.DateTimeField("accepted at", db_index=True)
    ip = models.GenericIPAddressField("from (IP address)", null=True, blank=True)
    paper_reference = models.CharField(
        "paper copy reference",
        max_length=200,
        blank=True,
        help_text="Where the signed paper copy is filed (folder, scan reference).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="recorded by",
    )

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        verbose_name = "confidentiality undertaking accepted"
        verbose_name_plural = "confidentiality undertakings accepted"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="security_one_acceptance_per_version"
            )
        ]
        indexes = [models.Index(fields=["user", "version"], name="security_accept_user_ver")]

    def __str__(self) -> str:
        return f"{self.username} accepted version {self.version.version} ({self.method})"


class TrainingRecord(models.Model):
    """A privacy training a staff member completed, valid until it must be renewed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="privacy_trainings",
        verbose_name="staff member",
    )
    course = models.CharField(max_length=200, db_index=True)
    completed_on = models.DateField("completed on", db_index=True)
    valid_until = models.DateField(
        "valid until", db_index=True, help_text="The training must be renewed by this day."
    )
    recorded_at = models.DateTimeField("recorded", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="recorded by",
    )
    reminder_sent_at = models.DateTimeField(
        "renewal reminder sent",
        null=True,
        blank=True,
        help_text="Set by the daily job: each training is reminded of once.",
    )

    class Meta:
        ordering = ["valid_until", "pk"]
        verbose_name = "privacy training"
        verbose_name_plural = "privacy training records"
        indexes = [models.Index(fields=["user", "course"], name="security_training_user_course")]

    def __str__(self) -> str:
        return f"{self.course} ({self.user.get_username()}, valid until {self.valid_until})"
