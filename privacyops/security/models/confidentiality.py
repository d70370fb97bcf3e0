"""Staff bound by confidentiality (the policy: employees with access on a need-to-know basis
"are bound by confidentiality obligations"), and the privacy training they took.

An undertaking is a versioned text Legal publishes; a version is never edited once published
(a change is a new version, which every staff member accepts again). Acceptances are evidence:
who accepted which version, when and from where, online or on a signed paper copy.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UndertakingVersion(models.Model):
    """One published version of the staff confidentiality undertaking."""

    version = models.PositiveIntegerField(
        unique=True, help_text=_("1, 2, 3 … The highest version in force is the one staff accept.")
    )
    title = models.CharField(max_length=200, default="Confidentiality undertaking")
    text = models.TextField(
        _("text of the undertaking"), help_text=_("The full text a staff member reads and accepts.")
    )
    in_force_from = models.DateTimeField(
        _("in force from"),
        db_index=True,
        help_text=_("From this moment staff must accept this version before opening the admin."),
    )
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("confidentiality undertaking (version)")
        verbose_name_plural = _("confidentiality undertakings (versions)")

    def __str__(self) -> str:
        return f"{self.title}, version {self.version} (from {self.in_force_from:%Y-%m-%d})"


class UndertakingAcceptance(models.Model):
    """A staff member's acceptance of one version: clicked in the admin, or signed on paper."""

    class Method(models.TextChoices):
        ONLINE = "online", _("accepted in the back office")
        PAPER = "paper", _("signed paper copy (recorded by Legal)")

    version = models.ForeignKey(
        UndertakingVersion,
        on_delete=models.PROTECT,
        related_name="acceptances",
        verbose_name=_("undertaking version"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="undertaking_acceptances",
        verbose_name=_("staff member"),
    )
    username = models.CharField(
        _("staff member (username)"),
        max_length=150,
        db_index=True,
        help_text=_("Copied, so the evidence survives the account."),
    )
    method = models.CharField(_("how"), max_length=16, choices=Method.choices, db_index=True)
    accepted_at = models.DateTimeField(_("accepted at"), db_index=True)
    ip = models.GenericIPAddressField(_("from (IP address)"), null=True, blank=True)
    paper_reference = models.CharField(
        _("paper copy reference"),
        max_length=200,
        blank=True,
        help_text=_("Where the signed paper copy is filed (folder, scan reference)."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        ordering = ["-accepted_at", "-pk"]
        verbose_name = _("confidentiality undertaking accepted")
        verbose_name_plural = _("confidentiality undertakings accepted")
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
        verbose_name=_("staff member"),
    )
    course = models.CharField(max_length=200, db_index=True)
    completed_on = models.DateField(_("completed on"), db_index=True)
    valid_until = models.DateField(
        _("valid until"), db_index=True, help_text=_("The training must be renewed by this day.")
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    reminder_sent_at = models.DateTimeField(
        _("renewal reminder sent"),
        null=True,
        blank=True,
        help_text=_("Set by the daily job: each training is reminded of once."),
    )

    class Meta:
        ordering = ["valid_until", "pk"]
        verbose_name = _("privacy training")
        verbose_name_plural = _("privacy training records")
        indexes = [models.Index(fields=["user", "course"], name="security_training_user_course")]

    def __str__(self) -> str:
        return f"{self.course} ({self.user.get_username()}, valid until {self.valid_until})"
