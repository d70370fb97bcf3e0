"""Marketing subscriptions, the consent behind them, opt-outs and the suppression list."""

from django.conf import settings
from django.core.validators import EmailValidator
from django.db import models
from django.utils import timezone

from privacyops.core.erasure import masked
from privacyops.inventory.models import PolicyVersion
from privacyops.security.encryption import BlindIndexField, EncryptedSearchableCharField
from privacyops.subjects.models import DataSubject


class Channel(models.TextChoices):
    """The marketing channels a person can subscribe to (and opt out of) one by one."""

    NEWSLETTER = "newsletter", "Newsletter"
    PRODUCT_UPDATES = "product_updates", "Product updates"
    EVENTS = "events", "Events"
    PROMOTIONS = "promotions", "Promotions"


# Messages the policy says marketing choices never affect.
NON_MARKETING_KINDS = ("transactional", "relationship", "legal")
# In an opt-out or a suppression entry: every marketing channel at once.
ALL_CHANNELS = ""
SCOPE_CHOICES = [(ALL_CHANNELS, "All marketing channels"), *Channel.choices]


class ConsentSource(models.TextChoices):
    WEB_FORM = "web_form", "Web form"
    FREE_TRIAL = "free_trial", "Free-trial sign-up"
    EVENT_REGISTRATION = "event_registration", "Event registration"
    WHITE_PAPER = "white_paper", "White-paper download"
    IMPORT = "import", "Imported list"
    STAFF = "staff", "Recorded by staff"


class OptOutMethod(models.TextChoices):
    LINK = "link", "Unsubscribe link (web page)"
    ONE_CLICK = "one_click", "One-click unsubscribe from the mail client (RFC 8058)"
    EMAIL = "email", "E-mail to the unsubscribe address"
    POST = "post", "Postal mail (ATTN: Unsubscribe)"
    PHONE = "phone", "Telephone"
    OBJECTION = "objection", "Objection to direct marketing (GDPR Art. 21(3))"


# What staff may record by hand from the admin: messages and letters that reached them.
STAFF_OPT_OUT_METHODS = [
    (m.value, m.label) for m in (OptOutMethod.EMAIL, OptOutMethod.POST, OptOutMethod.PHONE)
]


class Subscription(models.Model):
    """A data subject's subscription to one marketing channel, with the consent behind it."""

    class Status(models.TextChoices):
        SUBSCRIBED = "subscribed", "Subscribed (consent given)"
        UNSUBSCRIBED = "unsubscribed", "Unsubscribed (opted out)"

    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name="data subject",
    )
    channel = models.CharField("channel", max_length=20, choices=Channel.choices)
    # Encrypted at rest; looked up (may_send, imports, admin search) through its keyed hash.
    email = EncryptedSearchableCharField(
        "e-mail address",
        max_length=254,
        validators=[EmailValidator()],
        blind_index_field="email_index",
        help_text="The address the consent was given for and mail goes to.",
    )
    email_index = BlindIndexField("search hash of the e-mail address", source="email")
    status = models.CharField(
        "status", max_length=15, choices=Status.choices, default=Status.SUBSCRIBED
    )
    consented_at = models.DateTimeField("consent given")
    consent_source = models.CharField(
        "how consent was given", max_length=30, choices=ConsentSource.choices
    )
    consent_form = models.CharField(
        "form or page",
        max_length=300,
        blank=True,
        help_text="The web form, page, event or document on which consent was given.",
    )
    consent_ip = models.GenericIPAddressField(
        "IP address at consent", null=True, blank=True, unpack_ipv4=True
    )
    policy_version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="privacy-policy version in force",
    )
    unsubscribed_at = models.DateTimeField("opted out", null=True, blank=True)
    updated_at = models.DateTimeField("last changed", auto_now=True)

    class Meta:
        verbose_name = "marketing subscription"
        verbose_name_plural = "marketing subscriptions"
        ordering = ["subject_id", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "channel"], name="marketing_subscription_unique"
            )
        ]
        indexes = [
            models.Index(fields=["channel", "status"], name="marketing_sub_channel_status"),
            models.Index(fields=["email_index", "channel"], name="marketing_sub_email_channel"),
            models.Index(fields=["status"], name="marketing_sub_status"),
            models.Index(fields=["consent_source"], name="marketing_sub_source"),
            models.Index(fields=["consented_at"], name="marketing_sub_consented"),
        ]

    def __str__(self) -> str:
        # Masked: read in the admin log and the access log by more people than the address.
        return f"{masked(self.email)}: {self.get_channel_display()} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_index"}
        super().save(*args, **kwargs)


