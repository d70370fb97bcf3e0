"""What /.well-known/security.txt says (RFC 9116): one row, edited by Legal."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SecurityTxt(models.Model):
    """The published security.txt. Its `Expires` is renewed by beat while the text is reviewed."""

    contact = models.TextField(
        _("contact"),
        help_text=_("One URI a line (mailto:, https:); the report page comes first."),
    )
    policy_url = models.URLField(
        _("policy"), help_text=_("Where the security policy is published.")
    )
    preferred_languages = models.CharField(
        _("preferred languages"), max_length=100, default="en, bg", help_text=_("RFC 5646 tags.")
    )
    canonical_url = models.URLField(_("canonical address of this file"))
    expires_at = models.DateTimeField(_("expires"))
    auto_renew = models.BooleanField(
        _("renew automatically"),
        default=True,
        help_text=_("Beat moves the expiry forward while the text was reviewed within a year."),
    )
    reviewed_at = models.DateTimeField(_("last reviewed by Legal"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    expiry_warned_for = models.DateTimeField(
        _("Legal warned about the expiry of"), null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("security.txt")
        verbose_name_plural = _("security.txt")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"security.txt (expires {self.expires_at:%Y-%m-%d})"

    @property
    def contacts(self) -> list[str]:
        return [line.strip() for line in self.contact.splitlines() if line.strip()]
