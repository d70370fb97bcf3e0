"""The people the company holds data about, their contact points, and the history of staff
changes to their details."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core.erasure import masked
from privacyops.security.encryption import (
    BlindIndexField,
    EncryptedContactTextField,
    EncryptedSearchableCharField,
    blind_index,
)

ADULT_AGE = 18  # the policy: "not intended for children under the age of 18"


class AgeBand(models.TextChoices):
    UNKNOWN = "", _("Not declared")
    UNDER_16 = "under_16", _("Under 16")
    AGE_16_17 = "16_17", _("16 or 17")
    ADULT = "18_plus", _("18 or over")


MINOR_AGE_BANDS = (AgeBand.UNDER_16, AgeBand.AGE_16_17)


def normalise_email(email: str | None) -> str:
    """How an e-mail address is stored and compared: no surrounding spaces, lower case.

    The one definition (`privacyops.subjects.selectors.normalise_email` is this function); the
    blind index of an encrypted contact point folds case itself, so a lookup finds the address
    however it was typed.
    """
    return (email or "").strip().lower()


def adult_birth_date_cutoff(today: datetime.date) -> datetime.date:
    """Anyone born after this day is under 18 today."""
    try:
        return today.replace(year=today.year - ADULT_AGE)
    except ValueError:  # 29 February
        return today.replace(year=today.year - ADULT_AGE, day=28)


def minors_q(today: datetime.date) -> Q:
    return Q(birth_date__gt=adult_birth_date_cutoff(today)) | Q(age_band__in=MINOR_AGE_BANDS)


class DataSubject(models.Model):
    """A natural person the company holds personal data about."""

    class Kind(models.TextChoices):
        VISITOR = "visitor", _("Visitor")
        LEAD = "lead", _("Lead")
        TRIAL_USER = "trial_user", _("Trial user")
        CUSTOMER_CONTACT = "customer_contact", _("Customer contact")
        NEWSLETTER_SUBSCRIBER = "newsletter_subscriber", _("Newsletter subscriber")
        CUSTOMER_END_USER = "customer_end_user", _("Customer's end user")

    kind = models.CharField(_("kind of data subject"), max_length=30, choices=Kind.choices)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True, help_text=_("Job title."))
    login_name = models.CharField(
        _("login account name"),
        max_length=150,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The account name this person logs into the Applications with."),
    )
    # The connected system's own identifier (the CRM's contact id), one per source: how the
    # API's upsert finds the person again and how webhooks name the person to that system.
    external_source = models.CharField(
        _("source system"),
        max_length=100,
        blank=True,
        help_text=_("The connected system (API client) whose identifier this is, e.g. “CRM”."),
    )
    external_id = models.CharField(
        _("identifier in the source system"),
        max_length=100,
        blank=True,
        help_text=_("The source system's own id of this person (unique per source)."),
    )
    birth_date = models.DateField(_("declared birth date"), null=True, blank=True)
    age_band = models.CharField(
        _("declared age band"), max_length=10, choices=AgeBand.choices, blank=True
    )
    created_at = models.DateTimeField(_("first recorded"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    # The months the subject's activity events lie in (models/activity_bounds.py): lookups of
    # their events read only those months' partitions. Kept by every write of an event.
    activity_from = models.DateTimeField(
        _("activity recorded from"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The start of the month of this person's earliest activity event."),
    )
    activity_until = models.DateTimeField(
        _("activity recorded until"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The start of the month after this person's latest activity event."),
    )
    erased_at = models.DateTimeField(
        _("erased"),
        null=True,
        blank=True,
        help_text=_(
            "Set when the subject's personal data was erased; the row stays as a tombstone."
        ),
    )
    processing_restricted_at = models.DateTimeField(
        _("processing restricted since"),
        null=True,
        blank=True,
        help_text=_("GDPR Art. 18: while set, the data is only stored; jobs and exports skip it."),
    )

    class Meta:
        verbose_name = _("data subject")
        verbose_name_plural = _("data subjects")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "-created_at"], name="subjects_kind_created"),
            models.Index(fields=["full_name"], name="subjects_full_name"),
            models.Index(fields=["birth_date"], name="subjects_birth_date"),
            models.Index(fields=["age_band"], name="subjects_age_band"),
            models.Index(fields=["last_activity_at"], name="subjects_last_activity"),
            models.Index(fields=["-created_at", "-id"], name="subjects_created_order"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~Q(external_id=""),
                name="subjects_external_id_per_source",
            )
        ]

    def __str__(self) -> str:
        login = self.login_name or ""
        if "@" in login:  # a login that is an e-mail address is shown masked
            login = masked(login)
        return self.full_name or login or f"Data subject #{self.pk}"

    def is_minor(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        if self.birth_date:
            return self.birth_date > adult_birth_date_cutoff(today)
        return self.age_band in MINOR_AGE_BANDS


class ContactPoint(models.Model):
    """An e-mail address, telephone number or postal address of a data subject."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail address")
        PHONE = "phone", _("Telephone number")
        POSTAL = "postal", _("Postal address")

    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.CASCADE,
        related_name="contact_points",
        verbose_name=_("data subject"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Encrypted at rest; found and kept unique through its keyed hash (docs/security.md).
    value = EncryptedSearchableCharField(
        _("value"), max_length=500, blind_index_field="value_index"
    )
    value_index = BlindIndexField(_("search hash of the value"), source="value")
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["subject_id", "kind", "-is_primary", "id"]
        indexes = [models.Index(fields=["kind", "value_index"], name="subjects_contact_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "kind"],
                condition=Q(is_primary=True),
                name="subjects_one_primary_contact_per_kind",
            ),
            models.UniqueConstraint(
                fields=["subject", "kind", "value_index"], name="subjects_contact_unique"
            ),
        ]

    def __str__(self) -> str:
        # Masked: the admin log and the access log keep this text (m•••@example.com).
        return f"{self.get_kind_display()}: {masked(self.value)}"

    def save(self, *args, **kwargs):
        if self.kind == self.Kind.EMAIL:
            self.value = normalise_email(self.value)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "value" in update_fields:
            kwargs["update_fields"] = {*update_fields, "value_index"}
        super().save(*args, **kwargs)

    def validate_constraints(self, exclude=None):
        # The uniqueness of a value is enforced on its keyed hash, which a form never edits:
        # compute it here so a duplicate is a form error, not a database error.
        if self.kind == self.Kind.EMAIL and self.value:
            self.value = normalise_email(self.value)
        self.value_index = blind_index(self.value)
        if exclude and "value" not in exclude:
            exclude = set(exclude) - {"value_index"}
        super().validate_constraints(exclude=exclude)


class PersonalDataChange(models.Model):
    """Evidence of a staff change to a data subject's personal details (append-only): who
    changed which details of whom, and when, never the values in clear (names of the details,
    before and after masked for readers and encrypted at rest). Written by subjects/services.py.
    """

    class Kind(models.TextChoices):
        SUBJECT_RECORDED = "subject_recorded", _("Data subject recorded")
        SUBJECT_CHANGED = "subject_changed", _("Data subject's details changed")
        CONTACT_ADDED = "contact_added", _("Contact point added")
        CONTACT_CHANGED = "contact_changed", _("Contact point changed")
        CONTACT_REMOVED = "contact_removed", _("Contact point removed")

    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.CASCADE,
        related_name="personal_data_changes",
        verbose_name=_("data subject"),
    )
    kind = models.CharField(_("change"), max_length=20, choices=Kind.choices)
    contact_kind = models.CharField(
        _("kind of contact point"), max_length=10, choices=ContactPoint.Kind.choices, blank=True
    )
    fields = models.JSONField(_("details changed"), default=list, help_text=_("Their names only."))
    masked_values = models.JSONField(
        _("before → after (masked)"),
        null=True,
        blank=True,
        help_text=_("For each detail, its old and new value as a reader of the history sees them."),
    )
    values = EncryptedContactTextField(
        _("before → after (encrypted)"),
        blank=True,
        help_text=_("The old and new values, encrypted at rest: the proof, never shown in lists."),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="personal_data_changes_made",
        verbose_name=_("changed by"),
        help_text=_("Empty for a spreadsheet import run outside the admin (a script)."),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)

    class Meta:
        verbose_name = _("personal-data change")
        verbose_name_plural = _("personal-data change history")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-changed_at"], name="subjects_pdchange_subject"),
        ]

    def __str__(self) -> str:
        # A reference, never a value: read by more people than the detail itself.
        return f"{self.get_kind_display()} of data subject #{self.subject_id}"
