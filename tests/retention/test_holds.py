"""Legal-hold coverage: one definition (retention.selectors), read by the purge engine and by
the registry's erasure check alike."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import registry
from privacyops.retention import engine, selectors, services
from privacyops.retention.models import LegalHold, RetentionRule
from privacyops.subjects.models import AccountContact, ActivityEvent, DataSubject
from tests.factories import AccountFactory, DataSubjectFactory

from .conftest import event

pytestmark = pytest.mark.django_db


def _people(legal):
    """One person for each way of being kept, and some who are not."""
    today = timezone.localdate()
    p = {
        name: DataSubjectFactory(full_name=name)
        for name in (
            "held",
            "contact",
            "holder",
            "restricted",
            "released",
            "future",
            "ended",
            "free",
        )
    }
    account = AccountFactory(license_holder=p["holder"])
    AccountContact.objects.create(account=account, subject=p["contact"], role="billing")
    services.legal_hold_place(by=legal, matter="On the person", reason="r", subject=p["held"])
    services.legal_hold_place(by=legal, matter="On the account", reason="r", account=account)
    released = services.legal_hold_place(
        by=legal, matter="Released", reason="r", subject=p["released"]
    )
    services.legal_hold_release(hold=released, by=legal)
    services.legal_hold_place(
        by=legal,
        matter="Not yet",
        reason="r",
        subject=p["future"],
        starts_on=today + datetime.timedelta(days=3),
    )
    LegalHold.objects.create(
        subject=p["ended"],
        matter="Ended",
        reason="r",
        starts_on=today - datetime.timedelta(days=30),
        ends_on=today - datetime.timedelta(days=1),
        placed_by=legal,
    )
    DataSubject.objects.filter(pk=p["restricted"].pk).update(
        processing_restricted_at=timezone.now()
    )
    return p, account


def _names(ids) -> set[str]:
    return set(DataSubject.objects.filter(pk__in=ids).values_list("full_name", flat=True))


def test_one_definition_of_who_a_hold_covers_and_who_retention_keeps(legal, events_rule):
    p, account = _people(legal)

    assert _names(selectors.subjects_under_hold()) == {"held", "contact", "holder"}
    # Restricted processing (GDPR Art. 18) keeps the data from disposal, like a hold.
    assert _names(selectors.subjects_kept()) == {"held", "contact", "holder", "restricted"}
    # The same set read as ids (what a month swap reads once per month).
    assert selectors.subject_ids_kept() == set(
        selectors.subjects_kept().values_list("pk", flat=True)
    )
    assert list(selectors.accounts_under_hold().values_list("account_id", flat=True)) == [
        account.pk
    ]

    # The registry's erasure check: the holds themselves, and a restriction is none of them.
    assert [h.matter for h in selectors.holds_covering(subject=p["holder"])] == ["On the account"]
    assert [h.matter for h in selectors.holds_covering(subject=p["held"])] == ["On the person"]
    for name in ("restricted", "released", "future", "ended", "free"):
        assert selectors.holds_covering(subject=p[name]) == []
    assert registry.holds_on(p["contact"]) and not registry.holds_on(p["restricted"])

    # The engine's SQL (what a run keeps) and its count (what a run reports kept) agree.
    for person in p.values():
        event(person, 20)
    registration = registry.registration_for(ActivityEvent)
    selection = engine.select(events_rule, registration, cutoff=events_rule.cutoff(timezone.now()))
    assert _names(engine.held_rows(selection).values("subject_id")) == _names(
        selectors.subjects_kept()
    )
    assert _names(selection.disposable.values("subject_id")) == {
        "released",
        "future",
        "ended",
        "free",
    }
    run = services.retention_rule_run(rule=events_rule)
    assert (run.rows_deleted, run.rows_skipped_held) == (4, 4)
    assert _names(ActivityEvent.objects.values("subject_id")) == _names(selectors.subjects_kept())


def test_the_active_rules_are_the_ones_every_runner_runs(events_rule):
    RetentionRule.objects.exclude(pk=events_rule.pk).update(is_active=False)
    assert list(selectors.rules_active()) == [events_rule]
    assert [rule for rule, _ in services.retention_run_all(dry_run=True)] == [events_rule]
