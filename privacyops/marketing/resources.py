"""Subscriptions as a spreadsheet (django-import-export): exported whole, imported all or nothing.

An import is validated row by row and field by field; any invalid row imports nothing (the
admin shows every bad row and field). Each valid row is one consent (`services.
subscription_import_row`): importing the same file again changes nothing, and a row whose
address is on the suppression list re-subscribes nobody and is reported.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from import_export import fields, resources

from privacyops.inventory.models import PolicyVersion
from privacyops.inventory.selectors import policy_version_in_force
from privacyops.subjects.selectors import normalise_email, subject_for_email

from . import services
from .models import Channel, ConsentSource, Subscription
from .selectors import is_suppressed

COLUMNS = (
    "email",
    "name",
    "channel",
    "status",
    "consented_at",
    "source",
    "form",
    "ip",
    "policy_version",
    "unsubscribed_at",
)
REQUIRED_COLUMNS = ("email", "channel", "consented_at")


class SubscriptionRowForm(forms.Form):
    """What one imported row must say for it to count as evidence of consent."""

    email = forms.EmailField(max_length=254)
    name = forms.CharField(max_length=200, required=False)
    channel = forms.ChoiceField(choices=Channel.choices)
    consented_at = forms.DateTimeField()
    source = forms.ChoiceField(choices=ConsentSource.choices, required=False)
    form = forms.CharField(max_length=300, required=False)
    ip = forms.GenericIPAddressField(required=False, unpack_ipv4=True)
    policy_version = forms.CharField(max_length=40, required=False)

    def clean_email(self) -> str:
        return normalise_email(self.cleaned_data["email"])

    def clean_consented_at(self):
        value = self.cleaned_data["consented_at"]
        if value > timezone.now():
            raise ValidationError("Consent cannot be given in the future.")
        return value

    def clean_source(self) -> str:
        return self.cleaned_data["source"] or ConsentSource.IMPORT

    def clean_ip(self):
        return self.cleaned_data["ip"] or None

    def clean_policy_version(self) -> PolicyVersion | None:
        version = self.cleaned_data["policy_version"].strip()
        if not version:
            return None
        found = PolicyVersion.objects.filter(version=version).first()
        if found is None:
            raise ValidationError(f"No privacy-policy version {version!r} is recorded.")
        return found

    def __init__(self, *args, policies: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.policies = {} if policies is None else policies  # day -> version, per import

    def clean(self):
        data = super().clean()
        if data.get("consented_at") and not data.get("policy_version"):
            day = timezone.localdate(data["consented_at"])
            if day not in self.policies:
                self.policies[day] = policy_version_in_force(on=day)
            data["policy_version"] = self.policies[day]
        return data


def _text(value) -> object:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


class SubscriptionResource(resources.ModelResource):
    email = fields.Field(attribute="email", column_name="email")
    name = fields.Field(column_name="name")
    channel = fields.Field(attribute="channel", column_name="channel")
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    consented_at = fields.Field(column_name="consented_at")
    source = fields.Field(attribute="consent_source", column_name="source")
    form = fields.Field(attribute="consent_form", column_name="form")
    ip = fields.Field(attribute="consent_ip", column_name="ip")
    policy_version = fields.Field(column_name="policy_version")
    unsubscribed_at = fields.Field(column_name="unsubscribed_at", readonly=True)

    class Meta:
        model = Subscription
        fields = COLUMNS
        export_order = COLUMNS
        import_id_fields = ("email", "channel")
        skip_diff = True
        report_skipped = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.suppressed_rows: list[tuple[int, str, str]] = []
        self._row_number = 0
        self._policies: dict = {}

    # --- export ---
    def get_queryset(self):
        return Subscription.objects.select_related("subject", "policy_version")

    def dehydrate_name(self, subscription) -> str:
        return subscription.subject.full_name

    def dehydrate_consented_at(self, subscription) -> str:
        return subscription.consented_at.isoformat()

    def dehydrate_unsubscribed_at(self, subscription) -> str:
        return subscription.unsubscribed_at.isoformat() if subscription.unsubscribed_at else ""

    def dehydrate_policy_version(self, subscription) -> str:
        return subscription.policy_version.version if subscription.policy_version else ""

    def dehydrate_ip(self, subscription) -> str:
        return subscription.consent_ip or ""

    # --- import ---
    def before_import(self, dataset, **kwargs):
        dataset.headers = [str(h or "").strip().lower() for h in dataset.headers]
        missing = [c for c in REQUIRED_COLUMNS if c not in dataset.headers]
        if missing:
            raise ValueError(f"The file has no column(s): {', '.join(missing)}")
        self.suppressed_rows = []

    def before_import_row(self, row, **kwargs):
        self._row_number = kwargs.get("row_number") or 0

    def get_or_init_instance(self, instance_loader, row):
        email = normalise_email(str(row.get("email") or ""))
        channel = str(row.get("channel") or "").strip()
        existing = Subscription.objects.filter(email=email, channel=channel).first()
        if existing is None:
            subject = subject_for_email(email) if email else None
            if subject is not None:
                existing = Subscription.objects.filter(subject=subject, channel=channel).first()
        if existing is not None:
            return existing, False
        return Subscription(email=email, channel=channel), True

    def import_instance(self, instance, row, **kwargs):
        form = SubscriptionRowForm(
            data={name: _text(row.get(name)) for name in row}, policies=self._policies
        )
        if not form.is_valid():
            raise ValidationError(form.errors.as_data())
        instance._cleaned = form.cleaned_data

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        data = instance._cleaned
        if is_suppressed(data["email"], data["channel"]):
            self.suppressed_rows.append((self._row_number, data["email"], data["channel"]))
            return True
        return services.subscription_consent_unchanged(
            subscription=instance,
            email=data["email"],
            consented_at=data["consented_at"],
            source=data["source"],
            form=data["form"],
            ip=data["ip"],
            policy_version=data["policy_version"],
        )

    def save_instance(self, instance, is_create, row, **kwargs):
        data = instance._cleaned
        user = kwargs.get("user")
        subscription, _ = services.subscription_import_row(
            email=data["email"],
            channel=data["channel"],
            consented_at=data["consented_at"],
            source=data["source"],
            name=data["name"],
            form=data["form"],
            ip=data["ip"],
            policy_version=data["policy_version"],
            by=user if getattr(user, "is_authenticated", False) else None,
            already_checked=True,  # skip_row looked at the suppression list
        )
        instance.pk = subscription.pk
        instance.status = subscription.status

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.suppressed_rows = list(self.suppressed_rows)
