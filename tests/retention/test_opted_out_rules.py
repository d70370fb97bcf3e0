"""People who opted out of marketing: their subscription records go 24 months after the opt-out,
newsletter-only people altogether; the hashed suppression entry stays (issue 20)."""

import pytest

from privacyops.marketing import selectors as marketing_selectors
from privacyops.marketing import services as marketing
from privacyops.marketing.models import (
    OptOut,
    Subscription,
    SubscriptionEvent,
    SuppressionEntry,
)
from privacyops.retention import services
from privacyops.retention.models import PurgeRun, RetentionRule
from privacyops.subjects.models import AccountContact, ContactPoint, DataSubject
from tests.factories import AccountFactory, ContactPointFactory, DataSubjectFactory
from tests.marketing.conftest import subscribe

from .conftest import months_ago

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "opted-out-subscriptions-24-months"
HISTORY = "opted-out-subscription-history-24-months"
PEOPLE = "newsletter-only-opted-out-24-months"


def _rule(code) -> RetentionRule:
    return RetentionRule.objects.get(code=code)


def _run(code) -> PurgeRun:
    run = services.retention_rule_run(rule=_rule(code))
    assert isinstance(run, PurgeRun) and run.status == PurgeRun.Status.SUCCEEDED, run
    return run


def _person(email, *, kind="newsletter_subscriber"):
    subject = DataSubjectFactory(kind=kind, full_name=f"Person {email}")
    ContactPointFactory(subject=subject, value=email)
    return subject


def _opted_out(subject, months, channel="newsletter"):
    """Subscribed, then unsubscribed `months` ago (through the service, as a link click)."""
    subscribe(subject, channel, at=months_ago(months + 6))
    marketing.subscription_unsubscribe(subject=subject, channel=channel)
    Subscription.objects.filter(subject=subject, channel=channel).update(
        unsubscribed_at=months_ago(months), updated_at=months_ago(months)
    )
    OptOut.objects.filter(subject=subject, channel=channel).update(received_at=months_ago(months))
    return Subscription.objects.get(subject=subject, channel=channel)


def test_seeded_rules_default_to_24_months_after_the_opt_out():
    for code in (SUBSCRIPTIONS, HISTORY, PEOPLE):
        rule = _rule(code)
        assert (rule.clock, rule.period_count, rule.period_unit) == ("opted_out", 24, "months")
        assert rule.is_active and rule.processing_activity.code == "marketing"
    assert _rule(PEOPLE).action == "anonymise" and _rule(PEOPLE).only_without_account
    assert _rule(PEOPLE).kinds == ["newsletter_subscriber"]


def test_ended_subscriptions_go_after_24_months_and_the_suppression_stays():
    old = _opted_out(_person("old@example.com"), 25)
    recent = _opted_out(_person("recent@example.com"), 23)
    running = _person("running@example.com")
    subscribe(running, "newsletter", at=months_ago(40))

    history = _run(HISTORY)
    run = _run(SUBSCRIPTIONS)

    assert not SubscriptionEvent.objects.filter(subscription_id=old.pk).exists()
    assert history.rows_deleted == 2  # consent given, opted out
    assert set(Subscription.objects.values_list("pk", flat=True)) == {
        recent.pk,
        running.subscriptions.get().pk,
    }
    assert run.rows_deleted == 1
    # The opt-out is still honoured: the address's hash is on the suppression list.
    assert not marketing_selectors.may_send("old@example.com", "newsletter")
    assert OptOut.objects.filter(subject=old.subject).exists()


def test_an_ended_subscription_imported_without_suppression_is_suppressed_before_it_goes():
    subject = _person("imported@example.com")
    subscription = Subscription.objects.create(
        subject=subject,
        channel="newsletter",
        email="imported@example.com",
        status=Subscription.Status.UNSUBSCRIBED,
        consented_at=months_ago(60),
        consent_source="import",
        unsubscribed_at=months_ago(30),
    )
    assert not SuppressionEntry.objects.exists()

    _run(SUBSCRIPTIONS)

    assert not Subscription.objects.filter(pk=subscription.pk).exists()
    hashed = marketing_selectors.email_hash("imported@example.com")
    assert SuppressionEntry.objects.filter(email_hash=hashed, channel="newsletter").exists()


