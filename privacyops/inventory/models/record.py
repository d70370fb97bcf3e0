"""The record of processing activities (GDPR Art. 30) and the policy it is published under."""

from django.db import models


class ProcessingRole(models.TextChoices):
    CONTROLLER = "controller", "Controller (we decide why and how)"
    PROCESSOR = "processor", "Processor (on a customer's instructions)"


class InformationCategory(models.Model):
    """One of the policy's kinds of information: Personal, Other, Customer-Generated."""

    class Collection(models.TextChoices):
        ACTIVE = "active", "Actively submitted by the person"
        AUTOMATIC = "automatic", "Collected automatically"
        HOSTED = "hosted", "Submitted by customers for hosting"

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("name", max_length=120, unique=True)
    collection = models.CharField("how it is collected", max_length=20, choices=Collection.choices)
    role = models.CharField(
        "our role",
        max_length=20,
        choices=ProcessingRole.choices,
        default=ProcessingRole.CONTROLLER,
    )
    description = models.TextField("description", blank=True)
    policy_text = models.TextField(
        "what the privacy policy says",
        blank=True,
        help_text="The policy's own words, so the record can be checked against it.",
    )

    class Meta:
        verbose_name = "information category"
        verbose_name_plural = "information categories"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DataElement(models.Model):
    """A single kind of datum the company holds, such as an e-mail address or an IP address."""

    category = models.ForeignKey(
        InformationCategory,
        on_delete=models.PROTECT,
        related_name="elements",
        verbose_name="information category",
    )
    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("name", max_length=120)
    description = models.TextField("description", blank=True)
    identifies_directly = models.BooleanField(
        "identifies a person directly",
        default=False,
        help_text="Tick for names, e-mail addresses, phone numbers; not for e.g. browser type.",
    )

    class Meta:
        verbose_name = "data element"
        verbose_name_plural = "data elements"
        ordering = ["category__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["category", "name"], name="inventory_element_unique")
        ]

    def __str__(self) -> str:
        return self.name


class CollectionSource(models.Model):
    """Where information comes from: a purchase, a web form, a visit to the Sites ..."""

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("name", max_length=120, unique=True)
    collection = models.CharField(
        "how it is collected", max_length=20, choices=InformationCategory.Collection.choices
    )
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "collection source"
        verbose_name_plural = "collection sources"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Purpose(models.Model):
    """Why information is processed, and the GDPR Art. 6(1) basis that makes it lawful."""

    class LegalBasis(models.TextChoices):
        CONSENT = "consent", "Consent — Art. 6(1)(a)"
        CONTRACT = "contract", "Performance of a contract — Art. 6(1)(b)"
        LEGAL_OBLIGATION = "legal_obligation", "Legal obligation — Art. 6(1)(c)"
        VITAL_INTERESTS = "vital_interests", "Vital interests — Art. 6(1)(d)"
        PUBLIC_TASK = "public_task", "Public task — Art. 6(1)(e)"
        LEGITIMATE_INTERESTS = "legitimate_interests", "Legitimate interests — Art. 6(1)(f)"

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("name", max_length=200, unique=True)
    legal_basis = models.CharField(
        "legal basis", max_length=30, choices=LegalBasis.choices, db_index=True
    )
    legitimate_interest = models.TextField(
        "legitimate interest pursued",
        blank=True,
        help_text="Required when the basis is legitimate interests (Art. 13(1)(d)).",
    )
    description = models.TextField("description", blank=True)

    class Meta:
        verbose_name = "purpose of processing"
        verbose_name_plural = "purposes of processing"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RecipientCategory(models.Model):
    """A category of recipients to whom information is disclosed (Art. 30(1)(d))."""

    class Kind(models.TextChoices):
        BUSINESS_PARTNER = "business_partner", "Business partners"
        SERVICE_PROVIDER = "service_provider", "Service providers (processors)"
        AFFILIATE = "affiliate", "Affiliates"
        ACQUIRER = "acquirer", "Prospective or actual acquirers"
        AUTHORITY = "authority", "Public authorities and courts"
        OTHER = "other", "Other third parties"

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("name", max_length=200, unique=True)
    kind = models.CharField("kind", max_length=30, choices=Kind.choices, db_index=True)
    description = models.TextField("description", blank=True)
    third_country_transfer = models.BooleanField(
        "transfers outside the EEA",
        default=False,
        help_text="Tick when data goes to a country outside the EEA (Art. 30(1)(e)).",
    )
    transfer_safeguards = models.TextField("transfer safeguards", blank=True)

    class Meta:
        verbose_name = "recipient category"
        verbose_name_plural = "recipient categories"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProcessingActivity(models.Model):
    """One line of the Art. 30 record: what is done with which data, why, for how long."""

    code = models.SlugField("code", max_length=60, unique=True)
    name = models.CharField("name", max_length=200, unique=True)
    description = models.TextField("description", blank=True)
    role = models.CharField(
        "our role",
        max_length=20,
        choices=ProcessingRole.choices,
        default=ProcessingRole.CONTROLLER,
        db_index=True,
    )
    data_subject_categories = models.CharField(
        "categories of data subjects",
        max_length=300,
        help_text="For example: visitors, leads, trial users, customer contacts.",
    )
    purposes = models.ManyToManyField(Purpose, related_name="activities", verbose_name="purposes")
    data_elements = models.ManyToManyField(
        DataElement, related_name="activities", verbose_name="personal data processed"
    )
    sources = models.ManyToManyField(
        CollectionSource, related_name="activities", verbose_name="sources", blank=True
    )
    recipients = models.ManyToManyField(
        RecipientCategory, related_name="activities", verbose_name="recipients", blank=True
    )
    retention_period = models.CharField(
        "retention period",
        max_length=300,
        help_text="In words, as the record states it, e.g. 'account lifetime + 24 months'.",
    )
    retention_months = models.PositiveIntegerField(
        "retention after the clock starts (months)",
        null=True,
        blank=True,
        help_text="Empty when retention depends on a customer's instructions.",
    )
    security_measures = models.TextField("technical and organisational measures", blank=True)
    is_active = models.BooleanField("in operation", default=True, db_index=True)
    updated_at = models.DateTimeField("last reviewed", auto_now=True)

    class Meta:
        verbose_name = "processing activity"
        verbose_name_plural = "processing activities (Art. 30 record)"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """A published version of the privacy policy and the day it took effect."""

    version = models.CharField("version", max_length=40, unique=True)
    effective_from = models.DateField("effective from", unique=True)
    url = models.URLField("published at", blank=True)
    summary_of_changes = models.TextField("summary of changes", blank=True)
    text = models.TextField("full text", blank=True)
    material_change = models.BooleanField(
        "material change",
        default=False,
        db_index=True,
        help_text="Tick when the change matters to the people it covers: notices go to every "
        "customer account's contacts and to current subscribers before the effective date.",
    )

    class Meta:
        verbose_name = "privacy-policy version"
        verbose_name_plural = "privacy-policy versions"
        ordering = ["-effective_from"]
        get_latest_by = "effective_from"

    def __str__(self) -> str:
        return f"{self.version} (from {self.effective_from:%d %b %Y})"
