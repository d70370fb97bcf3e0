"""The one question every sender asks: may this message go to this address now?"""

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privacyops.marketing import services
from privacyops.marketing.models import Channel

from .conftest import subscribe

pytestmark = pytest.mark.django_db

MARKETING = list(Channel.values)
ALWAYS = ["transactional", "relationship", "legal"]


@pytest.fixture
def addresses(ana):
    """ana@example.com: subscribed to newsletter and events, then opted out of events;
    gone@example.com: erased; nobody@example.com: never consented."""
    subscribe(ana, "newsletter")
    subscribe(ana, "events")
    services.subscription_unsubscribe(subject=ana, channel="events")
    services.suppression_add(email="gone@example.com", reason="erased")


@pytest.mark.parametrize(
    ("email", "kind", "expected"),
    [
        ("ana@example.com", "newsletter", True),
        ("ana@example.com", "events", False),  # unsubscribed
        ("ana@example.com", "promotions", False),  # never consented
        ("ana@example.com", "product_updates", False),
        *[("gone@example.com", kind, False) for kind in MARKETING],  # erased: suppressed
        *[("nobody@example.com", kind, False) for kind in MARKETING],  # no consent
        *[
            (email, kind, True)
            for email in ("ana@example.com", "gone@example.com")
            for kind in ALWAYS
        ],
        ("nobody@example.com", "transactional", True),
        ("", "legal", True),
    ],
)
def test_truth_table(addresses, email, kind, expected):
    assert services.may_send(email, kind) is expected


@pytest.mark.parametrize("kind", ["marketing", "sms", "", "newsletter ads", None])
def test_an_unknown_kind_is_an_error(addresses, kind):
    with pytest.raises(ValueError):
        services.may_send("ana@example.com", kind)


def test_a_suppressed_address_with_an_active_subscription_is_still_refused(ana):
    subscribe(ana, "promotions")
    services.suppression_add(email="ana@example.com", reason="erased")
    assert not services.may_send("ana@example.com", "promotions")


def _variants():
    def recase(text):
        return st.lists(st.booleans(), min_size=len(text), max_size=len(text)).map(
            lambda flips: "".join(c.upper() if f else c for c, f in zip(text, flips, strict=True))
        )

    space = st.text(alphabet=" \t\n\r", max_size=3)
    return st.tuples(
        space, st.sampled_from(["ana@example.com", "gone@example.com"]), space
    ).flatmap(lambda t: recase(t[1]).map(lambda address: (t[0] + address + t[2], t[1])))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(variant=_variants(), kind=st.sampled_from(MARKETING + ALWAYS))
def test_case_and_whitespace_never_change_the_answer(addresses, variant, kind):
    written, canonical = variant
    assert services.may_send(written, kind) is services.may_send(canonical, kind)
    if canonical == "gone@example.com" and kind in MARKETING:
        assert services.may_send(written, kind) is False
    if kind in ALWAYS:
        assert services.may_send(written, kind) is True


def test_a_subject_whose_processing_is_restricted_is_not_mailed(ana):
    subscribe(ana, "newsletter")
    ana.processing_restricted_at = timezone.now()
    ana.save(update_fields=["processing_restricted_at"])
    assert not services.may_send("ana@example.com", "newsletter")
    assert services.may_send("ana@example.com", "transactional")