def test_newsletter_only_people_who_opted_out_long_ago_are_anonymised():
    gone = _person("gone@example.com")
    _opted_out(gone, 26, "newsletter")
    _opted_out(gone, 25, "events")
    partly = _person("partly@example.com")  # one channel ended long ago, one recently
    _opted_out(partly, 30, "newsletter")
    _opted_out(partly, 2, "events")
    still = _person("still@example.com")  # one ended, one still running
    _opted_out(still, 30, "newsletter")
    subscribe(still, "events", at=months_ago(40))
    contact = _person("contact@example.com")  # also a customer's contact: not newsletter-only
    _opted_out(contact, 30)
    AccountContact.objects.create(account=AccountFactory(), subject=contact, role="billing")
    lead = _person("lead@example.com", kind="lead")  # other kinds have their own rules
    _opted_out(lead, 30)
    never = _person("never@example.com")  # never subscribed: this clock has not started

    run = _run(PEOPLE)

    gone.refresh_from_db()
    assert gone.erased_at is not None and gone.full_name == ""
    assert not ContactPoint.objects.filter(subject=gone).exists()
    assert not Subscription.objects.filter(subject=gone).exists()
    assert OptOut.objects.filter(subject=gone).exists()  # proof it was honoured, masked
    for kept in (partly, still, contact, lead, never):
        kept.refresh_from_db()
        assert kept.erased_at is None and kept.full_name, kept
        assert ContactPoint.objects.filter(subject=kept).exists()
    assert run.rows_disposed >= 3  # the person, the address, the subscriptions
    assert not marketing_selectors.may_send("gone@example.com", "newsletter")


def test_holds_and_restricted_processing_keep_people_who_opted_out(legal):
    held = _person("held@example.com")
    _opted_out(held, 30)
    restricted = _person("restricted@example.com")
    _opted_out(restricted, 30)
    DataSubject.objects.filter(pk=restricted.pk).update(processing_restricted_at=months_ago(1))
    services.legal_hold_place(by=legal, matter="Complaint", reason="dispute", subject=held)

    people = _run(PEOPLE)
    subscriptions = _run(SUBSCRIPTIONS)

    for kept in (held, restricted):
        kept.refresh_from_db()
        assert kept.erased_at is None
        assert Subscription.objects.filter(subject=kept).exists()
    assert people.rows_skipped_held >= 2 and subscriptions.rows_skipped_held == 2


def test_a_longer_rule_over_the_same_subscriptions_wins():
    subject = _person("kept-longer@example.com")
    subscription = _opted_out(subject, 30)
    RetentionRule.objects.create(
        code="subscriptions-evidence-5-years",
        name="Subscriptions: 5 years after the opt-out (a dispute)",
        target_model="marketing.Subscription",
        clock="opted_out",
        period_count=5,
        period_unit="years",
        action="delete",
        legal_basis="A pending dispute about consent evidence.",
    )

    run = _run(SUBSCRIPTIONS)

    assert Subscription.objects.filter(pk=subscription.pk).exists()
    assert run.rows_deleted == 0


def test_a_resubscribed_person_is_not_on_the_opted_out_clock():
    subject = _person("back@example.com")
    _opted_out(subject, 30)
    marketing.subscription_opt_in(
        subject=subject,
        email="back@example.com",
        channel="newsletter",
        consented_at=months_ago(1),
        source="web_form",
        renewed_after_opt_out=True,
    )

    _run(SUBSCRIPTIONS)
    _run(PEOPLE)

    subject.refresh_from_db()
    assert subject.erased_at is None
    assert subject.subscriptions.get().status == Subscription.Status.SUBSCRIBED
