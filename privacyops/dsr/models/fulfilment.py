"""What fulfilling a privacy request leaves behind: packages, certificates, notices, changes.

Part of a request's file: these rows point at the request (this module imports
models/requests.py, never the reverse); disposal removes them with it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.security.encryption import EncryptedContactTextField

from .. import deadlines
from .requests import REGIME_CHOICES, PrivacyRequest

__all__ = [
    "AccessPackage",
    "CustomerDataForward",
    "ErasureCertificate",
    "RecipientNotification",
    "RequestOutcome",
    "SubjectChange",
]


class AccessPackage(models.Model):
    """One access / portability package built for a request, kept privately until it expires.

    The file lives under PRIVATE_STORAGE_ROOT (never under a public URL); the requester gets
    it through a signed link that expires. This row holds only counts and a fingerprint.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Being built")
        READY = "ready", _("Ready: offered to the requester")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired: file deleted")

    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.PROTECT,
        related_name="access_packages",
        verbose_name=_("privacy request"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    job_run = models.ForeignKey(
        "core.JobRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("build job"),
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    stored_as = models.CharField(
        _("stored as"),
        max_length=200,
        blank=True,
        help_text=_("File name under the private storage folder (not reachable by URL)."),
    )
    filename = models.CharField(_("file name offered"), max_length=200, blank=True)
    size_bytes = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    records = models.JSONField(
        _("records per category"), default=dict, blank=True, help_text=_("Counts only, no values.")
    )
    downloads = models.PositiveIntegerField(_("downloads"), default=0)
    link_nonce = models.CharField(max_length=32, blank=True, editable=False)
    error = models.TextField(_("what went wrong"), blank=True)

    class Meta:
        verbose_name = _("access package")
        verbose_name_plural = _("access packages")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="dsr_package_status_expires"),
            models.Index(fields=["-requested_at"], name="dsr_package_requested"),
        ]

    def __str__(self) -> str:
        return f"Package #{self.pk} for {self.request.reference} ({self.get_status_display()})"

    @property
    def is_available(self) -> bool:
        return (
            self.status == self.Status.READY
            and self.expires_at is not None
            and self.expires_at > timezone.now()
        )


class ErasureCertificate(models.Model):
    """Proof that an erasure was carried out: what, when, by whom, how much. No erased values."""

    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.PROTECT,
        related_name="erasure_certificates",
        verbose_name=_("privacy request"),
    )
    subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.PROTECT,
        related_name="erasure_certificates",
        verbose_name=_("data subject (tombstone)"),
    )
    previewed_at = models.DateTimeField(_("preview shown to Legal"))
    executed_at = models.DateTimeField(_("erased"), default=timezone.now, db_index=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("erased by"),
    )
    rows_deleted = models.PositiveIntegerField(_("rows deleted"), default=0)
    values_erased = models.PositiveIntegerField(_("values blanked, masked or hashed"), default=0)
    rows_kept = models.PositiveIntegerField(_("rows kept (with the reason)"), default=0)
    addresses_suppressed = models.PositiveIntegerField(
        _("e-mail addresses put on the suppression list (as salted hashes)"), default=0
    )
    entries = models.JSONField(
        _("model by model"),
        default=list,
        help_text=_("What each kind of record lost or kept and why; counts and field names only."),
    )

    class Meta:
        verbose_name = _("certificate of erasure")
        verbose_name_plural = _("certificates of erasure")
        ordering = ["-executed_at", "-id"]

    def __str__(self) -> str:
        return f"Erasure for {self.request.reference} on {self.executed_at:%Y-%m-%d %H:%M}"


class RecipientNotification(models.Model):
    """GDPR Art. 19: tell a recipient of the data about a rectification, erasure or restriction.

    One per recipient category the record of processing names for the data concerned. The
    request cannot be completed while any is pending.
    """

    class Operation(models.TextChoices):
        RECTIFICATION = "rectification", _("Rectification")
        ERASURE = "erasure", _("Erasure")
        RESTRICTION = "restriction", _("Restriction of processing")

    class Status(models.TextChoices):
        PENDING = "pending", _("To be sent")
        SENT = "sent", _("Sent")
        IMPOSSIBLE = "impossible", _("Impossible or disproportionate (justified)")

    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.PROTECT,
        related_name="recipient_notifications",
        verbose_name=_("privacy request"),
    )
    recipient = models.ForeignKey(
        "inventory.RecipientCategory",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recipient"),
    )
    operation = models.CharField(_("what to notify"), max_length=15, choices=Operation.choices)
    categories = models.JSONField(_("information categories concerned"), default=list, blank=True)
    activities = models.JSONField(
        _("processing activities through which it received them"), default=list, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    note = models.TextField(
        _("how it was sent, or why it is impossible"),
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_at = models.DateTimeField(_("marked"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )

    class Meta:
        verbose_name = _("recipient notification (Art. 19)")
        verbose_name_plural = _("recipient notifications (Art. 19)")
        ordering = ["request_id", "operation", "recipient_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "operation", "recipient"], name="dsr_recipient_notice_once"
            )
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="dsr_notice_status"),
            models.Index(fields=["operation"], name="dsr_notice_operation"),
        ]

    def __str__(self) -> str:
        return f"{self.get_operation_display()} → {self.recipient} ({self.get_status_display()})"


class SubjectChange(models.Model):
    """The subject's change log: one corrected detail, its old and new value, and why."""

    subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.CASCADE,
        related_name="change_log",
        verbose_name=_("data subject"),
    )
    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subject_changes",
        verbose_name=_("privacy request"),
    )
    field = models.CharField(_("detail"), max_length=60)
    # Encrypted at rest: a corrected e-mail address or telephone number, before and after.
    old_value = EncryptedContactTextField(_("before"), blank=True)
    new_value = EncryptedContactTextField(_("after"), blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("data subject change")
        verbose_name_plural = _("data subject change log")
        ordering = ["subject_id", "-changed_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-changed_at"], name="dsr_subject_change_at"),
            models.Index(fields=["field"], name="dsr_subject_change_field"),
        ]

    def __str__(self) -> str:
        return f"{self.field} of {self.subject_id} changed {self.changed_at:%Y-%m-%d %H:%M}"


