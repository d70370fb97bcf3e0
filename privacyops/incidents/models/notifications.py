"""Notifications of a breach: to the authority (Art. 33), customers (33(2)), people (34)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.security.encryption import EncryptedContactCharField, EncryptedContactTextField

from .register import Incident


class LetterTemplate(models.Model):
    """The wording of a letter or reminder; seeded, editable by Legal."""

    key = models.SlugField(_("template"), max_length=40)
    # Each letter is seeded in every language of settings.LANGUAGES; one missing in the
    # language asked for goes out in English (letters.template_for).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    subject = models.CharField(_("subject line"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_("Django template syntax; {{ incident }} and its fields are available."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("incident letter template")
        verbose_name_plural = _("incident letter templates")
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "language"], name="incidents_letter_key_language"
            )
        ]
        indexes = [models.Index(fields=["language"], name="incidents_letter_language")]

    def __str__(self) -> str:
        return f"{self.key} ({self.language})"


class AuthorityNotification(models.Model):
    """One notification to the supervisory authority: the initial one or a follow-up (33(4))."""

    class Phase(models.TextChoices):
        INITIAL = "initial", _("Initial notification")
        FOLLOW_UP = "follow_up", _("Further information (Art. 33(4))")
        FINAL = "final", _("Final report")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (edit, then submit)")
        SUBMITTED = "submitted", _("Submitted")

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="authority_notifications",
        verbose_name=_("incident"),
    )
    phase = models.CharField(_("phase"), max_length=12, choices=Phase.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    subject = models.CharField(_("subject line"), max_length=200)
    body = models.TextField(
        _("letter"),
        help_text=_("Generated from the register (Art. 33(3)); edit before submitting."),
    )
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    late = models.BooleanField(_("after the 72 hours"), default=False)
    authority_reference = models.CharField(_("authority's reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("notification to the authority")
        verbose_name_plural = _("notifications to the authority")
        ordering = ["incident_id", "created_at", "id"]
        indexes = [
            models.Index(fields=["status", "phase"], name="incidents_authority_status"),
            models.Index(fields=["-submitted_at"], name="incidents_authority_submitted"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.incident.reference}: {self.get_phase_display()} ({self.get_status_display()})"
        )


class CustomerNotice(models.Model):
    """The notice to a customer, as processor, that its Customer-Generated Data was affected."""

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="customer_notices",
        verbose_name=_("incident"),
    )
    account = models.ForeignKey(
        "subjects.Account",
        on_delete=models.PROTECT,
        related_name="incident_notices",
        verbose_name=_("customer (controller)"),
    )
    recipients = EncryptedContactTextField(
        _("sent to"), blank=True, help_text=_("The account's contacts, one address a line.")
    )
    recipient_count = models.PositiveIntegerField(_("addresses"), default=0)
    subject = models.CharField(_("subject line"), max_length=200)
    body = models.TextField(_("letter"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    acknowledged_at = models.DateTimeField(_("customer acknowledged"), null=True, blank=True)
    acknowledged_by_name = EncryptedContactCharField(
        _("acknowledged by (at the customer)"), max_length=200, blank=True
    )
    acknowledgement_note = models.TextField(_("what the customer said"), blank=True)

    class Meta:
        verbose_name = _("notice to a customer (processor)")
        verbose_name_plural = _("notices to customers (processor)")
        ordering = ["incident_id", "account_id"]
        indexes = [
            models.Index(fields=["acknowledged_at"], name="incidents_notice_ack"),
            models.Index(fields=["-sent_at"], name="incidents_notice_sent"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["incident", "account"], name="incidents_notice_once")
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference} → {self.account}"


class SubjectCommunication(models.Model):
    """A communication of a high-risk breach to the people affected (Art. 34), sent in batches."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent to everyone reachable")

    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        related_name="subject_communications",
        verbose_name=_("incident"),
    )
    subject = models.CharField(_("subject line"), max_length=200)
    body = models.TextField(_("message"), help_text=_("Clear and plain language (Art. 34(2))."))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    job_run = models.ForeignKey(
        "core.JobRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sending job"),
    )
    created_at = models.DateTimeField(_("drafted"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("communication to the people affected (Art. 34)")
        verbose_name_plural = _("communications to the people affected (Art. 34)")
        ordering = ["incident_id", "created_at", "id"]
        indexes = [models.Index(fields=["status"], name="incidents_comm_status")]

    def __str__(self) -> str:
        return f"{self.incident.reference}: Art. 34 communication ({self.get_status_display()})"


class SubjectDelivery(models.Model):
    """One person's copy of an Art. 34 communication: sent, or why not."""

    class Outcome(models.TextChoices):
        SENT = "sent", _("Sent by e-mail")
        NO_ADDRESS = "no_address", _("No e-mail address on record")
        NOT_PERMITTED = "not_permitted", _("The transactional channel refused it")

    communication = models.ForeignKey(
        SubjectCommunication,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("communication"),
    )
    subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.CASCADE,
        related_name="breach_communications",
        verbose_name=_("data subject"),
    )
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("delivery to a person affected")
        verbose_name_plural = _("deliveries to people affected")
        ordering = ["communication_id", "id"]
        indexes = [models.Index(fields=["outcome"], name="incidents_delivery_outcome")]
        constraints = [
            models.UniqueConstraint(
                fields=["communication", "subject"], name="incidents_delivery_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.communication.incident.reference} → data subject #{self.subject_id}"
