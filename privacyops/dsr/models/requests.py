"""Privacy requests (data-subject requests), their history, letters and reminders."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.security.encryption import (
    BlindIndexField,
    EncryptedContactCharField,
    EncryptedContactTextField,
    EncryptedSearchableCharField,
)

from .. import deadlines
from ..lifecycle import LABELS, State, is_open


class RequestType(models.TextChoices):
    ACCESS = "access", _("Access (Art. 15)")
    RECTIFICATION = "rectification", _("Rectification (Art. 16)")
    ERASURE = "erasure", _("Erasure (Art. 17)")
    RESTRICTION = "restriction", _("Restriction of processing (Art. 18)")
    PORTABILITY = "portability", _("Data portability (Art. 20)")
    OBJECTION = "objection", _("Objection (Art. 21)")
    MARKETING_OPT_OUT = "marketing_opt_out", _("Marketing opt-out (Art. 21(2))")


class Channel(models.TextChoices):
    WEB_FORM = "web", _("Web form")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Telephone")
    POST = "post", _("Postal mail")
    ACCOUNT_REPRESENTATIVE = "account_rep", _("Through an account representative")


STATE_CHOICES = [(state.value, _(LABELS[state])) for state in State]
REGIME_CHOICES = [(code, rule.name) for code, rule in deadlines.REGIMES.items()]


class PrivacyRequest(models.Model):
    """A request by a person to exercise a right over their personal data."""

    request_type = models.CharField(
        _("right exercised"), max_length=20, choices=RequestType.choices
    )
    channel = models.CharField(_("received by"), max_length=12, choices=Channel.choices)
    regime = models.CharField(
        _("legal regime"),
        max_length=10,
        choices=REGIME_CHOICES,
        default=deadlines.DEFAULT_REGIME,
        help_text=_("The law whose deadlines apply to this request."),
    )
    requester_name = models.CharField(_("requester's name, as given"), max_length=200)
    # The requester's contact details are encrypted at rest; the e-mail is matched (repeat
    # requests, the data subject) through its keyed hash (docs/security.md).
    requester_email = EncryptedSearchableCharField(
        _("requester's e-mail, as given"),
        max_length=254,
        blank=True,
        validators=[EmailValidator()],
        blind_index_field="requester_email_index",
    )
    requester_email_index = BlindIndexField(
        _("search hash of the requester's e-mail"), source="requester_email"
    )
    requester_phone = EncryptedContactCharField(
        _("requester's telephone, as given"), max_length=50, blank=True
    )
    requester_address = EncryptedContactTextField(
        _("requester's postal address, as given"), blank=True
    )
    details = models.TextField(_("what the requester asks"), blank=True)
    language = models.CharField(
        _("language of the letters"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_(
            "The language the requester wrote in (the form, or their browser's language): "
            "every letter to them is written in it."
        ),
    )
    subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="privacy_requests",
        verbose_name=_("matched data subject"),
        help_text=_("The person in our records this request is about; empty when none matched."),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_privacy_requests",
        verbose_name=_("handled by"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=STATE_CHOICES, default=State.RECEIVED
    )
    due_date = models.DateField(
        _("due date"),
        help_text=_("The last day to answer, after any pause of the clock and any extension."),
    )
    extended_on = models.DateField(_("extension announced"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    paused_days = models.PositiveIntegerField(
        _("days the clock stood still"),
        default=0,
        help_text=_("Days spent waiting for the requester to prove their identity."),
    )
    paused_since = models.DateField(_("clock stopped since"), null=True, blank=True)
    identity_verified_at = models.DateTimeField(_("identity verified"), null=True, blank=True)
    identity_verification_note = EncryptedContactTextField(
        _("how identity was verified"), blank=True
    )
    confirmation_nonce = models.CharField(max_length=32, blank=True, editable=False)
    resolution_reason = models.TextField(
        _("reason given"),
        blank=True,
        help_text=_("Why the request was refused or redirected, as stated in the letter."),
    )
    redirect_to = models.ForeignKey(
        "subjects.Account",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="redirected_privacy_requests",
        verbose_name=_("redirected to customer"),
        help_text=_("The customer that controls the Customer-Generated Data asked about."),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name=_("repeat of"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
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
            models.Index(fields=["language"], name="dsr_request_language"),
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
        SUBMITTED = "submitted", _("Received")
        REPEAT = "repeat", _("Repeat received and linked")
        TRANSITION = "transition", _("State changed")
        IDENTITY_VERIFIED = "identity_verified", _("Identity verified")
        CLOCK_PAUSED = "clock_paused", _("Clock stopped (waiting for identity)")
        CLOCK_RESUMED = "clock_resumed", _("Clock resumed")
        EXTENDED = "extended", _("Deadline extended")
        ASSIGNED = "assigned", _("Assigned")
        MESSAGE = "message", _("Message sent")
        REMINDER = "reminder", _("Reminder sent")
        ESCALATION = "escalation", _("Escalated to Legal")
        DOWNLOAD = "download", _("Downloaded")
        NOTE = "note", _("Note")
        # Fulfilment: each step of doing what the request asks has its own kind.
        SUBJECT_MATCHED = "subject_matched", _("Matched to a data subject")
        PACKAGE_REQUESTED = "package_requested", _("Access package requested")
        PACKAGE_BUILT = "package_built", _("Access package built")
        PACKAGE_DOWNLOADED = "package_downloaded", _("Access package downloaded")
        PACKAGE_DELETED = "package_deleted", _("Access package deleted")
        ERASURE_PREVIEWED = "erasure_previewed", _("Erasure previewed")
        ERASED = "erased", _("Erasure carried out")
        RECTIFIED = "rectified", _("Details rectified")
        RESTRICTED = "restricted", _("Processing restricted (Art. 18)")
        RESTRICTION_LIFTED = "restriction_lifted", _("Restriction lifted")
        OBJECTION_RECORDED = "objection_recorded", _("Objection to direct marketing recorded")
        RECIPIENTS_LISTED = "recipients_listed", _("Recipients to notify listed (Art. 19)")
        RECIPIENT_NOTIFIED = "recipient_notified", _("Recipient notification marked (Art. 19)")
        CUSTOMER_FORWARDED = "customer_forwarded", _("Forwarded to the customer (controller)")
        INSTRUCTION_RECORDED = "instruction_recorded", _("Customer's instruction recorded")
        INSTRUCTION_APPLIED = "instruction_applied", _("Customer's instruction carried out")

    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("privacy request"),
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system or the requester did it."),
    )
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("request history entry")
        verbose_name_plural = _("request history")
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
        ACKNOWLEDGE = "acknowledge", _("Acknowledgement of receipt")
        VERIFY = "verify", _("Please confirm your request / identity")
        EXTEND = "extend", _("Extension of the deadline")
        COMPLETE = "complete", _("Request completed")
        REFUSE = "refuse", _("Refusal (with the right to complain)")
        REDIRECT = "redirect", _("Redirection to the controller")
        REDIRECT_CUSTOMER = "redirect_customer", _("Notice to the customer (controller)")
        UNCONFIRMED_CLOSED = "unconfirmed_closed", _("Final notice: closed, never confirmed")
        WITHDRAWN = "withdrawn", _("Withdrawal confirmed")
        REMINDER = "reminder", _("Internal reminder to the assignee")
        ESCALATION = "escalation", _("Internal escalation to Legal")

    key = models.CharField(_("letter"), max_length=20, choices=Key.choices)
    # Each letter exists in every language of settings.LANGUAGES (seeded); a letter missing in
    # the requester's language goes out in English (letters.template_for).
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    subject = models.CharField(_("e-mail subject"), max_length=200)
    body = models.TextField(
        _("e-mail body"),
        help_text=(
            _(
                "Django template. Available: {{ request }} (reference, requester_name, due_date, "
                "extension_reason, resolution_reason, ...), {{ controller }}, {{ link }}, "
                "{{ authority }}, {{ days_left }}."
            )
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("letter template")
        verbose_name_plural = _("letter templates")
        ordering = ["key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], name="dsr_letter_key_language")
        ]
        indexes = [models.Index(fields=["language"], name="dsr_letter_language")]

    def __str__(self) -> str:
        return f"{self.get_key_display()} ({self.language})"


class ReminderSent(models.Model):
    """Proof that one reminder or escalation went out; unique, so it is never sent twice."""

    class Kind(models.TextChoices):
        DUE_IN_7 = "due_7", _("Due in 7 days")
        DUE_IN_2 = "due_2", _("Due in 2 days")
        OVERDUE = "overdue", _("Overdue: escalated to Legal")

    request = models.ForeignKey(
        PrivacyRequest,
        on_delete=models.CASCADE,
        related_name="reminders",
        verbose_name=_("privacy request"),
    )
    kind = models.CharField(_("reminder"), max_length=10, choices=Kind.choices)
    due_date = models.DateField(_("for due date"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    recipients = models.JSONField(_("sent to"), default=list)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "due_date"], name="dsr_reminder_once"
            )
        ]
        indexes = [models.Index(fields=["kind", "-sent_at"], name="dsr_reminder_kind_sent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.request_id}"
