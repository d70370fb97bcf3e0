"""Incidents, their timeline, the data they touch and the reminders of their clock."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.security.encryption import (
    BlindIndexField,
    EncryptedContactCharField,
    EncryptedSearchableCharField,
)

from .. import clock
from ..lifecycle import BREACH_STATES, HIGH_RISK, LABELS, NO_RISK, RISK, State

STATE_CHOICES = [(state.value, _(LABELS[state])) for state in State]


class Role(models.TextChoices):
    CONTROLLER = "controller", _("Controller (Personal and Other Information)")
    PROCESSOR = "processor", _("Processor (Customer-Generated Data: the customer is controller)")


class Incident(models.Model):
    """A security incident or vulnerability report, and, once confirmed, a personal-data breach.

    Every incident stays in the register (GDPR Art. 33(5)), notified or not, with its facts,
    effects and the remedial action taken.
    """

    class Kind(models.TextChoices):
        VULNERABILITY = "vulnerability", _("Vulnerability report")
        INCIDENT = "incident", _("Security incident")

    class Source(models.TextChoices):
        PUBLIC_REPORT = "public_report", _("Public report page (/security/report/)")
        STAFF = "staff", _("Recorded by staff")
        CUSTOMER = "customer", _("Reported by a customer")
        SERVICE_PROVIDER = "service_provider", _("Reported by a service provider")

    class Risk(models.TextChoices):
        NO_RISK = NO_RISK, _("Unlikely to result in a risk (no notification, Art. 33(1))")
        RISK = RISK, _("Risk to rights and freedoms (notify the authority)")
        HIGH_RISK = HIGH_RISK, _("High risk (also tell the people affected, Art. 34)")

    class Art34Exception(models.TextChoices):
        UNINTELLIGIBLE = "a", _("Art. 34(3)(a): the data was unintelligible (e.g. encrypted)")
        MEASURES_TAKEN = "b", _("Art. 34(3)(b): later measures mean the high risk is gone")
        PUBLIC_NOTICE = "c", _("Art. 34(3)(c): disproportionate effort; public communication")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.INCIDENT)
    source = models.CharField(_("reported through"), max_length=20, choices=Source.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=STATE_CHOICES, default=State.REPORTED
    )
    title = models.CharField(
        _("short title"),
        max_length=200,
        help_text=_("A few words, without names or e-mail addresses (it appears in reminders)."),
    )
    description = models.TextField(_("what happened"))
    reporter_name = EncryptedContactCharField(_("reporter's name"), max_length=200, blank=True)
    reporter_email = EncryptedSearchableCharField(
        _("reporter's e-mail"), max_length=254, blank=True, blind_index_field="reporter_email_index"
    )
    reporter_email_index = BlindIndexField(
        _("search hash of the reporter's e-mail"), source="reporter_email"
    )
    reporter_subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_incidents",
        verbose_name=_("reporter in our records"),
    )
    reported_at = models.DateTimeField(_("reported"), default=timezone.now)
    started_at = models.DateTimeField(_("incident started"), null=True, blank=True)
    discovered_at = models.DateTimeField(_("discovered"), null=True, blank=True)
    aware_at = models.DateTimeField(
        _("company became aware"),
        null=True,
        blank=True,
        help_text=_(
            "The start of the 72-hour clock (Art. 33(1)): when the company became "
            "reasonably certain that personal data was affected. Recorded by Legal at triage."
        ),
    )
    aware_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("awareness recorded by"),
    )
    aware_recorded_at = models.DateTimeField(_("awareness recorded"), null=True, blank=True)
    authority_deadline = models.DateTimeField(
        _("notify the authority by"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("72 elapsed hours after awareness (weekends and holidays count)."),
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="handled_incidents",
        verbose_name=_("handled by"),
    )
    data_elements = models.ManyToManyField(
        "inventory.DataElement",
        blank=True,
        related_name="incidents",
        verbose_name=_("categories of personal data concerned"),
        help_text=_("From the record of processing (Art. 33(3)(a))."),
    )
    subject_categories = models.CharField(
        _("categories of data subjects"), max_length=300, blank=True
    )
    approx_subjects = models.PositiveIntegerField(
        _("approximate number of data subjects"), null=True, blank=True
    )
    approx_records = models.PositiveBigIntegerField(
        _("approximate number of records"), null=True, blank=True
    )
    likely_consequences = models.TextField(_("likely consequences"), blank=True)
    measures_taken = models.TextField(_("measures taken"), blank=True)
    measures_proposed = models.TextField(_("measures proposed"), blank=True)
    risk = models.CharField(
        _("risk to the people affected"), max_length=12, blank=True, choices=Risk.choices
    )
    risk_reasoning = models.TextField(_("why this risk level"), blank=True)
    risk_assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("risk assessed by"),
    )
    risk_assessed_at = models.DateTimeField(_("risk assessed"), null=True, blank=True)
    authority_notified_at = models.DateTimeField(
        _("authority first notified"), null=True, blank=True
    )
    delay_reasons = models.TextField(
        _("reasons for notifying after 72 hours"),
        blank=True,
        help_text=_("Required when the authority is notified late (Art. 33(1))."),
    )
    art34_exception = models.CharField(
        _("exception from telling the people affected"),
        max_length=1,
        blank=True,
        choices=Art34Exception.choices,
    )
    art34_exception_reason = models.TextField(_("why the exception applies"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents (Art. 33(5) register)")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["state", "authority_deadline"], name="incidents_state_deadline"),
            models.Index(fields=["kind"], name="incidents_kind"),
            models.Index(fields=["source"], name="incidents_source"),
            models.Index(fields=["risk"], name="incidents_risk"),
            models.Index(fields=["-reported_at"], name="incidents_reported"),
            models.Index(fields=["title"], name="incidents_title"),
            models.Index(fields=["reporter_email_index"], name="incidents_reporter"),
        ]

    def __str__(self) -> str:
        return f"{self.reference}: {self.title}"

    @property
    def reference(self) -> str:
        return f"INC-{self.pk:05d}" if self.pk else "INC-new"

    @property
    def is_open(self) -> bool:
        return self.state not in (State.CLOSED,)

    @property
    def is_breach(self) -> bool:
        return self.state in BREACH_STATES or (
            self.state == State.CLOSED and self.aware_at is not None
        )

    def hours_left(self, now: datetime.datetime | None = None) -> int | None:
        """Whole hours left to notify the authority; None when no clock runs."""
        if self.aware_at is None or self.authority_notified_at is not None:
            return None
        return clock.whole_hours_left(self.aware_at, now or timezone.now())


class IncidentEvent(models.Model):
    """One entry of an incident's timeline. Append-only: never changed, never deleted."""

    class Kind(models.TextChoices):
        REPORTED = "reported", _("Reported")
        TRANSITION = "transition", _("State changed")
        AWARENESS = "awareness", _("Awareness recorded (clock started)")
        FACTS = "facts", _("Register facts updated")
        SCOPE = "scope", _("Affected data counted")
        RISK = "risk", _("Risk assessed")
        LEGAL_HOLD = "legal_hold", _("Legal hold placed")
        AUTHORITY = "authority", _("Authority notification")
        CUSTOMER = "customer", _("Customer notified (processor)")
        CUSTOMER_ACK = "customer_ack", _("Customer acknowledged")
        SUBJECTS = "subjects", _("People affected told (Art. 34)")
        ART34_EXCEPTION = "art34_exception", _("Art. 34(3) exception recorded")
        REMINDER = "reminder", _("Clock reminder sent")
        ESCALATION = "escalation", _("Overdue: escalated to Legal")
        NOTE = "note", _("Note")

    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="events", verbose_name=_("incident")
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
        help_text=_("Empty when the system or the reporter did it."),
    )
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("incident timeline entry")
        verbose_name_plural = _("incident timeline")
        ordering = ["incident_id", "at", "id"]
        indexes = [
            models.Index(fields=["incident", "at"], name="incidents_event_incident_at"),
            models.Index(fields=["kind", "-at"], name="incidents_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference} {self.at:%Y-%m-%d %H:%M}: {self.get_kind_display()}"


class AffectedData(models.Model):
    """One kind of record an incident touches, counted from the data by the scope builder."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="affected", verbose_name=_("incident")
    )
    registration = models.CharField(
        _("kind of record"), max_length=100, help_text=_("A registered kind of personal data.")
    )
    title = models.CharField(_("records"), max_length=200)
    category = models.CharField(_("information category"), max_length=40)
    role = models.CharField(_("the company acts as"), max_length=12, choices=Role.choices)
    account = models.ForeignKey(
        "subjects.Account",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incident_scopes",
        verbose_name=_("only this account"),
    )
    data_element = models.ForeignKey(
        "inventory.DataElement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only this data element"),
    )
    window_start = models.DateTimeField(_("from"), null=True, blank=True)
    window_end = models.DateTimeField(_("until"), null=True, blank=True)
    records = models.PositiveBigIntegerField(_("records counted"))
    subjects = models.PositiveBigIntegerField(_("data subjects counted"))
    accounts = models.JSONField(_("accounts (customers) concerned"), default=list, blank=True)
    counted_at = models.DateTimeField(_("counted"), default=timezone.now)

    class Meta:
        verbose_name = _("affected data")
        verbose_name_plural = _("affected data")
        ordering = ["incident_id", "role", "registration", "id"]
        indexes = [
            models.Index(fields=["incident", "role"], name="incidents_affected_role"),
            models.Index(fields=["registration"], name="incidents_affected_reg"),
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.title} ({self.records} records)"


class ClockReminder(models.Model):
    """A reminder of the 72-hour clock that went out: at most one per incident, mark and clock."""

    class Mark(models.TextChoices):
        H24 = "24h", _("24 hours elapsed")
        H48 = "48h", _("48 hours elapsed")
        H66 = "66h", _("66 hours elapsed (6 left)")
        OVERDUE = "overdue", _("Overdue")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("incident")
    )
    mark = models.CharField(_("reminder"), max_length=10, choices=Mark.choices)
    deadline = models.DateTimeField(_("deadline it was about"))
    recipients = models.JSONField(_("sent to (staff)"), default=list)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("clock reminder")
        verbose_name_plural = _("clock reminders")
        ordering = ["-sent_at", "-id"]
        indexes = [models.Index(fields=["mark"], name="incidents_reminder_mark")]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "mark", "deadline"], name="incidents_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident.reference}: {self.get_mark_display()}"