class SubscriptionEvent(models.Model):
    """One change of a subscription: the append-only history a lawyer shows as evidence."""

    class Kind(models.TextChoices):
        SUBSCRIBED = "subscribed", "Consent given"
        CONSENT_UPDATED = "consent_updated", "Consent evidence updated"
        RESUBSCRIBED = "resubscribed", "Consent given again after an opt-out"
        UNSUBSCRIBED = "unsubscribed", "Opted out"

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name="subscription",
    )
    kind = models.CharField("what happened", max_length=20, choices=Kind.choices)
    at = models.DateTimeField("when", default=timezone.now)
    method = models.CharField(
        "how", max_length=30, blank=True, help_text="The consent source or the opt-out method."
    )
    ip = models.GenericIPAddressField("IP address", null=True, blank=True, unpack_ipv4=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="recorded by (staff)",
    )
    detail = models.JSONField("before and after", default=dict, blank=True)

    class Meta:
        verbose_name = "subscription event"
        verbose_name_plural = "subscription history"
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["subscription", "at"], name="marketing_event_sub_at"),
            models.Index(fields=["kind", "-at"], name="marketing_event_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Subscription history is append-only.")
        super().save(*args, **kwargs)


class OptOut(models.Model):
    """The register of opt-outs: every way one reached us, with its proof.

    An opt-out about an address we do not know yet keeps only the address's salted hash.
    """

    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="marketing_opt_outs",
        verbose_name="data subject",
    )
    email_hash = models.CharField(
        "e-mail address (salted hash)", max_length=80, blank=True, db_index=True
    )
    channel = models.CharField("channel", max_length=20, choices=SCOPE_CHOICES, blank=True)
    method = models.CharField("received by", max_length=20, choices=OptOutMethod.choices)
    reference = models.CharField(
        "reference",
        max_length=300,
        blank=True,
        help_text="Reference of the letter or message (e.g. mailbox message id, post log no.).",
    )
    received_at = models.DateTimeField("received", default=timezone.now)
    recorded_at = models.DateTimeField("recorded", auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="recorded by (staff)",
    )

    class Meta:
        verbose_name = "opt-out"
        verbose_name_plural = "opt-outs"
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at", "method"], name="marketing_optout_received"),
            models.Index(fields=["method"], name="marketing_optout_method"),
            models.Index(fields=["channel"], name="marketing_optout_channel"),
            models.Index(fields=["reference"], name="marketing_optout_reference"),
        ]

    def __str__(self) -> str:
        scope = self.get_channel_display() if self.channel else "all marketing"
        return f"Opt-out from {scope} by {self.get_method_display()} ({self.received_at:%Y-%m-%d})"


class SuppressionEntry(models.Model):
    """An address that must not receive marketing: kept only as a salted hash, never in clear."""

    class Reason(models.TextChoices):
        OPTED_OUT = "opted_out", "Opted out"
        OBJECTION = "objection", "Objected to direct marketing (Art. 21(3))"
        ERASED = "erased", "Personal data erased (Art. 17)"

    email_hash = models.CharField("e-mail address (salted hash)", max_length=80)
    channel = models.CharField("channel", max_length=20, choices=SCOPE_CHOICES, blank=True)
    reason = models.CharField("reason", max_length=20, choices=Reason.choices)
    added_at = models.DateTimeField("suppressed since", default=timezone.now)

    class Meta:
        verbose_name = "suppression-list entry"
        verbose_name_plural = "suppression list"
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["email_hash", "channel"], name="marketing_suppression_unique"
            )
        ]
        indexes = [
            models.Index(fields=["reason"], name="marketing_suppression_reason"),
            models.Index(fields=["channel"], name="marketing_suppression_channel"),
            models.Index(fields=["-added_at"], name="marketing_suppression_added"),
        ]

    def __str__(self) -> str:
        scope = self.get_channel_display() if self.channel else "all marketing"
        return f"{self.email_hash[:19]}… ({scope})"
