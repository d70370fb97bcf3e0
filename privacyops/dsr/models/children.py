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

from .requests import PrivacyRequest


class ChildDeclaration(models.Model):
    request = models.OneToOneField(
        PrivacyRequest,
        on_delete=models.CASCADE,  # goes with the request when retention disposes of it
        related_name="child_declaration",
        verbose_name="privacy request",
    )
    declared_at = models.DateTimeField("declared", default=timezone.now, db_index=True)
    guardian_page_shown = models.BooleanField(
        "page for a parent or guardian shown",
        default=True,
        help_text="The requester was asked to have a parent or guardian act for them.",
    )

    class Meta:
        ordering = ["-declared_at", "-pk"]
        verbose_name = "request by a child (declared under 18)"
        verbose_name_plural = "requests by children (declared under 18)"

    def __str__(self) -> str:
        return f"Request #{self.request_id}: requester declared under 18"


class MinorAlert(models.Model):
    """One alert to Legal per person found to be under 18 (the daily job; never twice)."""

    class Reason(models.TextChoices):
        BIRTH_DATE = "birth_date", "declared birth date is under 18"
        AGE_BAND = "age_band", "declared age band is under 18"

    subject = models.OneToOneField(
        "subjects.DataSubject",
        on_delete=models.CASCADE,
        related_name="minor_alert",
        verbose_name="data subject",
    )
    reason = models.CharField("why", max_length=16, choices=Reason.choices, db_index=True)
    alerted_at = models.DateTimeField("Legal alerted", default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-alerted_at", "-pk"]
        verbose_name = "person under 18 found (alert to Legal)"
        verbose_name_plural = "people under 18 found (alerts to Legal)"
        permissions = [("erase_child_data", "Can erase a child's data on Legal's decision")]

    def __str__(self) -> str:
        return f"Data subject #{self.subject_id} under 18 ({self.get_reason_display()})"


class ChildErasure(models.Model):
    """Proof that a child's data was erased on Legal's decision: no privacy request needed."""

    subject = models.ForeignKey(
        "subjects.DataSubject",
        on_delete=models.PROTECT,
        related_name="child_erasures",
        verbose_name="data subject (tombstone)",
    )
    reason = models.TextField(
        "Legal's decision and reason",
        help_text="Why the child's data is deleted (the policy: not knowingly collected).",
    )
    previewed_at = models.DateTimeField("preview shown to Legal")
    executed_at = models.DateTimeField("erased", default=timezone.now, db_index=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="decided and erased by",
    )
    rows_deleted = models.PositiveIntegerField("rows deleted", default=0)
    values_erased = models.PositiveIntegerField("values blanked, masked or hashed", default=0)
    rows_kept = models.PositiveIntegerField("rows kept (with the reason)", default=0)
    addresses_suppressed = models.PositiveIntegerField(
        "e-mail addresses put on the suppression list (as salted hashes)", default=0
    )
    entries = models.JSONField("model by model", default=list)

    class Meta:
        ordering = ["-executed_at", "-pk"]
        verbose_name = "child's data erased (Legal's decision)"
        verbose_name_plural = "children's data erased (Legal's decisions)"

    def __str__(self) -> str:
        return f"Child erasure certificate #{self.pk} (data subject #{self.subject_id})"
