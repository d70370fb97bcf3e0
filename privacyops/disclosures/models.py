"""The disclosure log: every time a person's data left the company other than to its own
processors (legal process, law enforcement, debt collection, a sale or merger), and whether the
person's access package names it (Art. 15(1)(c)) or Legal withheld it, and why."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.inventory.models import DataElement
from privacyops.security.encryption import EncryptedContactTextField
from privacyops.subjects.models import Account, DataSubject


class Disclosure(models.Model):
    """One disclosure: to whom, when, on what basis or order, which data, about whom, approved
    by whom. Evidence: never deleted; only whether the access package shows it changes."""

    class RecipientKind(models.TextChoices):
        LAW_ENFORCEMENT = "law_enforcement", _("Law enforcement")
        COURT = "court", _("Court or other legal process")
        AUTHORITY = "authority", _("Regulator or other public authority")
        DEBT_COLLECTION = "debt_collection", _("Debt collection")
        TRANSACTION = "transaction", _("Sale, merger or acquisition")
        OTHER = "other", _("Other third party")

    class LegalBasis(models.TextChoices):
        COURT_ORDER = "court_order", _("Court order, warrant or subpoena")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation — Art. 6(1)(c)")
        LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests — Art. 6(1)(f)")
        CONTRACT = "contract", _("Performance of a contract — Art. 6(1)(b)")
        CONSENT = "consent", _("Consent — Art. 6(1)(a)")
        VITAL_INTERESTS = "vital_interests", _("Vital interests — Art. 6(1)(d)")

    recipient = models.CharField(
        _("disclosed to"),
        max_length=200,
        help_text=_("The authority, court, agency or company (not a named person)."),
    )
    recipient_kind = models.CharField(
        _("kind of recipient"), max_length=20, choices=RecipientKind.choices
    )
    disclosed_on = models.DateField(_("disclosed on"), default=timezone.localdate)
    legal_basis = models.CharField(_("legal basis"), max_length=30, choices=LegalBasis.choices)
    order_reference = EncryptedContactTextField(
        _("order or request"),
        blank=True,
        help_text=_("The order, warrant or written request, with its reference."),
    )
    description = EncryptedContactTextField(
        _("what was disclosed and why"), blank=True, help_text=_("Encrypted at rest.")
    )
    data_elements = models.ManyToManyField(
        DataElement, related_name="disclosures", verbose_name=_("data disclosed")
    )
    subjects = models.ManyToManyField(
        DataSubject,
        related_name="disclosures",
        verbose_name=_("data subjects"),
        blank=True,
        help_text=_("The people whose data was disclosed (an account's contacts are added)."),
    )
    accounts = models.ManyToManyField(
        Account, related_name="disclosures", verbose_name=_("accounts"), blank=True
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved by"),
    )
    withheld_from_access = models.BooleanField(
        _("withheld from access packages"),
        default=False,
        db_index=True,
        help_text=_(
            "Tick only where the law lets us withhold it (e.g. the confidentiality of an "
            "investigation) and give the reason: the decision is logged."
        ),
    )
    withheld_reason = EncryptedContactTextField(_("why it is withheld"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosure log")
        ordering = ["-disclosed_on", "-id"]
        indexes = [
            models.Index(fields=["-disclosed_on"], name="disclosures_on"),
            models.Index(fields=["recipient_kind"], name="disclosures_kind"),
            models.Index(fields=["legal_basis"], name="disclosures_basis"),
            models.Index(fields=["recipient"], name="disclosures_recipient"),
        ]

    def __str__(self) -> str:
        return f"Disclosure #{self.pk} to {self.recipient} ({self.disclosed_on:%Y-%m-%d})"


class DisclosureEvent(models.Model):
    """The disclosure's history: recorded, withheld from access packages, shown again."""

    class Kind(models.TextChoices):
        RECORDED = "recorded", _("Disclosure recorded")
        WITHHELD = "withheld", _("Withheld from access packages")
        SHOWN = "shown", _("Shown in access packages again")

    disclosure = models.ForeignKey(
        Disclosure, on_delete=models.PROTECT, related_name="events", verbose_name=_("disclosure")
    )
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    reason = EncryptedContactTextField(_("reason given"), blank=True)

    class Meta:
        verbose_name = _("disclosure event")
        verbose_name_plural = _("disclosure history")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["disclosure", "at"], name="disclosures_event_at"),
            models.Index(fields=["kind"], name="disclosures_event_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The disclosure history is append-only.")
        super().save(*args, **kwargs)
