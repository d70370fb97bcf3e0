"""Children (the policy: the services "are not intended for children under the age of 18, and
we do not knowingly collect personal information from children under the age of 18").

- `ChildDeclaration`: a requester said on the public form that they are under 18; the request
  is recorded as a child's request and the page for a parent or guardian was shown.
- `MinorAlert`: Legal was told, once, that a person under 18 was found in the records.
- `ChildErasure`: Legal decided to delete a child's data without a privacy request; the
  certificate of what was erased (never an erased value) and the reason.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .requests import PrivacyRequest


class ChildDeclaration(models.Model):
    request = models.OneToOneField(
        PrivacyRequest,
        on_delete=models.CASCADE,  # goes with the request when retention disposes of it
        related_name="child_declaration",
        verbose_name=_("privacy request"),
    )
    declared_at = models.DateTimeField(_("declared"), default=timezone.now, db_index=True)
    guardian_page_shown = models.BooleanField(
        _("page for a parent or guardian shown"),
        default=True,
        help_text=_("The requester was asked to have a parent or guardian act for them."),
    )

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = _("request by a child (declared under 18)")
        verbose_name_plural = _("requests by children (declared under 18)")

    def __str__(self) -> str:
        return f"Request #{self.request_id}: requester declared under 18"


class MinorAlert(models.Model):
    """One alert to Legal per person found to be under 18 (the daily job; never twice)."""

    class Reason(models.TextChoices):
        BIRTH_DATE = "birth_date", _("declared birth date is under 18")
        AGE_BAND = "age_band", _("declared age band is under 18")

    subject = models.OneToOneField(
        "subjects.DataSubject",
        on_delete=models.CASCADE,
        related_name="minor_alert",
        verbose_name=_("data subject"),
    )
    reason = models.CharField(_("why"), max_length=16, choices=Reason.choices, db_index=True)
    alerted_at = models.DateTimeField(_("Legal alerted"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-alerted_at", "-pk"]
        verbose_name = _("person under 18 found (alert to Legal)")
        verbose_name_plural = _("people under 18 found (alerts to Legal)")
        permissions = [("erase_child_data", "Can erase a child's data on Legal's decision")]

    def __str__(self) -> str:
        return f"Data subject #{self.subject_id} under 18 ({self.get_reason_display()})"


class ChildErasure(models.Model):
    """Proof that a child's data was erased on Legal's decision: no privacy request needed."""

    subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.PROTECT,
        related_name="child_erasures",
        verbose_name=_("data subject (tombstone)"),
    )
    reason = models.TextField(
        _("Legal's decision and reason"),
        help_text=_("Why the child's data is deleted (the policy: not knowingly collected)."),
    )
    previewed_at = models.DateTimeField(_("preview shown to Legal"))
    executed_at = models.DateTimeField(_("erased"), default=timezone.now, db_index=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("decided and erased by"),
    )
    rows_deleted = models.PositiveIntegerField(_("rows deleted"), default=0)
    values_erased = models.PositiveIntegerField(_("values blanked, masked or hashed"), default=0)
    rows_kept = models.PositiveIntegerField(_("rows kept (with the reason)"), default=0)
    addresses_suppressed = models.PositiveIntegerField(
        _("e-mail addresses put on the suppression list (as salted hashes)"), default=0
    )
    entries = models.JSONField(_("model by model"), default=list)

    class Meta:
        ordering = ["-executed_at", "-pk"]
        verbose_name = _("child's data erased (Legal's decision)")
        verbose_name_plural = _("children's data erased (Legal's decisions)")

    def __str__(self) -> str:
        return f"Child erasure certificate #{self.pk} (data subject #{self.subject_id})"
