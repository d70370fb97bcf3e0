"""The forms of privacy requests: the public form, the staff's forms and the fulfilment page's."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from privacyops.core.selectors import legal_staff
from privacyops.subjects.models import Account, DataSubject
from privacyops.subjects.selectors import subject_for_email

from .lifecycle import State
from .models import (
    CustomerDataForward,
    PrivacyRequest,
    RecipientNotification,
    RequestOutcome,
    RequestType,
)
from .services import NextStep


class PublicRequestForm(forms.Form):
    """The public form: what a person may ask, and how to reach them."""

    request_type = forms.ChoiceField(
        label=_("What would you like us to do?"), choices=RequestType.choices
    )
    name = forms.CharField(label=_("Your name"), max_length=200)
    # 254: the longest address SMTP carries (RFC 5321), and what the record holds.
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    details = forms.CharField(
        label=_("Details"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        required=False,
        help_text=_("Anything that helps us find your data or understand your request."),
    )
    # Empty: the language the page was shown in (the browser's Accept-Language or the switch).
    language = forms.ChoiceField(
        label=_("Language of our letters to you"),
        choices=settings.LANGUAGES,
        required=False,
    )


class PublicWebRequestForm(PublicRequestForm):
    """The public web page's form: the request, and the age question (the policy: the services
    are not intended for children under 18). The integration API asks no age: it carries
    requests other systems received."""

    UNDER_18 = "under_18"
    AGE_CHOICES = [("18_plus", _("I am 18 or older")), (UNDER_18, _("I am under 18"))]

    age = forms.ChoiceField(
        label=_("How old are you?"), choices=AGE_CHOICES, widget=forms.RadioSelect
    )
    field_order = ["request_type", "name", "email", "details", "age", "language"]

    def is_child(self) -> bool:
        return self.cleaned_data.get("age") == self.UNDER_18


class StaffRequestForm(forms.ModelForm):
    """A request received by e-mail, telephone, post or through an account representative."""

    language = forms.ChoiceField(
        label=_("Language of the letters"),
        choices=settings.LANGUAGES,
        required=False,
        initial="en",
        help_text=_("The language the requester wrote in; every letter to them is in it."),
    )

    class Meta:
        model = PrivacyRequest
        fields = (
            "request_type",
            "channel",
            "regime",
            "received_at",
            "requester_name",
            "requester_email",
            "requester_phone",
            "requester_address",
            "language",
            "details",
        )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=legal_staff(), label=_("Assign to"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = legal_staff()


class NextStepForm(forms.Form):
    """The next steps the transition table allows for one request, and the reason or note."""

    step = forms.ChoiceField(label=_("Next step"), widget=forms.RadioSelect)
    text = forms.CharField(
        label=_("Reason or note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=(
            _(
                "Required to refuse or redirect (it is stated in the letter), to extend the "
                "deadline, and to record how identity was verified."
            )
        ),
    )
    account = forms.ModelChoiceField(
        queryset=Account.objects.all(),
        required=False,
        label=_("Customer that controls the data (for a redirection)"),
    )

    refusal_ground = forms.ChoiceField(
        label="Ground for refusal (counted in the request statistics)",
        choices=[
            ("", "Not named: counted as identity when refused while waiting for it, else other"),
            *RequestOutcome.RefusalGround.choices,
        ],
        required=False,
    )

    def __init__(self, *args, steps: list[NextStep], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(step.code, step.label) for step in steps]
        self.needs_text = {step.code for step in steps if step.needs_text}

    def clean(self):
        data = super().clean()
        step = data.get("step")
        if step in self.needs_text and not data.get("text", "").strip():
            self.add_error("text", _("This step needs a reason or note."))
        if step == State.REDIRECTED and not data.get("account"):
            self.add_error("account", _("Name the customer that controls the data."))
        return data


# --- The fulfilment page --------------------------------------------------------------------


class RectifyForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Telephone number"), max_length=500, required=False)
    postal = forms.CharField(
        label=_("Postal address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(label=_("Note (what the requester asked)"), required=False)


class MatchForm(forms.Form):
    subject = forms.IntegerField(label=_("Data subject number (#)"), required=False, min_value=1)
    email = forms.EmailField(label=_("or their e-mail address"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("subject"):
            found = DataSubject.objects.filter(pk=data["subject"]).first()
        elif data.get("email"):
            found = subject_for_email(data["email"])
        else:
            raise ValidationError(_("Give the data subject's number or e-mail address."))
        if found is None:
            raise ValidationError(_("No data subject found."))
        data["found"] = found
        return data


class NoticeForm(forms.Form):
    notification = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=[
            (RecipientNotification.Status.SENT, _("Sent")),
            (RecipientNotification.Status.IMPOSSIBLE, _("Impossible or disproportionate")),
        ]
    )
    note = forms.CharField(label=_("How it was sent, or why it is impossible"), required=False)


class InstructionForm(forms.Form):
    forward = forms.IntegerField(widget=forms.HiddenInput)
    instruction = forms.ChoiceField(choices=CustomerDataForward.Instruction.choices)
    text = forms.CharField(
        label=_("Instruction, as received"), widget=forms.Textarea(attrs={"rows": 2})
    )
