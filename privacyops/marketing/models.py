"""Marketing subscriptions, the consent behind them, opt-outs and the suppression list."""

from django.conf import settings
from django.core.validators import EmailValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core.erasure import masked
from privacyops.inventory.models import DigitalProperty, PolicyVersion, TrackingIdentifier
from privacyops.security.encryption import (
    BlindIndexField,
    EncryptedContactTextField,
    EncryptedSearchableCharField,
)
from privacyops.subjects.models import DataSubject


class Channel(models.TextChoices):
    """The marketing channels a person can subscribe to (and opt out of) one by one."""

    NEWSLETTER = "newsletter", _("Newsletter")
    PRODUCT_UPDATES = "product_updates", _("Product updates")
    EVENTS = "events", _("Events")
    PROMOTIONS = "promotions", _("Promotions")


# Messages the policy says marketing choices never affect.
NON_MARKETING_KINDS = ("transactional", "relationship", "legal")
# In an opt-out or a suppression entry: every marketing channel at once.
ALL_CHANNELS = ""
SCOPE_CHOICES = [(ALL_CHANNELS, "All marketing channels"), *Channel.choices]


class ConsentSource(models.TextChoices):
    WEB_FORM = "web_form", _("Web form")
    FREE_TRIAL = "free_trial", _("Free-trial sign-up")
    EVENT_REGISTRATION = "event_registration", _("Event registration")
    WHITE_PAPER = "white_paper", _("White-paper download")
    IMPORT = "import", _("Imported list")
    STAFF = "staff", _("Recorded by staff")


class OptOutMethod(models.TextChoices):
    LINK = "link", _("Unsubscribe link (web page)")
    ONE_CLICK = "one_click", _("One-click unsubscribe from the mail client (RFC 8058)")
    EMAIL = "email", _("E-mail to the unsubscribe address")
    POST = "post", _("Postal mail (ATTN: Unsubscribe)")
    PHONE = "phone", _("Telephone")
    OBJECTION = "objection", _("Objection to direct marketing (GDPR Art. 21(3))")
    CONSENT_RECEIPT = "receipt", _("Consent receipt refusing it (banner, preference centre, API)")


# What staff may record by hand from the admin: messages and letters that reached them.
STAFF_OPT_OUT_METHODS = [
    (m.value, m.label) for m in (OptOutMethod.EMAIL, OptOutMethod.POST, OptOutMethod.PHONE)
]


