"""Privacy requests (data-subject requests), their history, letters and reminders."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.utils import timezone

from privacyops.security.encryption import (
    BlindIndexField,
    EncryptedContactCharField,
    EncryptedContactTextField,
    EncryptedSearchableCharField,
)

from .. import deadlines
from ..lifecycle import LABELS, State, is_open


class RequestType(models.TextChoices):
    ACCESS = "access", "Access (Art. 15)"
    RECTIFICATION = "rectification", "Rectification (Art. 16)"
    ERASURE = "erasure", "Erasure (Art. 17)"
    RESTRICTION = "restriction", "Restriction of processing (Art. 18)"
    PORTABILITY = "portability", "Data portability (Art. 20)"
    OBJECTION = "objection", "Objection (Art. 21)"
    MARKETING_OPT_OUT = "marketing_opt_out", "Marketing opt-out (Art. 21(2))"


class Channel(models.TextChoices):
    WEB_FORM = "web", "Web form"
    EMAIL = "email", "E-mail"
    PHONE = "phone", "Telephone"
    POST = "post", "Postal mail"
    ACCOUNT_REPRESENTATIVE = "account_rep", "Through an account representative"


STATE_CHOICES = [(state.value, LABELS[state]) for state in State]
REGIME_CHOICES = [(code, rule.name) for code, rule in deadlines.REGIMES.items()]


class PrivacyRequest(models.Model):
    """A request by a person to exercise a right over their personal data."""

    request_type = models.CharField("right exercised", max_length=20, choices=RequestType.choices)
    channel = models.CharField("received by", max_length=12, choices=Channel.choices)
    regime = models.CharField(
        "legal regime",
        max_length=10,
        choices=REGIME_CHOICES,
        default=deadlines.DEFAULT_REGIME,
        help_text="The law whose deadlines apply to this request.",
    )
    requester_name = models.CharField("requester's name, as given", max_length=200)
    # The requester's contact details are encrypted at rest; the e-mail is matched (repeat
    # requests, the data subject) through its keyed hash (docs/security.md).
    requester_email = EncryptedSearchableCharField(
        "requester's e-mail, as given",
        max_length=254,
        blank=True,
        validators=[EmailValidator()],
        blind_index_field="requester_email_index",
    )
    requester_email_index = BlindIndexField(
        "search hash of the requester's e-mail", source="requester_email"
    )
    requester_phone = EncryptedContactCharField(
        "requester's telephone, as given", max_length=50, blank=True
    )
    requester_address = EncryptedContactTextField(
        "requester's postal address, as given", blank=True
    )
    details = models.TextField("what the requester asks", blank=True)
    subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="privacy_requests",
        verbose_name="matched data subject",
        help_text="The person in our records this request is about; empty when none matched.",
    )
    received_at = models.DateTimeField("received", default=timezone.now)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_privacy_requests",
        verbose_name="handled by",
    )
    state = models.CharField("state", max_length=20, choices=STATE_CHOICES, default=State.RECEIVED)
    due_date = models.DateField(
        "due date",
        help_text="The last day to answer, after any pause of the clock and any extension.",
    )
    extended_on = models.DateField("extension announced", null=True, blank=True)
    extension_reason = models.TextField("reason for the extension", blank=True)
    paused_days = models.PositiveIntegerField(
        "days the clock stood still",
        default=0,
        help_text="Days spent waiting for the requester to prove their identity.",
    )
    paused_since = models.DateField("clock stopped since", null=True, blank=True)
    identity_verified_at = models.DateTimeField("identity verified", null=True, blank=True)
    identity_verification_note = EncryptedContactTextField("how identity was verified", blank=True)
    confirmation_nonce = models.CharField(max_length=32, blank=True, editable=False)
    resolution_reason = models.TextField(
        "reason given",
        blank=True,
        help_text="Why the request was refused or redirected, as stated in the letter.",
    )
    redirect_to = models.ForeignKey(
        "subjects.Account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redirected_privacy_requests",
        verbose_name="redirected to customer",
        help_text="The customer that controls the Customer-Generated Data asked about.",
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name="repeat of",
    )
    closed_at = models.DateTimeField("closed", null=True, blank=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "privacy request"
        verbose_name_plural = "privacy requests"
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["state", "due_date"], name="dsr_request_state_due"),
            models.Index(fields=["due_date"], name="dsr_request_due"),
            models.Index(fields=["request_type"], name="dsr_request_type"),
            models.Index(fields=["channel"], name="dsr_request_channel"),
            models.Index(fields=["regime"], name="dsr_request_regime"),
            models.Index(fields=["-received_at"], name="dsr_request_received"),
            models.Index(fields=["requester_name"], name="dsr_request_name"),
            models.Index(fields=["requester_email_index"], name="dsr_request_email"),
        ]

    def __str__(self) -> str:
        # A reference, never the requester's details: the admin log and the access log keep it.
        return f"{self.reference}: {self.get_request_type_display()}"

    @property
    def reference(self) -> str:
        return f"PR-{self.pk:05d}" if self.pk else "PR-new"

    @property
    def received_on(self) -> datetime.date:
        return timezone.localdate(self.received_at)

    @property
    def is_open(self) -> bool:
        return is_open(self.state)

    @property
    def clock_stopped(self) -> bool:
        return self.paused_since is not None

    def days_left(self, today: datetime.date | None = None) -> int:
        return deadlines.days_left(self.due_date, today or timezone.localdate())


class RequestEvent(models.Model):
    """One entry of a request's history. Append-only: never changed, never deleted."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", "Received"
        REPEAT = "repeat", "Repeat received and linked"
        TRANSITION = "transition", "State changed"
        IDENTITY_VERIFIED = "identity_verified", "Identity verified"
        CLOCK_PAUSED = "clock_paused", "Clock stopped (waiting for identity)"
        CLOCK_RESUMED = "clock_resumed", "Clock resumed"
        EXTENDED = "extended", "Deadline extended"
        ASSIGNED = "assigned", "Assigned"
        MESSAGE = "message", "Message sent"
        REMINDER = "reminder", "Reminder sent"
        ESCALATION = "escalation", "Escalated to Legal"
        DOWNLOAD = "download", "Downloaded"
        NOTE = "note", "Note"
        # Fulfilment: each step of doing what the request asks has its own kind.
        SUBJECT_MATCHED = "subject_matched", "Matched to a data subject"
        PACKAGE_REQUESTED = "package_requested", "Access package requested"
        PACKAGE_BUILT = "package_built", "Access package built"
        PACKAGE_DOWNLOADED = "package_downloaded", "Access package downloaded"
        PACKAGE_DELETED = "package_deleted", "Access package deleted"
        ERASURE_PREVIEWED = "erasure_previewed", "Erasure previewed"
        ERASED = "erased", "Erasure carried out"
        RECTIFIED = "rectified", "Details rectified"
        RESTRICTED = "restricted", "Processing restricted (Art. 18)"
        RESTRICTION_LIFTED = "restriction_lifted", "Restriction lifted"
        OBJECTION_RECORDED = "objection_recorded", "Objection to direct marketing recorded"
        RECIPIENTS_LISTED = "recipients_listed", "Recipients to notify listed (Art. 19)"
        RECIPIENT_NOTIFIED = "recipient_notified", "Recipient notification marked (Art. 19)"
        CUSTOMER_FORWARDED = "customer_forwarded", "Forwarded to the customer (controller)"
        INSTRUCTION_RECORDED = "instruction_recorded", "Customer's instruction recorded"
        INSTRUCTION_APPLIED = "instruction_applied", "Customer's instruction carried out"

    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name="privacy request",
    )
    kind = models.CharField("what happened", max_length=20, choices=Kind.choices)
    at = models.DateTimeField("when", default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="by",
        help_text="Empty when the system or the requester did it.",
    )
    from_state = models.CharField("from", max_length=20, blank=True)
    to_state = models.CharField("to", max_length=20, blank=True)
    note = models.TextField("note", blank=True)
    data = models.JSONField("details", default=dict, blank=True)

    class Meta:
        verbose_name = "request history entry"
        verbose_name_plural = "request history"
        ordering = ["request_id", "at", "id"]
        indexes = [
            models.Index(fields=["request", "at"], name="dsr_event_request_at"),
            models.Index(fields=["kind", "-at"], name="dsr_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Request history is append-only: an entry cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Request history is append-only: an entry cannot be deleted.")


class MessageTemplate(models.Model):
    """The wording of a letter to a requester (or customer). Django template syntax."""

    class Key(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", "Acknowledgement of receipt"
        VERIFY = "verify", "Please confirm your request / identity"
        EXTEND = "extend", "Extension of the deadline"
        COMPLETE = "complete", "Request completed"
        REFUSE = "refuse", "Refusal (with the right to complain)"
        REDIRECT = "redirect", "Redirection to the controller"
        REDIRECT_CUSTOMER = "redirect_customer", "Notice to the customer (controller)"
        UNCONFIRMED_CLOSED = "unconfirmed_closed", "Final notice: closed, never confirmed"
        WITHDRAWN = "withdrawn", "Withdrawal confirmed"
        REMINDER = "reminder", "Internal reminder to the assignee"
        ESCALATION = "escalation", "Internal escalation to Legal"

    key = models.CharField("letter", max_length=20, choices=Key.choices, unique=True)
    subject = models.CharField("e-mail subject", max_length=200)
    body = models.TextField(
        "e-mail body",
        help_text=(
            "Django template. Available: {{ request }} (reference, requester_name, due_date, "
            "extension_reason, resolution_reason, ...), {{ controller }}, {{ link }}, "
            "{{ authority }}, {{ days_left }}."
        ),
    )
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "letter template"
        verbose_name_plural = "letter templates"
        ordering = ["key"]

    def __str__(self) -> str:
        return self.get_key_display()


class ReminderSent(models.Model):
    """Proof that one reminder or escalation went out; unique, so it is never sent twice."""

    class Kind(models.TextChoices):
        DUE_IN_7 = "due_7", "Due in 7 days"
        DUE_IN_2 = "due_2", "Due in 2 days"
        OVERDUE = "overdue", "Overdue: escalated to Legal"

    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name="privacy request",
    )
    kind = models.CharField("reminder", max_length=10, choices=Kind.choices)
    due_date = models.DateField("for due date")
    sent_at = models.DateTimeField("sent", default=timezone.now)
    recipients = models.JSONField("sent to", default=list)

    class Meta:
        verbose_name = "reminder sent"
        verbose_name_plural = "reminders sent"
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "due_date"], name="dsr_reminder_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "-sent_at"], name="dsr_reminder_kind_sent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.request_id}"
