"""The record of processing activities (GDPR Art. 30) and the policy it is published under."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessingRole(models.TextChoices):
    CONTROLLER = "controller", _("Controller (we decide why and how)")
    PROCESSOR = "processor", _("Processor (on a customer's instructions)")


class InformationCategory(models.Model):
    """One of the policy's kinds of information: Personal, Other, Customer-Generated."""

    class Collection(models.TextChoices):
        ACTIVE = "active", _("Actively submitted by the person")
        AUTOMATIC = "automatic", _("Collected automatically")
        HOSTED = "hosted", _("Submitted by customers for hosting")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    collection = models.CharField(
        _("how it is collected"), max_length=20, choices=Collection.choices
    )
    role = models.CharField(
        _("our role"),
        max_length=20,
        choices=ProcessingRole.choices,
        default=ProcessingRole.CONTROLLER,
    )
    description = models.TextField(_("description"), blank=True)
    policy_text = models.TextField(
        _("what the privacy policy says"),
        blank=True,
        help_text=_("The policy's own words, so the record can be checked against it."),
    )

    class Meta:
        verbose_name = _("information category")
        verbose_name_plural = _("information categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DataElement(models.Model):
    """A single kind of datum the company holds, such as an e-mail address or an IP address."""

    category = models.ForeignKey(
        InformationCategory,
        on_delete=models.PROTECT,
        related_name="elements",
        verbose_name=_("information category"),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    identifies_directly = models.BooleanField(
        _("identifies a person directly"),
        default=False,
        help_text=_("Tick for names, e-mail addresses, phone numbers; not for e.g. browser type."),
    )

    class Meta:
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")
        ordering = ["category__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="inventory_element_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CollectionSource(models.Model):
    """Where information comes from: a purchase, a web form, a visit to the Sites ..."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    collection = models.CharField(
        _("how it is collected"), max_length=20, choices=InformationCategory.Collection.choices
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("collection source")
        verbose_name_plural = _("collection sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Purpose(models.Model):
    """Why information is processed, and the GDPR Art. 6(1) basis that makes it lawful."""

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", _("Consent — Art. 6(1)(a)")
        CONTRACT = "contract", _("Performance of a contract — Art. 6(1)(b)")
        LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation — Art. 6(1)(c)")
        VITAL_INTERESTS = "vital_interests", _("Vital interests — Art. 6(1)(d)")
        PUBLIC_TASK = "public_task", _("Public task — Art. 6(1)(e)")
        LEGITIMATE_INTERESTS = "legitimate_interests", _("Legitimate interests — Art. 6(1)(f)")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    legal_basis = models.CharField(
        _("legal basis"), max_length=30, choices=LegalBasis.choices, db_index=True
    )
    legitimate_interest = models.TextField(
        _("legitimate interest pursued"),
        blank=True,
        help_text=_("Required when the basis is legitimate interests (Art. 13(1)(d))."),
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("purpose of processing")
        verbose_name_plural = _("purposes of processing")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecipientCategory(models.Model):
    """A category of recipients to whom information is disclosed (Art. 30(1)(d))."""

    class Kind(models.TextChoices):
        BUSINESS_PARTNER = "business_partner", _("Business partners")
        SERVICE_PROVIDER = "service_provider", _("Service providers (processors)")
        AFFILIATE = "affiliate", _("Affiliates")
        ACQUIRER = "acquirer", _("Prospective or actual acquirers")
        AUTHORITY = "authority", _("Public authorities and courts")
        OTHER = "other", _("Other third parties")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    description = models.TextField(_("description"), blank=True)
    third_country_transfer = models.BooleanField(
        _("transfers outside the EEA"),
        default=False,
        help_text=_("Tick when data goes to a country outside the EEA (Art. 30(1)(e))."),
    )
    transfer_safeguards = models.TextField(_("transfer safeguards"), blank=True)

    class Meta:
        verbose_name = _("recipient category")
        verbose_name_plural = _("recipient categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProcessingActivity(models.Model):
    """One line of the Art. 30 record: what is done with which data, why, for how long."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    role = models.CharField(
        _("our role"),
        max_length=20,
        choices=ProcessingRole.choices,
        default=ProcessingRole.CONTROLLER,
        db_index=True,
    )
    data_subject_categories = models.CharField(
        _("categories of data subjects"),
        max_length=300,
        help_text=_("For example: visitors, leads, trial users, customer contacts."),
    )
    purposes = models.ManyToManyField(
        Purpose, related_name="activities", verbose_name=_("purposes")
    )
    data_elements = models.ManyToManyField(
        DataElement, related_name="activities", verbose_name=_("personal data processed")
    )
    sources = models.ManyToManyField(
        CollectionSource, related_name="activities", verbose_name=_("sources"), blank=True
    )
    recipients = models.ManyToManyField(
        RecipientCategory, related_name="activities", verbose_name=_("recipients"), blank=True
    )
    retention_period = models.CharField(
        _("retention period"),
        max_length=300,
        help_text=_("In words, as the record states it, e.g. 'account lifetime + 24 months'."),
    )
    retention_months = models.PositiveIntegerField(
        _("retention after the clock starts (months)"),
        null=True,
        blank=True,
        help_text=_("Empty when retention depends on a customer's instructions."),
    )
    security_measures = models.TextField(_("technical and organisational measures"), blank=True)
    is_active = models.BooleanField(_("in operation"), default=True, db_index=True)
    updated_at = models.DateTimeField(_("last reviewed"), auto_now=True)

    class Meta:
        verbose_name = _("processing activity")
        verbose_name_plural = _("processing activities (Art. 30 record)")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """A published version of the privacy policy and the day it took effect."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    effective_from = models.DateField(_("effective from"), unique=True)
    url = models.URLField(_("published at"), blank=True)
    summary_of_changes = models.TextField(_("summary of changes"), blank=True)
    text = models.TextField(_("full text"), blank=True)
    material_change = models.BooleanField(
        _("material change"),
        default=False,
        db_index=True,
        help_text=_(
            "Tick when the change matters to the people it covers: notices go to every "
            "customer account's contacts and to current subscribers before the effective date."
        ),
    )

    class Meta:
        verbose_name = _("privacy-policy version")
        verbose_name_plural = _("privacy-policy versions")
        ordering = ["-effective_from"]
        get_latest_by = "effective_from"

    def __str__(self) -> str:
        return f"{self.version} (from {self.effective_from:%d %b %Y})"
