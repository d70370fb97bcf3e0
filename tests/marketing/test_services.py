"""Consent, opt-outs by every channel and the suppression list, through the services."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import registry
from privacyops.inventory.selectors import policy_version_in_force
from privacyops.marketing import demo, selectors, services
from privacyops.marketing.models import (
    OptOut,
    OptOutMethod,
    Subscription,
    SubscriptionEvent,
    SuppressionEntry,
)
from privacyops.marketing.tokens import list_unsubscribe_headers, unsubscribe_token_read
from privacyops.subjects.models import ContactPoint
from tests.factories import UserFactory

from .conftest import CONSENT_AT, subscribe

pytestmark = pytest.mark.django_db


def _no_clear_address_stored():
    assert not SuppressionEntry.objects.filter(email_hash__icontains="@").exists()
    assert not OptOut.objects.filter(email_hash__icontains="@").exists()


def test_opt_in_keeps_the_consent_evidence_and_writes_history(ana):
    subscription = subscribe(ana, "newsletter")

    assert subscription.status == Subscription.Status.SUBSCRIBED
    assert subscription.email == "ana@example.com"
    assert subscription.consented_at == CONSENT_AT
    assert subscription.consent_source == "web_form"
    assert subscription.consent_form == "https://www.infoserv.eu/newsletter"
    assert subscription.consent_ip == "203.0.113.7"
    assert subscription.policy_version == policy_version_in_force(on=timezone.localdate(CONSENT_AT))
    assert subscription.policy_version is not None
    event = subscription.events.get()
    assert event.kind == SubscriptionEvent.Kind.SUBSCRIBED
    assert event.detail["after"]["consent_ip"] == "203.0.113.7"


def test_the_same_consent_twice_changes_nothing(ana):
    subscribe(ana, "newsletter")
    _, outcome = services.subscription_opt_in(
        subject=ana,
        email=" ANA@example.com ",
        channel="newsletter",
        consented_at=CONSENT_AT,
        source="web_form",
        form="https://www.infoserv.eu/newsletter",
        ip="203.0.113.7",
    )
    assert outcome == "unchanged"
    assert SubscriptionEvent.objects.count() == 1


def test_history_is_append_only(ana):
    event = subscribe(ana, "newsletter").events.get()
    with pytest.raises(ValueError):
        event.save()


def test_unsubscribing_one_channel_suppresses_it_and_keeps_the_others(ana_subscribed):
    opt_out = services.subscription_unsubscribe(
        subject=ana_subscribed, channel="newsletter", method=OptOutMethod.LINK, ip="198.51.100.4"
    )

    assert opt_out.method == "link" and opt_out.channel == "newsletter"
    newsletter = Subscription.objects.get(subject=ana_subscribed, channel="newsletter")
    assert newsletter.status == Subscription.Status.UNSUBSCRIBED
    assert newsletter.unsubscribed_at is not None
    event = newsletter.events.get(kind=SubscriptionEvent.Kind.UNSUBSCRIBED)
    assert event.ip == "198.51.100.4"
    assert not services.may_send("ana@example.com", "newsletter")
    assert services.may_send("ana@example.com", "events")
    entry = SuppressionEntry.objects.get()
    assert entry.channel == "newsletter" and entry.reason == "opted_out"
    assert entry.email_hash == selectors.email_hash("ana@example.com")
    _no_clear_address_stored()


def test_unsubscribing_is_idempotent(ana_subscribed):
    services.subscription_unsubscribe(subject=ana_subscribed, channel=None)
    counts = (OptOut.objects.count(), SubscriptionEvent.objects.count())

    again = services.subscription_unsubscribe(subject=ana_subscribed, channel=None)

    assert again is None
    assert (OptOut.objects.count(), SubscriptionEvent.objects.count()) == counts
    assert SuppressionEntry.objects.get().channel == ""  # one entry: every channel


def test_a_suppressed_address_is_not_subscribed_again_without_fresh_consent(ana_subscribed):
    services.subscription_unsubscribe(subject=ana_subscribed, channel=None)

    with pytest.raises(services.AddressSuppressed):
        subscribe(ana_subscribed, "newsletter")

    services.subscription_opt_in(
        subject=ana_subscribed,
        email="ana@example.com",
        channel="newsletter",
        consented_at=timezone.now(),
        source="web_form",
        renewed_after_opt_out=True,
    )
    assert services.may_send("ana@example.com", "newsletter")
    assert not services.may_send("ana@example.com", "events")  # still suppressed
    event = SubscriptionEvent.objects.filter(kind="resubscribed").get()
    assert event.detail["suppression_lifted"] is True


def test_staff_record_an_opt_out_letter_for_an_unknown_address(ana):
    legal = UserFactory(username="lena")
    opt_out = services.opt_out_record(
        method=OptOutMethod.POST,
        email="Stranger@Example.com ",
        reference="POST-2026-0007",
        by=legal,
    )

    assert opt_out.subject is None
    assert opt_out.email_hash == selectors.email_hash("stranger@example.com")
    assert opt_out.recorded_by == legal
    assert not services.may_send("stranger@example.com", "promotions")
    _, outcome = services.subscription_import_row(
        email="stranger@example.com", channel="promotions", consented_at=CONSENT_AT
    )
    assert outcome == "suppressed"
    assert not Subscription.objects.exists()
    _no_clear_address_stored()


def test_staff_record_an_opt_out_email_against_a_known_subject(ana_subscribed):
    services.opt_out_record(
        method=OptOutMethod.EMAIL,
        channel="events",
        subject=ana_subscribed,
        reference="<CAF123@mail.example.com>",
    )
    assert not services.may_send("ana@example.com", "events")
    assert services.may_send("ana@example.com", "newsletter")
    assert Subscription.objects.get(channel="events").status == "unsubscribed"


def test_an_opt_out_by_address_finds_the_subject(ana_subscribed):
    opt_out = services.opt_out_record(method=OptOutMethod.EMAIL, email="ANA@example.com")
    assert opt_out.subject == ana_subscribed
    assert not Subscription.objects.filter(status="subscribed").exists()


def test_objection_suppresses_every_marketing_channel(ana_subscribed):
    opt_out = services.marketing_objection_record(
        email="ana@example.com", source="privacy request #42"
    )

    assert opt_out.method == "objection" and opt_out.channel == ""
    assert opt_out.reference == "privacy request #42"
    assert SuppressionEntry.objects.get().reason == "objection"
    for kind in ("newsletter", "product_updates", "events", "promotions"):
        assert not services.may_send("ana@example.com", kind)
    for kind in ("transactional", "relationship", "legal"):
        assert services.may_send("ana@example.com", kind)


def test_an_erased_address_stays_suppressed_after_erasure(ana_subscribed):
    services.subscription_unsubscribe(subject=ana_subscribed, channel="events")
    services.suppression_add(email="ana@example.com", reason="erased")
    services.suppression_add(email="ana@example.com", reason="erased")  # idempotent

    report = registry.erase(ana_subscribed, dry_run=False)

    assert report.executed_at
    assert not Subscription.objects.exists()
    assert not SubscriptionEvent.objects.exists()
    assert OptOut.objects.get().reference in ("", "[erased]")
    assert SuppressionEntry.objects.filter(channel="", reason="erased").count() == 1
    assert not services.may_send("ana@example.com", "newsletter")


def test_suppression_add_refuses_nonsense():
    with pytest.raises(ValueError):
        services.suppression_add(email="a@example.com", reason="bored")
    with pytest.raises(ValueError):
        services.suppression_add(email="  ", reason="erased")


def test_personal_data_for_shows_subscriptions(ana_subscribed):
    data = registry.personal_data_for(ana_subscribed)["categories"]["Personal Information"]
    channels = {row["channel"] for row in data["marketing subscriptions"]}
    assert channels == {"newsletter", "events"}


def test_reports_count_opt_ins_per_channel_and_opt_outs_per_month_and_method(ana_subscribed):
    services.subscription_unsubscribe(subject=ana_subscribed, channel="events")
    services.opt_out_record(method=OptOutMethod.POST, email="x@example.com")
    services.opt_out_record(
        method=OptOutMethod.EMAIL,
        email="y@example.com",
        received_at=timezone.now() - datetime.timedelta(days=70),
    )

    assert selectors.opt_in_counts() == {
        "newsletter": 1,
        "product_updates": 0,
        "events": 0,
        "promotions": 0,
    }
    rows = selectors.opt_outs_per_month_and_method()
    assert sum(r["n"] for r in rows) == 3
    assert {r["method"] for r in rows} == {"link", "post", "email"}
    assert len({r["month"] for r in rows}) == 2
    assert selectors.opt_outs_this_month() == 2


def test_consent_evidence_rows_cover_subscriptions_history_and_opt_outs(ana_subscribed):
    services.subscription_unsubscribe(subject=ana_subscribed, channel="events")
    rows = selectors.consent_evidence_rows(subject=ana_subscribed)
    kinds = [row[0] for row in rows[1:]]
    assert kinds.count("subscription") == 2
    assert kinds.count("history") == 3
    assert kinds.count("opt-out") == 1
    assert any("203.0.113.7" in row for row in rows)


def test_list_unsubscribe_headers_carry_a_one_click_link(ana):
    headers = list_unsubscribe_headers(subject=ana, channel="newsletter")

    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url, mailto = [part.strip(" <>") for part in headers["List-Unsubscribe"].split(",")]
    assert url.startswith("http") and "/privacy/unsubscribe/" in url
    assert mailto == "mailto:unsubscribe@infoserv.eu?subject=unsubscribe"
    token = url.rstrip("/").rsplit("/", 1)[1]
    target = unsubscribe_token_read(token)
    assert (target.subject_id, target.channel) == (ana.pk, "newsletter")


def test_suppressing_a_subject_before_erasure_covers_all_its_addresses(ana_subscribed):
    ContactPoint.objects.create(subject=ana_subscribed, kind="email", value="ana@work.example")

    assert services.suppression_add_for_subject(subject=ana_subscribed, reason="erased") == 2
    assert services.suppression_add_for_subject(subject=ana_subscribed, reason="erased") == 0
    registry.erase(ana_subscribed, dry_run=False)

    for address in ("ana@example.com", "ANA@work.example"):
        assert not services.may_send(address, "newsletter")
        assert services.may_send(address, "legal")


def test_demo_data_loads_twice_without_duplicates():
    def counts():
        return [m.objects.count() for m in (Subscription, OptOut, SuppressionEntry)]

    demo.load_demo()
    first = counts()
    demo.load_demo()
    assert counts() == first
    assert first[0] >= 10 and first[1] == 2


def test_one_decision_says_whether_a_consent_changes_anything(ana):
    subscription = subscribe(ana, "newsletter")
    same = {
        "email": " Ana@Example.com ",
        "consented_at": CONSENT_AT,
        "source": "web_form",
        "form": "https://www.infoserv.eu/newsletter",
        "ip": "203.0.113.7",
    }
    assert services.subscription_consent_unchanged(subscription=subscription, **same)
    for name, other in (
        ("consented_at", CONSENT_AT - datetime.timedelta(days=1)),
        ("source", "import"),
        ("form", "https://www.infoserv.eu/other"),
        ("ip", None),
        ("email", "ana.other@example.com"),
    ):
        assert not services.subscription_consent_unchanged(
            subscription=subscription, **{**same, name: other}
        ), name
    assert not services.subscription_consent_unchanged(subscription=None, **same)
    # The service uses the same decision: recording it again writes nothing.
    events = SubscriptionEvent.objects.count()
    _, outcome = services.subscription_opt_in(subject=ana, channel="newsletter", **same)
    assert outcome == "unchanged" and SubscriptionEvent.objects.count() == events
    services.subscription_unsubscribe(subject=ana, channel="newsletter")
    subscription.refresh_from_db()
    assert not services.subscription_consent_unchanged(subscription=subscription, **same)
