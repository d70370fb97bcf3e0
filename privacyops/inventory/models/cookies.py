"""The cookie and tracking register: every cookie or identifier the Sites and Applications set,
who provides it, why, for how long. The public cookie declaration is generated from it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .record import ProcessingActivity, Purpose
from .vendors import Vendor

__all__ = ["DigitalProperty", "TrackingIdentifier"]


class DigitalProperty(models.Model):
    """A site or application the policy covers (www.infoserv.eu, the Mobile Application ...)."""

    class Kind(models.TextChoices):
        SITE = "site", _("Web site")
        APP = "app", _("Application")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, db_index=True)
    domain = models.CharField(
        _("domain"),
        max_length=200,
        blank=True,
        help_text=_("For a web site, e.g. www.infoserv.eu."),
    )

    class Meta:
        verbose_name = _("site or application")
        verbose_name_plural = _("sites and applications")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TrackingIdentifier(models.Model):
    """One cookie or other tracking identifier, as the cookie declaration lists it."""

    class Kind(models.TextChoices):
        COOKIE = "cookie", _("Cookie")
        LOCAL_STORAGE = "local_storage", _("Local storage")
        PIXEL = "pixel", _("Pixel or tag")
        SDK = "sdk", _("Application SDK identifier")

    class PurposeCategory(models.TextChoices):
        STRICTLY_NECESSARY = "strictly_necessary", _("Strictly necessary")
        FUNCTIONAL = "functional", _("Functional (preferences)")
        ANALYTICS = "analytics", _("Analytics (performance)")
        ADVERTISING = "advertising", _("Advertising and re-targeting")

    class Party(models.TextChoices):
        FIRST = "first", _("First party (set by us)")
        THIRD = "third", _("Third party (set by a provider)")

    digital_property = models.ForeignKey(
        DigitalProperty,
        on_delete=models.PROTECT,
        related_name="identifiers",
        verbose_name=_("site or application"),
    )
    name = models.CharField(_("cookie or identifier name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COOKIE)
    provider = models.ForeignKey(
        Vendor,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identifiers",
        verbose_name=_("provider"),
        help_text=_("The vendor who sets or reads it; empty when we set it ourselves."),
    )
    purpose_category = models.CharField(
        _("purpose"), max_length=20, choices=PurposeCategory.choices, db_index=True
    )
    party = models.CharField(
        _("first or third party"), max_length=10, choices=Party.choices, db_index=True
    )
    duration = models.CharField(
        _("duration"),
        max_length=100,
        help_text=_("As the declaration shows it, e.g. 'until the browser closes', '13 months'."),
    )
    activity = models.ForeignKey(
        ProcessingActivity,
        on_delete=models.PROTECT,
        related_name="tracking_identifiers",
        verbose_name=_("processing activity served"),
    )
    description = models.TextField(_("what it does"), blank=True)
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        db_index=True,
        help_text=_("Only identifiers in use are declared."),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("cookie or tracking identifier")
        verbose_name_plural = _("cookies and tracking identifiers")
        ordering = ["digital_property__name", "purpose_category", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["digital_property", "name"], name="inventory_identifier_unique"
            )
        ]
        indexes = [models.Index(fields=["name"], name="inventory_identifier_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.digital_property})"

    @property
    def needs_consent(self) -> bool:
        """Storing or reading anything on a device needs consent unless strictly necessary
        (ePrivacy Directive Art. 5(3))."""
        return self.purpose_category != self.PurposeCategory.STRICTLY_NECESSARY

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.party == self.Party.THIRD and not self.provider_id:
            errors["provider"] = "A third-party identifier is set by a provider: choose the vendor."
        if (
            self.purpose_category == self.PurposeCategory.ADVERTISING
            and self.activity_id
            and not self.activity.purposes.filter(legal_basis=Purpose.LegalBasis.CONSENT).exists()
        ):
            errors["activity"] = (
                "Advertising and re-targeting rely on consent: choose a processing activity whose "
                "purpose has consent as its legal basis."
            )
        if errors:
            raise ValidationError(errors)
