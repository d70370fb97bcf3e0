"""Named processors and vendors under each recipient category (Art. 28, Art. 30(1)(d)) and
where their data goes (Chapter V, Art. 44-49)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import transfers
from .record import DataElement, ProcessingActivity, RecipientCategory

__all__ = ["AdequacyDecision", "Vendor"]

country_code = RegexValidator(r"^[A-Z]{2}$", "Two capital letters (ISO 3166-1), e.g. BG, US, JP.")


class AdequacyDecision(models.Model):
    """A Commission decision that a country, territory or framework protects data adequately
    (Art. 45). Reference data: Legal keeps it current as decisions are adopted or struck down."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    country = models.CharField(
        _("country (ISO code)"),
        max_length=2,
        validators=[country_code],
        db_index=True,
        help_text=_("Two capital letters, e.g. JP for Japan, US for the United States."),
    )
    name = models.CharField(_("country, territory or framework"), max_length=200)
    scope = models.CharField(
        _("scope"),
        max_length=300,
        blank=True,
        help_text=_(
            "Whom the decision covers when not the whole country, e.g. 'organisations "
            "certified under the EU-US Data Privacy Framework'."
        ),
    )
    decision = models.CharField(
        _("decision"), max_length=200, help_text=_("The Commission decision, e.g. (EU) 2019/419.")
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    in_force = models.BooleanField(
        _("in force"),
        default=True,
        db_index=True,
        help_text=_(
            "Untick when the decision is repealed or annulled: transfers relying on it "
            "are then refused until another mechanism is recorded."
        ),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("adequacy decision")
        verbose_name_plural = _("adequacy decisions (Art. 45)")
        ordering = ["name"]
        indexes = [models.Index(fields=["name"], name="inventory_adequacy_name")]

    def __str__(self) -> str:
        return f"{self.name} — {self.decision}"


class Vendor(models.Model):
    """A named recipient: a processor, sub-processor or other third party we share data with."""

    class TransferMechanism(models.TextChoices):
        ADEQUACY = transfers.ADEQUACY, transfers.MECHANISM_LABELS[transfers.ADEQUACY]
        SCC = transfers.SCC, transfers.MECHANISM_LABELS[transfers.SCC]
        BCR = transfers.BCR, transfers.MECHANISM_LABELS[transfers.BCR]
        DEROGATION = transfers.DEROGATION, transfers.MECHANISM_LABELS[transfers.DEROGATION]

    recipient_category = models.ForeignKey(
        RecipientCategory,
        on_delete=models.PROTECT,
        related_name="vendors",
        verbose_name=_("recipient category"),
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    service = models.CharField(
        _("service provided"),
        max_length=300,
        help_text=_("What they do for us, e.g. 'cloud hosting'."),
    )
    contact = models.TextField(
        _("privacy contact"),
        blank=True,
        help_text=_("The vendor's privacy or legal address (a role address, not a named person)."),
    )
    country = models.CharField(
        _("country the data goes to"),
        max_length=2,
        blank=True,
        validators=[country_code],
        db_index=True,
        help_text=_(
            "Where the vendor processes or accesses the data (ISO code, e.g. DE, US). "
            "Outside the EEA a transfer mechanism is required."
        ),
    )
    data_elements = models.ManyToManyField(
        DataElement, related_name="vendors", verbose_name=_("data elements received"), blank=True
    )
    activities = models.ManyToManyField(
        ProcessingActivity,
        related_name="vendors",
        verbose_name=_("processing activities served"),
        blank=True,
    )
    is_sub_processor = models.BooleanField(
        _("sub-processor"),
        default=False,
        db_index=True,
        help_text=_(
            "Processes Customer-Generated Data on our behalf while we act as processor "
            "(Art. 28(2), (4)): customers must be told of it."
        ),
    )
    listed_publicly = models.BooleanField(
        _("shown on the public sub-processor page"),
        default=False,
        db_index=True,
        help_text=_(
            "Legal ticks this once the vendor may be named publicly at /privacy/sub-processors/."
        ),
    )
    # The data processing agreement (Art. 28(3)). The file lives under PRIVATE_STORAGE_ROOT and
    # is served only through the admin, to staff who may view vendors.
    dpa_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    dpa_stored_as = models.CharField(
        _("agreement stored as"),
        max_length=200,
        blank=True,
        editable=False,
        help_text=_("File name under the private storage folder (not reachable by URL)."),
    )
    dpa_filename = models.CharField(_("agreement file name"), max_length=200, blank=True)
    dpa_sha256 = models.CharField(_("SHA-256 of the agreement"), max_length=64, blank=True)
    dpa_next_review_on = models.DateField(
        _("next review of the agreement"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Legal is reminded ahead of this day by the scheduled job."),
    )
    review_reminded_for = models.DateField(
        _("reminder sent for the review of"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The review date Legal was last reminded of: one reminder per review date."),
    )
    transfer_mechanism = models.CharField(
        _("transfer mechanism"),
        max_length=20,
        choices=TransferMechanism.choices,
        blank=True,
        db_index=True,
        help_text=_("Empty inside the EEA; required outside it (Art. 44-49)."),
    )
    adequacy_decision = models.ForeignKey(
        AdequacyDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vendors",
        verbose_name=_("adequacy decision relied on"),
    )
    scc_module = models.CharField(
        _("module of the standard contractual clauses"),
        max_length=1,
        choices=list(transfers.SCC_MODULES.items()),
        blank=True,
    )
    bcr_reference = models.CharField(
        _("binding corporate rules approval"),
        max_length=300,
        blank=True,
        help_text=_("The approving lead authority and its decision."),
    )
    derogation = models.CharField(
        _("Art. 49 derogation"),
        max_length=12,
        choices=list(transfers.DEROGATIONS.items()),
        blank=True,
    )
    derogation_reason = models.TextField(_("why the derogation applies"), blank=True)
    supplementary_measures = models.TextField(
        _("supplementary measures"),
        blank=True,
        help_text=_("Encryption, pseudonymisation and the transfer impact assessment's outcome."),
    )
    description = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("vendor or processor")
        verbose_name_plural = _("vendors and processors (Art. 28)")
        ordering = ["name"]
        indexes = [models.Index(fields=["service"], name="inventory_vendor_service")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_transfer(self) -> bool:
        """Whether the data leaves the EEA (a transfer under Chapter V)."""
        return bool(self.country) and not transfers.in_eea(self.country)

    def transfer_problems(self) -> dict[str, str]:
        decision = self.adequacy_decision if self.adequacy_decision_id else None
        return transfers.transfer_errors(
            country=self.country,
            mechanism=self.transfer_mechanism,
            adequacy_country=decision.country if decision else None,
            adequacy_in_force=bool(decision and decision.in_force),
            scc_module=self.scc_module,
            bcr_reference=self.bcr_reference,
            derogation=self.derogation,
            derogation_reason=self.derogation_reason,
        )

    def clean_fields(self, exclude=None) -> None:
        self.country = (self.country or "").strip().upper()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        super().clean()
        problems = self.transfer_problems()
        if problems:
            raise ValidationError(problems)

    def safeguard(self) -> str:
        """The safeguard in words, as the record and the access package print it."""
        if not self.country:
            return "Destination not yet recorded"
        if not self.is_transfer:
            return "No transfer: the data stays in the EEA"
        problems = self.transfer_problems()
        if problems:
            # E.g. the adequacy decision relied on was repealed after the vendor was recorded.
            return "No valid safeguard: " + " ".join(problems.values())
        mechanism = self.transfer_mechanism
        if mechanism == transfers.ADEQUACY and self.adequacy_decision_id:
            return f"Adequacy decision: {self.adequacy_decision}"
        if mechanism == transfers.SCC:
            return (
                f"{transfers.MECHANISM_LABELS[mechanism]}, "
                f"{transfers.SCC_MODULES.get(self.scc_module, 'module not recorded')}"
            )
        if mechanism == transfers.BCR:
            return f"{transfers.MECHANISM_LABELS[mechanism]}: {self.bcr_reference}"
        if mechanism == transfers.DEROGATION:
            ground = transfers.DEROGATIONS.get(self.derogation, "ground not recorded")
            return f"{ground}. {self.derogation_reason}".strip()
        return "No transfer mechanism recorded"
