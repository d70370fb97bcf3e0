"""The completion letter's account of what was done is in the requester's language too."""

import pytest
from django.utils import translation

from privacyops.dsr.models import RequestType
from privacyops.dsr.services.completion import completion_outcome
from tests.dsr.factories import in_progress

pytestmark = pytest.mark.django_db


def test_what_was_done_reads_in_bulgarian_and_in_english():
    request = in_progress(request_type=RequestType.RECTIFICATION, requester_email="a@example.bg")
    with translation.override("bg"):
        assert completion_outcome(request) == (
            "Проверихме Вашите данни и не открихме нищо за коригиране."
        )
    with translation.override("en"):
        assert completion_outcome(request) == (
            "We checked your details and found nothing to correct."
        )
