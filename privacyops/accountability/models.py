"""The privacy policy as numbered paragraphs, each marked by Legal, and the stored reports."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicyParagraph(models.Model):
    """One numbered paragraph of a privacy-policy version, as Legal marked it."""

    class Kind(models.TextChoices):
        PROMISE = "promise", _("Promise")
        INFORMATION = "information", _("Information only")
        UNMARKED = "unmarked", _("Not yet marked by Legal")

    version = models.ForeignKey(
        "inventory.PolicyVersion",
        on_delete=models.CASCADE,
        related_name="paragraphs",
        verbose_name=_("privacy-policy version"),
    )
    number = models.PositiveIntegerField(_("paragraph"))
    heading = models.CharField(_("heading"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    kind = models.CharField(
        _("marked as"),
        max_length=12,
        choices=Kind.choices,
        default=Kind.UNMARKED,
        help_text=_(
            "A promise is something the company undertakes to do or not to do; "
            "information only describes."
        ),
    )
    activities = models.ManyToManyField(
        "inventory.ProcessingActivity",
        related_name="policy_paragraphs",
        verbose_name=_("record-of-processing entries it describes"),
        blank=True,
    )
    control_keys = models.JSONField(
        _("controls that keep it"),
        default=list,
        blank=True,
        help_text=_("Named checks defined in the code; a promise without any is 'not operated'."),
    )
    note = models.TextField(
        _("Legal's note"),
        blank=True,
        help_text=_("For example why nothing in the product operates this promise."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("policy paragraph")
        verbose_name_plural = _("policy paragraphs")
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "number"], name="accountability_paragraph_number"
            )
        ]
        indexes = [
            models.Index(fields=["version", "kind"], name="accountability_para_kind"),
            models.Index(fields=["heading"], name="accountability_para_heading"),
        ]

    def __str__(self) -> str:
        return f"§{self.number} {self.heading}".strip()

    @property
    def title(self) -> str:
        return self.heading or f"Paragraph {self.number}"


class AccountabilityEvent(models.Model):
    """What was done to the paragraphs and reports: split, marked, stored, downloaded."""

    class Kind(models.TextChoices):
        SPLIT = "split", _("Policy split into paragraphs")
        MARKED = "marked", _("Paragraph marked or corrected")
        STORED = "stored", _("Report stored")
        DOWNLOADED = "downloaded", _("Report downloaded")

    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    version = models.ForeignKey(
        "inventory.PolicyVersion",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy-policy version"),
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("accountability event")
        verbose_name_plural = _("accountability events")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class AccountabilityReport(models.Model):
    """A dated accountability report, kept as its HTML file in private storage."""

    generated_at = models.DateTimeField(_("computed at"), default=timezone.now, db_index=True)
    policy_version = models.ForeignKey(
        "inventory.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy-policy version"),
    )
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
        help_text=_("Empty when the monthly scheduled job made it."),
    )
    job_run = models.ForeignKey(
        "core.JobRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("job run"),
    )
    stored_as = models.CharField(
        _("stored as"),
        max_length=200,
        help_text=_("File name under the private storage folder (not reachable by URL)."),
    )
    filename = models.CharField(_("file name offered"), max_length=200)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    promises_kept = models.PositiveIntegerField(_("promises kept"), default=0)
    promises_at_risk = models.PositiveIntegerField(_("promises at risk"), default=0)
    promises_not_operated = models.PositiveIntegerField(_("promises not operated"), default=0)
    paragraphs = models.PositiveIntegerField(_("paragraphs"), default=0)

    class Meta:
        verbose_name = _("accountability report")
        verbose_name_plural = _("accountability reports")
        ordering = ["-generated_at", "-id"]

    def __str__(self) -> str:
        return f"Accountability report of {self.generated_at:%Y-%m-%d %H:%M}"