class CustomerDataForward(models.Model):
    """A request about Customer-Generated Data, forwarded to the customer (the controller).

    Nothing in the customer's data is touched until its instruction is recorded here.
    """

    class Instruction(models.TextChoices):
        REMOVE = "remove", _("Remove the person from the dataset(s)")
        NO_ACTION = "no_action", _("Take no action")
        OTHER = "other", _("Other (described)")

    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.PROTECT,
        related_name="customer_forwards",
        verbose_name=_("privacy request"),
    )
    account = models.ForeignKey(
        "subjects.Account",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer (controller)"),
    )
    datasets = models.ManyToManyField(
        "subjects.CustomerDataset", related_name="+", verbose_name=_("datasets concerned")
    )
    forwarded_at = models.DateTimeField(_("forwarded"), default=timezone.now)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forwarded by"),
    )
    sent_to = models.CharField(_("sent to"), max_length=254, blank=True)
    instruction = models.CharField(
        _("customer's instruction"), max_length=10, choices=Instruction.choices, blank=True
    )
    instruction_text = models.TextField(_("instruction, as received"), blank=True)
    instruction_received_at = models.DateTimeField(_("instruction received"), null=True, blank=True)
    instruction_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("instruction recorded by"),
    )
    carried_out_at = models.DateTimeField(_("instruction carried out"), null=True, blank=True)

    class Meta:
        verbose_name = _("forwarding to a customer (Customer-Generated Data)")
        verbose_name_plural = _("forwardings to customers (Customer-Generated Data)")
        ordering = ["-forwarded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["request", "account"], name="dsr_forward_once")
        ]
        indexes = [models.Index(fields=["instruction"], name="dsr_forward_instruction")]

    def __str__(self) -> str:
        return f"{self.request.reference} forwarded to {self.account.company_name}"


class RequestOutcome(models.Model):
    """How and how fast a closed request was answered (for reports to an authority).

    Written on every closing path (completion, refusal, redirection, withdrawal, closing an
    unconfirmed request), so refusals count in the statistics like answers do.
    """

    class Result(models.TextChoices):
        COMPLIED = "complied", _("Complied with in whole")
        COMPLIED_IN_PART = "in_part", _("Complied with in part")
        REFUSED = "refused", _("Refused")
        REDIRECTED = "redirected", _("Redirected to the customer (controller)")
        WITHDRAWN = "withdrawn", _("Withdrawn by the requester")
        CLOSED_UNCONFIRMED = "unconfirmed", _("Closed: never confirmed")

    class RefusalGround(models.TextChoices):
        IDENTITY = "identity", _("Identity not established")
        UNFOUNDED = "unfounded", _("Manifestly unfounded")
        EXCESSIVE = "excessive", _("Excessive (e.g. repetitive)")
        EXEMPTION = "exemption", _("Exemption in law (e.g. legal obligation, claims)")
        OTHER = "other", _("Other reason (see the letter)")

    request = models.OneToOneField(
        PrivacyRequest,
        on_delete=models.PROTECT,
        related_name="outcome",
        verbose_name=_("privacy request"),
    )
    request_type = models.CharField(_("right exercised"), max_length=20)
    regime = models.CharField(
        _("legal regime"), max_length=10, choices=REGIME_CHOICES, default=deadlines.DEFAULT_REGIME
    )
    result = models.CharField(
        _("outcome"), max_length=12, choices=Result.choices, default=Result.COMPLIED
    )
    refusal_ground = models.CharField(
        _("ground for refusal"), max_length=10, choices=RefusalGround.choices, blank=True
    )
    received_at = models.DateTimeField(_("received"))
    completed_at = models.DateTimeField(_("answered"), db_index=True)
    response_days = models.PositiveIntegerField(
        _("days to answer"), help_text=_("Calendar days from receipt to the answer.")
    )
    paused_days = models.PositiveIntegerField(_("days the clock stood still"), default=0)
    due_date = models.DateField(_("due date"))
    on_time = models.BooleanField(_("answered in time"), db_index=True)
    summary = models.TextField(_("what was done"), blank=True)

    class Meta:
        verbose_name = _("response time")
        verbose_name_plural = _("response times")
        ordering = ["-completed_at", "-id"]
        indexes = [
            models.Index(fields=["request_type", "-completed_at"], name="dsr_outcome_type"),
            models.Index(fields=["result", "-completed_at"], name="dsr_outcome_result"),
            models.Index(fields=["regime", "-completed_at"], name="dsr_outcome_regime"),
        ]

    def __str__(self) -> str:
        return f"{self.request.reference}: answered in {self.response_days} day(s)"
