"""Who of the staff looked at a customer's hosted data, and why (the policy's promise on
Customer-Generated Data: "we will not review, share ... except ...")."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .accounts import Account
from .activity import CustomerDataset


class AccessReason(models.TextChoices):
    """The exceptions the policy names: the only reasons staff may look at a customer's data."""

    SUPPORT_TICKET = "support_ticket", _("A support ticket the customer opened")
    LEGAL_OBLIGATION = "legal_obligation", _("A legal obligation (court order, authority)")
    CUSTOMER_INSTRUCTION = "customer_instruction", _("The customer's written instruction")


class CustomerDataAccess(models.Model):
    """One look at (or export of) a customer dataset, with the reason given at the time."""

    class Action(models.TextChoices):
        VIEWED = "viewed", _("Viewed")
        EXPORTED = "exported", _("Exported")

    dataset = models.ForeignKey(
        CustomerDataset,
        on_delete=models.PROTECT,
        related_name="staff_accesses",
        verbose_name=_("dataset"),
    )
    # Kept beside the dataset so the customer's monthly report is one indexed range read.
    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="customer_data_accesses",
        verbose_name=_("customer (account)"),
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("staff member"),
    )
    staff_name = models.CharField(
        _("staff member's name"), max_length=150, help_text=_("As the customer's report shows it.")
    )
    at = models.DateTimeField(_("when"), default=timezone.now)
    action = models.CharField(_("what"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=30, choices=AccessReason.choices)
    reference = models.CharField(
        _("reference"),
        max_length=80,
        help_text=_("The ticket number, the order's or the instruction's reference."),
    )

    class Meta:
        verbose_name = _("staff access to customer data")
        verbose_name_plural = _("staff accesses to customer data")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["account", "at"], name="subjects_cgd_access_account"),
            models.Index(fields=["-at", "-id"], name="subjects_cgd_access_at"),
            models.Index(fields=["reason"], name="subjects_cgd_access_reason"),
            models.Index(fields=["action"], name="subjects_cgd_access_action"),
            models.Index(fields=["reference"], name="subjects_cgd_access_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.staff_name} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The record of staff access to customer data is append-only.")
        super().save(*args, **kwargs)


class CustomerAccessReport(models.Model):
    """A customer's monthly report: every staff look at their data in one calendar month."""

    account = models.ForeignKey(
        Account,
        on_delete=models.PROTECT,
        related_name="customer_access_reports",
        verbose_name=_("customer (account)"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    accesses = models.PositiveIntegerField(_("staff accesses in the month"), default=0)
    prepared_at = models.DateTimeField(_("prepared"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent to the customer"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_to = models.PositiveIntegerField(_("addresses sent to"), default=0)

    class Meta:
        verbose_name = _("customer data access report")
        verbose_name_plural = _("customer data access reports")
        permissions = [("send_access_report", "Can send the report to the customer")]
        ordering = ["-month", "account_id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "month"], name="subjects_cgd_report_month")
        ]
        indexes = [
            models.Index(fields=["-month"], name="subjects_cgd_report_recent"),
            models.Index(fields=["sent_at"], name="subjects_cgd_report_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.account.company_name}: {self.month:%B %Y}"
