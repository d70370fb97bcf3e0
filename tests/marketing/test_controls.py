"""The marketing control of the accountability report: evidence from known rows."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import controls
from privacyops.marketing import selectors, services
from privacyops.marketing.models import OptOut
from tests.factories import ContactPointFactory

pytestmark = pytest.mark.django_db


def texts(evidence) -> list[str]:
    return [str(fact.text) for fact in evidence.facts]


def opt_out(method: str, days_ago: int, channel: str = "") -> OptOut:
    return OptOut.objects.create(
        method=method,
        channel=channel,
        received_at=timezone.now() - datetime.timedelta(days=days_ago),
    )


def subscribed(email: str):
    point = ContactPointFactory(value=email)
    subscription, _ = services.subscription_opt_in(
        subject=point.subject,
        email=email,
        channel="newsletter",
        consented_at=timezone.now(),
        source="web_form",
    )
    return subscription


def test_opt_outs_by_method_in_90_days_and_none_allowed_to_suppressed_addresses():
    for method, days, channel in [
        ("link", 1, "newsletter"),
        ("link", 80, "events"),
        ("email", 5, ""),
        ("post", 30, "newsletter"),
        ("link", 100, "newsletter"),  # more than 90 days ago
    ]:
        opt_out(method, days, channel)
    subscribed("still@example.com")
    subscribed("stopped@example.com")
    # On the list (e.g. an objection recorded by hash) while the subscription still says
    # subscribed: may_send must refuse it.
    services.suppression_add(email="stopped@example.com", reason="opted_out")
    evidence = controls.evidence_for("marketing.opt-outs-honoured")
    assert evidence.status == controls.KEPT
    assert texts(evidence) == [
        "4 opt-outs recorded in the last 90 days: by unsubscribe link 2, one-click unsubscribe "
        "from the mail client 0, e-mail to the unsubscribe address 1, postal mail 1, "
        "telephone 0, objection to direct marketing 0, consent receipt refusing it 0; "
        "for all marketing channels 1, "
        "newsletter 2, product updates 0, events 1, promotions 0.",
        "0 marketing messages allowed to suppressed addresses (1 subscriptions on the "
        "suppression list checked with may_send).",
    ]


def test_a_message_allowed_to_a_suppressed_address_is_at_risk(monkeypatch):
    subscribed("stopped@example.com")
    services.suppression_add(email="stopped@example.com", reason="opted_out")
    # Were the sending rule ever to let a suppressed address through, the control says so.
    monkeypatch.setattr(selectors, "may_send", lambda email, kind: True)
    evidence = controls.evidence_for("marketing.opt-outs-honoured")
    assert evidence.status == controls.AT_RISK
    assert [str(f.text) for f in evidence.at_risk_facts] == [
        "1 marketing messages allowed to suppressed addresses (1 subscriptions on the "
        "suppression list checked with may_send)."
    ]
