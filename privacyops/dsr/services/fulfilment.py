"""What every fulfilment step shares: the kinds of request it serves and the check it passes."""

from privacyops.core import registry

from ..lifecycle import State
from ..models import PrivacyRequest, RequestType
from .errors import FulfilmentError

ACCESS_TYPES = frozenset({RequestType.ACCESS, RequestType.PORTABILITY})
OBJECTION_TYPES = frozenset({RequestType.OBJECTION, RequestType.MARKETING_OPT_OUT})
CGD = registry.CATEGORY_NAMES[registry.CUSTOMER_GENERATED_DATA]


def fulfilment_step_check(request: PrivacyRequest, *, types=None, subject: bool = True) -> None:
    """Raise FulfilmentError unless this step may be done for the request now: the request is
    of one of `types` (any kind when None), in progress, and (with `subject`) matched."""
    if types is not None and request.request_type not in types:
        raise FulfilmentError(
            f"{request.reference} is a request for {request.get_request_type_display()}; "
            "this step belongs to another kind of request."
        )
    if request.state != State.IN_PROGRESS:
        raise FulfilmentError(
            f"{request.reference} is {request.get_state_display().lower()}: this is done while "
            "the request is in progress (identity verified, not yet sent for approval)."
        )
    if subject and request.subject_id is None:
        raise FulfilmentError(
            f"{request.reference} is not matched to a data subject: match it first."
        )
