"""Forms and filters of the subjects admin."""

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Account, DataSubject, LicenseHolderChange, minors_q
from .services import LICENSE_HOLDER_FIELDS


class UnderEighteenFilter(admin.SimpleListFilter):
    """The policy: the services are not for children under 18. Legal must see who declared so."""

    title = "declared age"
    parameter_name = "under_18"

    def lookups(self, request, model_admin):
        return [("yes", "Under 18"), ("no", "18 or over, or not declared")]

    def queryset(self, request, queryset):
        minors = minors_q(timezone.localdate())
        if self.value() == "yes":
            return queryset.filter(minors)
        if self.value() == "no":
            return queryset.exclude(minors)
        return queryset


class AccountForm(forms.ModelForm):
    """The account form; a license-holder change also records who asked and how.

    `for_representative` forms (account representatives) always require the requester and
    the channel: their only edits are license-holder changes the customer asked for.
    """

    for_representative = False

    requested_by = forms.ModelChoiceField(
        label=_("Requested by (customer contact)"),
        queryset=DataSubject.objects.none(),
        required=False,
        help_text=_("The customer's contact who asked for this change."),
    )
    channel = forms.ChoiceField(
        label=_("Request received by"),
        choices=[("", "---------"), *LicenseHolderChange.Channel.choices],
        required=False,
    )
    change_note = forms.CharField(
        label=_("Note on the change"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=_("E.g. the reference of the customer's e-mail or letter."),
    )

    class Meta:
        model = Account
        fields = (
            "account_number",
            "company_name",
            "registration_number",
            "vat_number",
            "billing_address",
            "status",
            "opened_at",
            "closed_at",
            *LICENSE_HOLDER_FIELDS,
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        contacts = (
            selectors.account_contacts(account=self.instance)
            if self.instance.pk
            else DataSubject.objects.none()
        )
        self.fields["requested_by"].queryset = contacts
        if "license_holder" in self.fields:
            self.fields["license_holder"].queryset = contacts
            self.fields["license_holder"].help_text = "One of the account's contacts."
        if self.for_representative:
            self.fields["requested_by"].required = True
            self.fields["channel"].required = True

    def license_holder_changes(self) -> dict:
        # A field that failed validation has no cleaned value: it is an error, not a change.
        return {
            name: self.cleaned_data[name]
            for name in LICENSE_HOLDER_FIELDS
            if name in self.fields and name in self.changed_data and name in self.cleaned_data
        }

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.license_holder_changes():
            for name, message in (
                ("requested_by", "Say which customer contact asked for this change."),
                ("channel", "Say how the request was received."),
            ):
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, message)
        return cleaned
