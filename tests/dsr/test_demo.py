import pytest

from privacyops.dsr import selectors
from privacyops.dsr.demo import load_demo
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import PrivacyRequest

pytestmark = pytest.mark.django_db


def test_demo_requests_load_once_and_cover_the_interesting_states():
    assert load_demo() == "6 privacy requests"
    assert load_demo() == "already loaded"
    states = set(PrivacyRequest.objects.values_list("state", flat=True))
    assert {State.AWAITING_IDENTITY, State.IN_PROGRESS, State.COMPLETED, State.REFUSED} <= states
    assert selectors.overdue().exists()
