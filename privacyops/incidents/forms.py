"""Forms of the incident register: the public report page and the steps of the workflow page."""

from django import forms
from django.utils.translation import gettext_lazy as _

from privacyops.inventory.models import DataElement
from privacyops.subjects.models import Account

from .lifecycle import LABELS, State
from .models import Incident


class PublicReportForm(forms.Form):
    """What anyone may tell us: a vulnerability or a suspected incident, and how to reply."""

    kind = forms.ChoiceField(
        label=_("What are you reporting?"),
        choices=[
            (Incident.Kind.VULNERABILITY, _("A security vulnerability")),
            (Incident.Kind.INCIDENT, _("A suspected security incident or data leak")),
        ],
    )
    title = forms.CharField(label=_("In a few words"), max_length=200)
    description = forms.CharField(
        label=_("What did you find or notice?"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=10000,
        help_text=_(
            "Where, when, and how to reproduce it. Please do not include other people's "
            "personal data."
        ),
    )
    name = forms.CharField(label=_("Your name (optional)"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Your e-mail address (optional)"),
        required=False,
        help_text=_("We send the reference number here and may ask you questions."),
    )


class AwarenessForm(forms.Form):
    aware_at = forms.DateTimeField(
        label=_("The company became aware at"),
        help_text=_("Local time (Europe/Sofia), e.g. 2026-12-01 14:30. The 72 hours start here."),
    )


class TransitionForm(forms.Form):
    step = forms.ChoiceField(label=_("Next step"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Reason or note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, steps: list[State], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s.value, LABELS[s]) for s in steps]


class RiskForm(forms.Form):
    risk = forms.ChoiceField(label=_("Risk to the people affected"), choices=Incident.Risk.choices)
    reasoning = forms.CharField(label=_("Reasoning"), widget=forms.Textarea(attrs={"rows": 3}))


class ScopeForm(forms.Form):
    account = forms.ModelChoiceField(
        queryset=Account.objects.all(), required=False, label=_("Only this account")
    )
    data_element = forms.ModelChoiceField(
        queryset=DataElement.objects.select_related("category"),
        required=False,
        label=_("Only this data element"),
    )
    window_start = forms.DateTimeField(required=False, label=_("Records from"))
    window_end = forms.DateTimeField(required=False, label=_("Records until"))


class HoldForm(forms.Form):
    until = forms.DateField(required=False, label=_("Hold until (empty: until released)"))


class Art34ExceptionForm(forms.Form):
    exception = forms.ChoiceField(label=_("Exception"), choices=Incident.Art34Exception.choices)
    reason = forms.CharField(label=_("Why it applies"), widget=forms.Textarea(attrs={"rows": 3}))


class SubmitNotificationForm(forms.Form):
    authority_reference = forms.CharField(
        label=_("The authority's reference (if given)"), max_length=100, required=False
    )
    delay_reasons = forms.CharField(
        label=_("Reasons for notifying after 72 hours"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when the 72 hours have passed (Art. 33(1))."),
    )


class AcknowledgeForm(forms.Form):
    name = forms.CharField(
        label=_("Acknowledged by (at the customer)"), max_length=200, required=False
    )
    note = forms.CharField(
        label=_("What the customer said"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
