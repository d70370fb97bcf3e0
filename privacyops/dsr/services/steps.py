"""What may be done next with a request: the one answer the admin renders."""

from dataclasses import dataclass

from django.utils.translation import gettext

from ..lifecycle import LABELS, REASON_REQUIRED, State, next_states
from ..models import PrivacyRequest
from . import requests

# Steps that are not a change of state (the others are the target state's value).
STEP_VERIFY_IDENTITY = "verify_identity"
STEP_EXTEND = "extend"


@dataclass(frozen=True)
class NextStep:
    code: str  # a State value, STEP_VERIFY_IDENTITY or STEP_EXTEND
    label: str
    needs_text: bool  # a reason (stated in the letter) or a note (how identity was verified)


def request_next_steps(*, request: PrivacyRequest) -> list[NextStep]:
    """The legal next steps of this request, in the order to offer them.

    Proving identity while it is awaited, every state the transition table allows a person to
    move it to, and extending the deadline when `request_extend` would accept it today.
    """
    steps = []
    if request.state in (State.RECEIVED, State.AWAITING_IDENTITY):
        steps.append(NextStep(STEP_VERIFY_IDENTITY, gettext("Identity verified (say how)"), True))
    steps += [
        NextStep(state.value, gettext(LABELS[state]), state in REASON_REQUIRED)
        for state in next_states(request.state)
    ]
    if not requests.extension_refusal(request, on=requests.today()):
        steps.append(
            NextStep(
                STEP_EXTEND,
                gettext("Extend the deadline (say why; the requester is told)"),
                True,
            )
        )
    return steps
