"""Customer accounts (license holders), who looks after them, who belongs to them, and the
history of license-holder changes."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.security.encryption import (
    EncryptedContactCharField,
    EncryptedContactEmailField,
    EncryptedContactTextField,
    EncryptedJSONDocumentField,
)

from .people import DataSubject


class Account(models.Model):
    """A customer company: the license holder of InfoServ services."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    account_number = models.CharField(_("account number"), max_length=40, unique=True)
    company_name = models.CharField(_("company name"), max_length=200)
    registration_number = models.CharField(_("registration no."), max_length=40, blank=True)
    vat_number = models.CharField(_("VAT no."), max_length=40, blank=True)
    billing_address = EncryptedContactTextField(_("billing address"), blank=True)
    license_holder = models.ForeignKey(
        DataSubject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="held_licenses",
        verbose_name=_("license-holder contact"),
    )
    license_holder_email = EncryptedContactEmailField(_("license-holder e-mail"), blank=True)
    license_holder_phone = EncryptedContactCharField(
        _("license-holder telephone"), max_length=50, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_at = models.DateField(_("opened"), default=datetime.date.today)
    closed_at = models.DateField(_("closed"), null=True, blank=True, db_index=True)
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="AccountAssignment",
        related_name="assigned_accounts",
        verbose_name=_("account representatives"),
        blank=True,
    )
    contacts = models.ManyToManyField(
        DataSubject,
        through="AccountContact",
        related_name="accounts",
        verbose_name=_("contacts"),
        blank=True,
    )

    class Meta:
        verbose_name = _("account (license holder)")
        verbose_name_plural = _("accounts (license holders)")
        ordering = ["company_name", "id"]
        indexes = [
            models.Index(fields=["company_name"], name="subjects_account_company"),
            models.Index(fields=["registration_number"], name="subjects_account_reg_no"),
            models.Index(fields=["vat_number"], name="subjects_account_vat"),
        ]

    def __str__(self) -> str:
        return f"{self.company_name} ({self.account_number})"

    def clean(self) -> None:
        super().clean()
        if self.status == self.Status.CLOSED and not self.closed_at:
            raise ValidationError({"closed_at": "A closed account needs the date it closed."})
        if self.status == self.Status.OPEN and self.closed_at:
            raise ValidationError({"closed_at": "An open account has no closing date."})


class AccountAssignment(models.Model):
    """Which account representative looks after which account."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("account")
    )
    representative = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_assignments",
        verbose_name=_("account representative"),
    )
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)

    class Meta:
        verbose_name = _("account assignment")
        verbose_name_plural = _("account assignments")
        # Without it a user sees only the accounts assigned to them (account representatives).
        permissions = [
            ("view_all_accounts", "Can see every account, not only the ones assigned to them")
        ]
        ordering = ["account_id", "representative_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "representative"], name="subjects_assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative} → {self.account}"


class AccountContact(models.Model):
    """A data subject's role at a customer account."""

    class Role(models.TextChoices):
        LICENSE_HOLDER = "license_holder", _("License holder")
        ADMINISTRATOR = "administrator", _("Administrator")
        USER = "user", _("User")
        BILLING = "billing", _("Billing contact")

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="account_contacts",
        verbose_name=_("account"),
    )
    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.CASCADE,
        related_name="account_contacts",
        verbose_name=_("data subject"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.USER)

    class Meta:
        verbose_name = _("account contact")
        verbose_name_plural = _("account contacts")
        ordering = ["account_id", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "subject", "role"], name="subjects_account_contact_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} — {self.get_role_display()} at {self.account}"


class LicenseHolderChange(models.Model):
    """Evidence of a change to an account's license-holder details (append-only)."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Telephone")
        POST = "post", _("Postal mail")
        MEETING = "meeting", _("In person")
        PORTAL = "portal", _("Management portal message")

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="license_changes", verbose_name=_("account")
    )
    requested_by = models.ForeignKey(
        DataSubject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="license_change_requests",
        verbose_name=_("requested by (customer contact)"),
    )
    channel = models.CharField(_("received by"), max_length=10, choices=Channel.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="license_changes_made",
        verbose_name=_("changed by"),
    )
    changed_at = models.DateTimeField(_("changed"), default=timezone.now, db_index=True)
    # Encrypted at rest: the before and after are license-holder e-mails and telephones.
    old_values = EncryptedJSONDocumentField(_("before"))
    new_values = EncryptedJSONDocumentField(_("after"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("license-holder change")
        verbose_name_plural = _("license-holder changes")
        ordering = ["-changed_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-changed_at"], name="subjects_lhchange_account"),
        ]

    def __str__(self) -> str:
        return f"{self.account} changed {self.changed_at:%Y-%m-%d %H:%M} by {self.made_by}"
