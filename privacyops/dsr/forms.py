from django import forms
from django.contrib.auth import get_user_model

from privacyops.core import roles
from privacyops.subjects.models import Account

from .lifecycle import REASON_REQUIRED, State
from .models import PrivacyRequest, RequestType


class PublicRequestForm(forms.Form):
    """The public form: what a person may ask, and how to reach them."""

    request_type = forms.ChoiceField(
        label="What would you like us to do?", choices=RequestType.choices
    )
    name = forms.CharField(label="Your name", max_length=200)
    email = forms.EmailField(label="Your e-mail address")
    details = forms.CharField(
        label="Details",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        required=False,
        help_text="Anything that helps us find your data or understand your request.",
    )


class StaffRequestForm(forms.ModelForm):
    """A request received by e-mail, telephone, post or through an account representative."""

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
            "details",
        )


def legal_staff():
    return (
        get_user_model()
        .objects.filter(groups__name=roles.LEGAL, is_active=True)
        .order_by("username")
    )


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(queryset=legal_staff(), label="Assign to", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = legal_staff()


VERIFY, EXTEND = "verify_identity", "extend"


class NextStepForm(forms.Form):
    """The next steps the transition table allows for one request, and the reason or note."""

    step = forms.ChoiceField(label="Next step", widget=forms.RadioSelect)
    text = forms.CharField(
        label="Reason or note",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=(
            "Required to refuse or redirect (it is stated in the letter), to extend the "
            "deadline, and to record how identity was verified."
        ),
    )
    account = forms.ModelChoiceField(
        queryset=Account.objects.all(),
        required=False,
        label="Customer that controls the data (for a redirection)",
    )

    def __init__(self, *args, steps: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = steps

    def clean(self):
        data = super().clean()
        step = data.get("step")
        if step in {VERIFY, EXTEND, *REASON_REQUIRED} and not data.get("text", "").strip():
            self.add_error("text", "This step needs a reason or note.")
        if step == State.REDIRECTED and not data.get("account"):
            self.add_error("account", "Name the customer that controls the data.")
        return data
