"""Where recipients want to hear of a person's rights being exercised, and the evidence of
telling them: endpoints, events (each with a unique id), deliveries and their attempts.

An event carries only identifiers the recipient already holds (the CRM's ids of the person;
the e-mail address only to an endpoint that says it holds the addresses, e.g. the mail
platform), encrypted at rest.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.security.encryption import EncryptedContactCharField, EncryptedJSONDocumentField


class EventType(models.TextChoices):
    SUBJECT_ERASED = "subject.erased", _("Subject erased")
    SUBJECT_RECTIFIED = "subject.rectified", _("Subject rectified")
    PROCESSING_RESTRICTED = "processing.restricted", _("Processing restricted")
    MARKETING_OPTED_OUT = "marketing.opted_out", _("Marketing opt-out")
    OBJECTION = "subject.objected", _("Objection")


class WebhookEndpoint(models.Model):
    """An HTTPS address of a recipient (a vendor, or one of our own systems) and its secret."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    vendor = models.ForeignKey(
        "inventory.Vendor",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("vendor"),
        help_text=_("Empty for one of our own systems (the CRM, the mail platform)."),
    )
    recipient = models.ForeignKey(
        "inventory.RecipientCategory",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="webhook_endpoints",
        verbose_name=_("recipient (Art. 19)"),
        help_text=_(
            "The recipient in the record of processing whose Art. 19 notices go to this "
            "address; ticked off when it acknowledges. Empty: the vendor's category."
        ),
    )
    url = models.URLField(
        _("address (HTTPS)"),
        max_length=500,
        help_text=_("Must be https:// (plain http only to 127.0.0.1 in development and tests)."),
    )
    secret = EncryptedContactCharField(
        _("signing secret"),
        max_length=100,
        editable=False,
        help_text=_("Standard Webhooks secret (whsec_…), encrypted at rest; shown once."),
    )
    event_types = models.JSONField(
        _("events sent"),
        default=list,
        blank=True,
        help_text=_("Empty: every event."),
    )
    sends_email_address = models.BooleanField(
        _("include the e-mail address"),
        default=False,
        help_text=_(
            "Only for a recipient that already holds the addresses (e.g. the mail platform); "
            "otherwise only the CRM's identifiers are sent."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.name

    @property
    def recipient_category_id(self) -> int | None:
        if self.recipient_id:
            return self.recipient_id
        return self.vendor.recipient_category_id if self.vendor_id else None

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class WebhookEvent(models.Model):
    """Something a recipient must hear of, once, with its own id and time."""

    event_id = models.CharField(_("event id"), max_length=40, unique=True)
    event_type = models.CharField(
        _("event"), max_length=30, choices=EventType.choices, db_index=True
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("data subject"),
    )
    reference = models.CharField(
        _("reference"),
        max_length=60,
        blank=True,
        db_index=True,
        help_text=_("What it comes from, e.g. the privacy request's reference."),
    )
    identifiers = EncryptedJSONDocumentField(
        _("identifiers sent (encrypted)"),
        null=True,
        blank=True,
        help_text=_("The identifiers the recipients already hold; encrypted at rest."),
    )
    details = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        help_text=_("What happened, without personal data (e.g. the names of fields corrected)."),
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("webhook event")
        verbose_name_plural = _("webhook events")

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} {self.event_id}"


class WebhookDelivery(models.Model):
    """One event to one endpoint: retried with back-off until acknowledged or three days."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being delivered")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged (2xx)")
        FAILED = "failed", _("Failed for good (three days)")

    event = models.ForeignKey(
        WebhookEvent, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("event")
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.PROTECT,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    first_attempt_at = models.DateTimeField(_("first attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("last answer"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        permissions = [("redeliver", "Can send a webhook delivery again by hand")]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="webhooks_delivery_due"),
            models.Index(fields=["endpoint", "status"], name="webhooks_delivery_endpoint"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["event", "endpoint"], name="webhooks_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.event.event_id} → {self.endpoint}"


class DeliveryAttempt(models.Model):
    """One POST: when, the answer's status code (none: no answer), why it failed."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempt_log",
        verbose_name=_("delivery"),
    )
    attempted_at = models.DateTimeField(_("when"), default=timezone.now)
    status_code = models.PositiveSmallIntegerField(_("answer (HTTP status)"), null=True)
    error = models.CharField(_("error"), max_length=200, blank=True)
    manual = models.BooleanField(_("redelivered by hand"), default=False)

    class Meta:
        ordering = ["delivery_id", "attempted_at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} @ {self.attempted_at:%Y-%m-%d %H:%M:%S}: {self.status_code}"