class Subscription(models.Model):
    """A data subject's subscription to one marketing channel, with the consent behind it."""

    class Status(models.TextChoices):
        SUBSCRIBED = "subscribed", _("Subscribed (consent given)")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed (opted out)")

    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("data subject"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # Encrypted at rest; looked up (may_send, imports, admin search) through its keyed hash.
    email = EncryptedSearchableCharField(
        _("e-mail address"),
        max_length=254,
        validators=[EmailValidator()],
        blind_index_field="email_index",
        help_text=_("The address the consent was given for and mail goes to."),
    )
    email_index = BlindIndexField(_("search hash of the e-mail address"), source="email")
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.SUBSCRIBED
    )
    consented_at = models.DateTimeField(_("consent given"))
    consent_source = models.CharField(
        _("how consent was given"), max_length=30, choices=ConsentSource.choices
    )
    consent_form = models.CharField(
        _("form or page"),
        max_length=300,
        blank=True,
        help_text=_("The web form, page, event or document on which consent was given."),
    )
    consent_ip = models.GenericIPAddressField(
        _("IP address at consent"), null=True, blank=True, unpack_ipv4=True
    )
    policy_version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy-policy version in force"),
    )
    unsubscribed_at = models.DateTimeField(_("opted out"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("marketing subscription")
        verbose_name_plural = _("marketing subscriptions")
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
        SUBSCRIBED = "subscribed", _("Consent given")
        CONSENT_UPDATED = "consent_updated", _("Consent evidence updated")
        RESUBSCRIBED = "resubscribed", _("Consent given again after an opt-out")
        UNSUBSCRIBED = "unsubscribed", _("Opted out")

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("subscription"),
    )
    kind = models.CharField(_("what happened"), max_length=20, choices=Kind.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)
    method = models.CharField(
        _("how"),
        max_length=30,
        blank=True,
        help_text=_("The consent source or the opt-out method."),
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True, unpack_ipv4=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by (staff)"),
    )
    detail = models.JSONField(_("before and after"), default=dict, blank=True)

    class Meta:
        verbose_name = _("subscription event")
        verbose_name_plural = _("subscription history")
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
        verbose_name=_("data subject"),
    )
    email_hash = models.CharField(
        _("e-mail address (salted hash)"), max_length=80, blank=True, db_index=True
    )
    channel = models.CharField(_("channel"), max_length=20, choices=SCOPE_CHOICES, blank=True)
    method = models.CharField(_("received by"), max_length=20, choices=OptOutMethod.choices)
    reference = models.CharField(
        _("reference"),
        max_length=300,
        blank=True,
        help_text=_("Reference of the letter or message (e.g. mailbox message id, post log no.)."),
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by (staff)"),
    )

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
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
        OPTED_OUT = "opted_out", _("Opted out")
        OBJECTION = "objection", _("Objected to direct marketing (Art. 21(3))")
        ERASED = "erased", _("Personal data erased (Art. 17)")

    email_hash = models.CharField(_("e-mail address (salted hash)"), max_length=80)
    channel = models.CharField(_("channel"), max_length=20, choices=SCOPE_CHOICES, blank=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    added_at = models.DateTimeField(_("suppressed since"), default=timezone.now)

    class Meta:
        verbose_name = _("suppression-list entry")
        verbose_name_plural = _("suppression list")
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


# --- Consent receipts (issue 17) and policy-change notices (issue 16) -------------------------

# What a consent receipt grants or refuses: the cookie register's purpose categories that need
# consent, and the marketing channels. Strictly necessary identifiers need none (ePrivacy 5(3)).
ADVERTISING = TrackingIdentifier.PurposeCategory.ADVERTISING.value
CONSENT_PURPOSES = [
    (value, label)
    for value, label in TrackingIdentifier.PurposeCategory.choices
    if value != TrackingIdentifier.PurposeCategory.STRICTLY_NECESSARY
] + [(value, f"Marketing: {label}") for value, label in Channel.choices]


class ConsentReceipt(models.Model):
    """One consent decision as it was given: append-only evidence (never changed or deleted).

    About a data subject, or about a browser or device known only by a cookie identifier (kept
    as its keyed hash). A Global Privacy Control signal is an opt-out of advertising: a receipt
    carrying it refuses advertising whatever else it says.
    """

    class Source(models.TextChoices):
        BANNER = "banner", _("Consent banner of a Site")
        APPLICATION = "application", _("Application settings")
        WEB_FORM = "web_form", _("Web form")
        PAPER = "paper", _("Paper form or letter (recorded by staff)")
        PHONE = "phone", _("Telephone (recorded by staff)")
        EMAIL = "email", _("E-mail (recorded by staff)")

    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consent_receipts",
        verbose_name=_("data subject"),
    )
    identifier_hash = models.CharField(
        _("cookie identifier (keyed hash)"),
        max_length=64,
        blank=True,
        help_text=_("The pseudonymous identifier of a browser or device, never in clear."),
    )
    digital_property = models.ForeignKey(
        DigitalProperty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consent_receipts",
        verbose_name=_("site or application"),
    )
    granted = models.JSONField(_("purposes granted"), default=list, blank=True)
    refused = models.JSONField(_("purposes refused"), default=list, blank=True)
    # Denormalised from granted/refused for the question asked most ("may we advertise now?"):
    # True granted, False refused, None not addressed by this receipt.
    advertising = models.BooleanField(_("advertising consent"), null=True, blank=True)
    gpc = models.BooleanField(
        _("Global Privacy Control signal"),
        default=False,
        help_text=_("The browser sent Sec-GPC: 1. Honoured as an opt-out of advertising."),
    )
    policy_version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("privacy-policy version shown"),
    )
    source = models.CharField(_("how it was given"), max_length=20, choices=Source.choices)
    given_at = models.DateTimeField(_("given"), default=timezone.now)
    evidence = EncryptedContactTextField(
        _("evidence"),
        blank=True,
        help_text=_("E.g. the banner's text version or the reference of the paper form."),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    recorded_via = models.CharField(
        _("recorded through"),
        max_length=120,
        help_text=_("The API client, or the admin."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by (staff)"),
    )

    class Meta:
        verbose_name = _("consent receipt")
        verbose_name_plural = _("consent receipts")
        ordering = ["-given_at", "-id"]
        indexes = [
            models.Index(fields=["subject", "-given_at"], name="marketing_receipt_subject"),
            models.Index(fields=["identifier_hash", "-given_at"], name="marketing_receipt_ident"),
            models.Index(fields=["source"], name="marketing_receipt_source"),
            models.Index(fields=["gpc"], name="marketing_receipt_gpc"),
            models.Index(fields=["advertising"], name="marketing_receipt_adv"),
            models.Index(fields=["-given_at"], name="marketing_receipt_given"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(subject__isnull=False) | ~models.Q(identifier_hash=""),
                name="marketing_receipt_about_someone",
            )
        ]

    def __str__(self) -> str:
        return f"Consent receipt #{self.pk} ({self.get_source_display()}, {self.given_at:%Y-%m-%d})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Consent receipts are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Consent receipts are append-only.")


class MailBounce(models.Model):
    """An address the mail platform reported as undeliverable: nothing is sent to it, not even
    a legal notice (may_send answers no for every kind). Only the salted hash is kept."""

    email_hash = models.CharField(_("e-mail address (salted hash)"), max_length=80, unique=True)
    bounced_at = models.DateTimeField(_("bounced"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("mail bounce")
        verbose_name_plural = _("mail bounces")
        ordering = ["-bounced_at", "-id"]
        indexes = [models.Index(fields=["-bounced_at"], name="marketing_bounce_at")]

    def __str__(self) -> str:
        return f"{self.email_hash[:19]}… ({self.bounced_at:%Y-%m-%d})"


class PolicyNoticeLetter(models.Model):
    """The wording of the notice of a material policy change, per language; edited by Legal."""

    language = models.CharField(
        _("language"),
        max_length=10,
        unique=True,
        help_text=_("A language code of the installation, e.g. en or bg."),
    )
    subject = models.CharField(_("subject line"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Django template syntax: {{ version }}, {{ effective_from }}, {{ summary }}, "
            "{{ policy_url }} and {{ controller }} are available."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("policy-change letter")
        verbose_name_plural = _("policy-change letters")
        ordering = ["language"]

    def __str__(self) -> str:
        return f"Policy-change letter ({self.language})"


class PolicyNotice(models.Model):
    """One notice of a material policy change to one address: sent once, or skipped and why."""

    class Audience(models.TextChoices):
        ACCOUNT_CONTACT = "account_contact", _("Contact of a customer account")
        SUBSCRIBER = "subscriber", _("Current subscriber")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        SKIPPED_BOUNCED = "bounced", _("Not sent: the address bounces")
        SKIPPED_OPTED_OUT = "opted_out", _("Not sent: opted out of all marketing")

    policy_version = models.ForeignKey(
        PolicyVersion,
        on_delete=models.PROTECT,
        related_name="notices",
        verbose_name=_("privacy-policy version"),
    )
    subject = models.ForeignKey(
        DataSubject,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="policy_notices",
        verbose_name=_("data subject"),
    )
    email_hash = models.CharField(_("e-mail address (salted hash)"), max_length=80)
    address_masked = models.CharField(_("address (masked)"), max_length=254)
    audience = models.CharField(_("sent as"), max_length=20, choices=Audience.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("policy-change notice")
        verbose_name_plural = _("policy-change notices")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy_version", "email_hash"], name="marketing_policy_notice_once"
            )
        ]
        indexes = [
            models.Index(fields=["status"], name="marketing_notice_status"),
            models.Index(fields=["audience"], name="marketing_notice_audience"),
            models.Index(fields=["-at"], name="marketing_notice_at"),
        ]

    def __str__(self) -> str:
        return f"{self.address_masked}: {self.policy_version.version} ({self.get_status_display()})"
