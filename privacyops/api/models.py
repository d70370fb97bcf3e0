"""API clients (the connected systems), their hashed keys, and the evidence of every call.

A key is djangorestframework-api-key's hashed key tied to one client: the key itself is shown
once and never stored; rotation gives the old key an end (`expiry_date`) so the connected
system can switch over; revocation ends it at once.
"""

from django.conf import settings
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager


class Scope(models.TextChoices):
    EVENTS_WRITE = "events:write", "events:write: push activity events (Other Information)"
    SUBJECTS_WRITE = "subjects:write", "subjects:write: upsert data subjects and accounts"
    CONSENTS_WRITE = "consents:write", "consents:write: record consent receipts"
    REQUESTS_WRITE = "requests:write", "requests:write: submit privacy requests"
    MAY_SEND_READ = "may-send:read", "may-send:read: ask whether a message may be sent"


class ApiClient(models.Model):
    """One connected system (the CRM, a public Site, the mail platform) and what it may do."""

    name = models.CharField(
        max_length=100,
        unique=True,
        help_text="The system that connects, as Legal knows it (e.g. “CRM”, “Sites”).",
    )
    scopes = models.JSONField(
        default=list,
        blank=True,
        help_text="What this system may do through the API; anything else is refused (403).",
    )
    is_active = models.BooleanField(
        "active",
        default=True,
        help_text="An inactive client's keys are refused (401) until it is made active again.",
    )
    requests_per_minute = models.PositiveIntegerField(
        "rate limit (calls per minute)",
        null=True,
        blank=True,
        help_text="Empty: the default of the installation (API_DEFAULT_REQUESTS_PER_MINUTE).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="created by",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "API client"
        verbose_name_plural = "API clients"

    def __str__(self) -> str:
        return self.name

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])


class ApiKeyManager(BaseAPIKeyManager):
    def get_usable_keys(self):
        return super().get_usable_keys().select_related("client")  # one query per call


class ApiKey(AbstractAPIKey):
    """A hashed key of one client (`Authorization: Api-Key <key>`)."""

    objects = ApiKeyManager()

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="keys")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API key"
        verbose_name_plural = "API keys"


class ApiCall(models.Model):
    """Evidence of one call: which client, which endpoint, how many records, the answer.

    Never the values sent or returned.
    """

    occurred_at = models.DateTimeField("when", auto_now_add=True, db_index=True)
    client = models.ForeignKey(
        ApiClient,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        help_text="Empty: the call carried no valid key.",
    )
    key_prefix = models.CharField("key (prefix)", max_length=8, blank=True)
    method = models.CharField(max_length=10)
    endpoint = models.CharField(max_length=100, db_index=True)
    status_code = models.PositiveSmallIntegerField("answer (HTTP status)")
    records = models.PositiveIntegerField("records received", default=0)
    ip = models.GenericIPAddressField("from (IP address)", null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-pk"]
        verbose_name = "API call"
        verbose_name_plural = "API calls"
        indexes = [models.Index(fields=["client", "occurred_at"], name="api_call_client_when")]

    def __str__(self) -> str:
        return f"{self.method} {self.endpoint} → {self.status_code}"


class ReceivedEvent(models.Model):
    """The client's own id of each activity event received: a replay adds nothing."""

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    external_id = models.CharField("client's event id", max_length=100)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "received event id"
        verbose_name_plural = "received event ids"
        ordering = ["-received_at", "-id"]
        # The retention purge finds the ids past their period by this date.
        indexes = [models.Index(fields=["received_at"], name="api_received_event_when")]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "external_id"], name="api_received_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.external_id}"
