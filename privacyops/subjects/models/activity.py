"""Other Information (activity events) and Customer-Generated Data (customer datasets)."""

from django.db import models
from django.utils import timezone

from .accounts import Account
from .people import DataSubject


class ActivityEvent(models.Model):
    """Other Information: one automatically collected usage event (the high-volume table)."""

    class EventKind(models.TextChoices):
        PAGE_VIEW = "page_view", "Page view"
        LOGIN = "login", "Login"
        LOGIN_FAILED = "login_failed", "Failed login"
        APP_USE = "app_use", "Application use"
        API = "api", "API call"

    occurred_at = models.DateTimeField("occurred")
    event_kind = models.CharField(
        "event",
        max_length=20,
        choices=EventKind.choices,
        default=EventKind.PAGE_VIEW,
        db_default=EventKind.PAGE_VIEW,
    )
    ip = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(
        "user agent", max_length=500, blank=True, default="", db_default=""
    )
    browser = models.CharField("browser", max_length=60, blank=True, default="", db_default="")
    operating_system = models.CharField(
        "operating system", max_length=60, blank=True, default="", db_default=""
    )
    page = models.CharField("page viewed", max_length=500, blank=True, default="", db_default="")
    referrer = models.CharField(
        "referring URL", max_length=500, blank=True, default="", db_default=""
    )
    login = models.CharField(
        "login account name", max_length=150, blank=True, default="", db_default=""
    )
    email = models.CharField("e-mail given", max_length=254, blank=True, default="", db_default="")
    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="activity_events",
        verbose_name="data subject",
        db_index=False,  # covered by the (subject, occurred_at) index
    )

    class Meta:
        verbose_name = "activity event (Other Information)"
        verbose_name_plural = "activity events (Other Information)"
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "occurred_at"], name="subjects_event_subject_time"),
            models.Index(fields=["-occurred_at", "-id"], name="subjects_event_time"),
            models.Index(fields=["login"], name="subjects_event_login"),
            models.Index(fields=["ip"], name="subjects_event_ip"),
            models.Index(fields=["event_kind", "occurred_at"], name="subjects_event_kind_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_kind_display()} {self.page} at {self.occurred_at:%Y-%m-%d %H:%M}"


class CustomerDataset(models.Model):
    """Customer-Generated Data hosted for an account: the customer is the controller."""

    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="datasets", verbose_name="account"
    )
    name = models.CharField("dataset", max_length=200)
    contents = models.TextField("what it holds")
    location = models.CharField("where it lives", max_length=300)
    approximate_records = models.PositiveIntegerField("approximate records", default=0)
    subjects = models.ManyToManyField(
        DataSubject,
        related_name="hosted_in_datasets",
        verbose_name="known data subjects in it",
        blank=True,
    )
    created_at = models.DateTimeField("created", default=timezone.now)

    class Meta:
        verbose_name = "customer dataset (Customer-Generated Data)"
        verbose_name_plural = "customer datasets (Customer-Generated Data)"
        ordering = ["account_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["account", "name"], name="subjects_dataset_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.account.company_name})"
