import datetime
import uuid

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from privacyops.core import registry
from privacyops.core.models import JobRun
from privacyops.retention import engine, leases, services
from privacyops.retention.models import (
    DispositionReview,
    LegalHold,
    PurgeRun,
    RetentionEvent,
    RetentionRule,
)
from privacyops.subjects.models import AccountContact, ActivityEvent, ContactPoint, DataSubject
from tests.factories import (
    AccountFactory,
    ActivityEventFactory,
    ContactPointFactory,
    DataSubjectFactory,
)

from .conftest import event, months_ago

pytestmark = pytest.mark.django_db


def _run(rule) -> PurgeRun:
    run = services.retention_rule_run(rule=rule)
    assert isinstance(run, PurgeRun)
    return run


def test_expired_events_are_deleted_and_fresh_and_held_ones_kept(legal, events_rule):
    alice, held = DataSubjectFactory(), DataSubjectFactory()
    old = [event(alice, 14) for _ in range(3)]
    fresh = event(alice, 12)
    held_old = event(held, 20)
    anonymous_old = event(None, 15)
    services.legal_hold_place(by=legal, matter="Case 1", reason="dispute", subject=held)

    run = _run(events_rule)

    remaining = set(ActivityEvent.objects.values_list("pk", flat=True))
    assert remaining == {fresh.pk, held_old.pk}
    assert not {e.pk for e in old} & remaining and anonymous_old.pk not in remaining
    assert (run.status, run.rows_deleted, run.rows_skipped_held, run.rows_examined) == (
        PurgeRun.Status.SUCCEEDED,
        4,
        1,
        5,
    )
    assert run.finished_at and run.job_run.status == JobRun.Status.SUCCEEDED
    # Idempotent: the second run deletes nothing more.
    again = _run(events_rule)
    assert (again.rows_deleted, again.rows_skipped_held) == (0, 1)


def test_small_windows_give_the_same_result(settings, legal, events_rule):
    settings.RETENTION_WINDOW_SIZE = 2
    subject = DataSubjectFactory()
    for months in (1, 14, 2, 15, 16, 3, 17, 18):
        event(subject, months)
    run = _run(events_rule)
    assert run.rows_deleted == 5
    assert ActivityEvent.objects.count() == 3
    state = run.checkpoint["subjects.ActivityEvent"]
    assert state["column"] == "occurred_at" and state["done"]


def _windows(rule, size):
    registration = registry.registration_for(ActivityEvent)
    cutoff = rule.cutoff()
    selection = engine.select(rule, registration, cutoff=cutoff)
    state = engine.window_start(rule, registration)
    return [
        (set(ActivityEvent.objects.filter(window).values_list("pk", flat=True)), progress)
        for window, progress in engine.windows(selection, state, size, cutoff=cutoff)
    ]


def test_windows_walk_the_clock_index_and_never_visit_fresh_rows(events_rule):
    subject = DataSubjectFactory()
    expired = [event(subject, months).pk for months in (20, 14, 19, 15, 18, 16, 17)]
    fresh = {event(subject, months).pk for months in (1, 2, 12)}

    windows = _windows(events_rule, 3)

    assert [len(rows) for rows, _ in windows] == [3, 3, 1]
    # Oldest first, each row in exactly one window, no fresh row in any.
    by_age = list(reversed(expired))
    by_age.sort(key=lambda pk: ActivityEvent.objects.get(pk=pk).occurred_at)
    assert [rows for rows, _ in windows] == [set(by_age[:3]), set(by_age[3:6]), set(by_age[6:])]
    assert not fresh & set().union(*(rows for rows, _ in windows))
    assert [progress["done"] for _, progress in windows] == [False, False, True]


def test_windows_split_rows_with_the_same_clock_by_key(settings, events_rule):
    settings.RETENTION_WINDOW_SIZE = 2
    subject = DataSubjectFactory()
    at = months_ago(20)
    same = [ActivityEventFactory(subject=subject, occurred_at=at).pk for _ in range(5)]
    event(subject, 1)

    windows = _windows(events_rule, 2)

    assert [len(rows) for rows, _ in windows] == [2, 2, 1]
    assert set().union(*(rows for rows, _ in windows)) == set(same)
    assert _run(events_rule).rows_deleted == 5
    assert ActivityEvent.objects.count() == 1


def test_a_clock_without_an_index_falls_back_to_key_windows(events_rule):
    from privacyops.marketing.models import Subscription

    rule = RetentionRule(clock=RetentionRule.Clock.REGISTRY_DATE)
    subscriptions = registry.registration_for(Subscription)  # no index on `updated_at`
    assert engine.window_column(rule, subscriptions) is None
    assert "next" in engine.window_start(rule, subscriptions)
    events = registry.registration_for(ActivityEvent)
    assert engine.window_column(events_rule, events) == "occurred_at"


def test_a_hold_on_an_account_covers_its_contacts_and_ends_with_its_period(legal, events_rule):
    account = AccountFactory()
    contact = DataSubjectFactory()
    AccountContact.objects.create(account=account, subject=contact)
    kept = event(contact, 20)
    hold = services.legal_hold_place(
        by=legal,
        matter="Tax audit",
        reason="auditors",
        account=account,
        starts_on=timezone.localdate() - datetime.timedelta(days=3),
        ends_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    assert _run(events_rule).rows_skipped_held == 1
    assert ActivityEvent.objects.filter(pk=kept.pk).exists()

    LegalHold.objects.filter(pk=hold.pk).update(
        ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert _run(events_rule).rows_deleted == 1


def test_released_hold_no_longer_protects(legal, events_rule):
    subject = DataSubjectFactory()
    event(subject, 20)
    hold = services.legal_hold_place(by=legal, matter="M", reason="r", subject=subject)
    services.legal_hold_release(hold=hold, by=legal)
    assert _run(events_rule).rows_deleted == 1
    kinds = list(RetentionEvent.objects.filter(hold=hold).values_list("kind", flat=True))
    assert sorted(kinds) == ["hold_placed", "hold_released"]
    with pytest.raises(ValidationError):
        services.legal_hold_release(hold=hold, by=legal)


def test_dry_run_changes_nothing_and_shows_counts_and_a_sample(legal, events_rule):
    subject, held = DataSubjectFactory(), DataSubjectFactory()
    expired = [event(subject, 14) for _ in range(7)]
    event(subject, 1)
    event(held, 30)
    services.legal_hold_place(by=legal, matter="M", reason="r", subject=held)

    preview = services.retention_rule_run(rule=events_rule, dry_run=True)

    assert (preview.rows, preview.held) == (7, 1)
    entry = preview.entries[0]
    assert entry.model == "subjects.ActivityEvent" and entry.action == "delete rows"
    assert [row["pk"] for row in entry.sample] == sorted(e.pk for e in expired)[:5]
    assert ActivityEvent.objects.count() == 9
    assert not PurgeRun.objects.exists()


def test_the_longest_retention_wins(events_rule):
    RetentionRule.objects.create(
        code="security-log-24",
        name="Security log",
        target_model="subjects.ActivityEvent",
        clock=RetentionRule.Clock.COLLECTED_AT,
        period_count=24,
        period_unit="months",
        action="delete",
        legal_basis="Open investigations",
    )
    subject = DataSubjectFactory()
    event(subject, 14)
    oldest = event(subject, 25)
    assert _run(events_rule).rows_deleted == 1
    assert not ActivityEvent.objects.filter(pk=oldest.pk).exists()
    assert ActivityEvent.objects.count() == 1


def test_leads_without_an_account_are_anonymised_and_their_contacts_deleted():
    rule = RetentionRule.objects.get(code="leads-without-account-24-months")
    stale = DataSubjectFactory(kind="lead", full_name="Old Lead", login_name="old-lead")
    stale.last_activity_at = months_ago(25)
    stale.save()
    ContactPointFactory(subject=stale)
    active = DataSubjectFactory(kind="lead", full_name="Active Lead")
    active.last_activity_at = months_ago(3)
    active.save()
    customer = DataSubjectFactory(kind="lead", full_name="Became Customer")
    customer.last_activity_at = months_ago(30)
    customer.save()
    AccountContact.objects.create(account=AccountFactory(), subject=customer)

    run = _run(rule)

    stale.refresh_from_db()
    assert (stale.full_name, stale.login_name, stale.erased_at is not None) == ("", None, True)
    assert not ContactPoint.objects.filter(subject=stale).exists()
    assert DataSubject.objects.get(pk=active.pk).full_name == "Active Lead"
    assert DataSubject.objects.get(pk=customer.pk).full_name == "Became Customer"
    assert run.rows_anonymised == 1 and run.rows_deleted == 1
    assert _run(rule).rows_anonymised == 0  # a tombstone is not anonymised twice


def test_closed_accounts_lose_contacts_but_billing_records_stay():
    rule = RetentionRule.objects.get(code="closed-accounts-24-months")
    closed = AccountFactory(
        status="closed", closed_at=timezone.localdate() - datetime.timedelta(days=800)
    )
    recent = AccountFactory(
        status="closed", closed_at=timezone.localdate() - datetime.timedelta(days=100)
    )
    open_account = AccountFactory()
    for account in (closed, recent, open_account):
        AccountContact.objects.create(account=account, subject=DataSubjectFactory())

    run = _run(rule)

    assert run.rows_deleted == 1
    assert set(AccountContact.objects.values_list("account_id", flat=True)) == {
        recent.pk,
        open_account.pk,
    }
    closed.refresh_from_db()
    assert closed.billing_address and closed.vat_number  # the billing record is untouched


def test_review_rule_deletes_nothing_until_legal_approves(legal):
    rule = RetentionRule.objects.get(code="billing-records-10-years")
    old = AccountFactory(
        status="closed",
        closed_at=timezone.localdate() - datetime.timedelta(days=3700),
        license_holder_email="holder@example.com",
    )
    run = _run(rule)
    assert run.status == PurgeRun.Status.REVIEW_OPENED and run.rows_disposed == 0
    review = run.review
    assert review.status == DispositionReview.Status.PENDING and review.rows_found == 1
    assert len(mail.outbox) == 0 or "Disposition review" in mail.outbox[0].subject
    # While the review waits, the rule opens no second one and disposes of nothing.
    assert services.retention_rule_run(rule=rule) is None
    old.refresh_from_db()
    assert old.license_holder_email == "holder@example.com"

    services.disposition_review_approve(review=review, by=legal, comment="No audit open")
    disposal = _run(rule)

    old.refresh_from_db()
    assert old.license_holder_email == "" and old.company_name  # registry strategy: blank
    assert disposal.rows_anonymised == 1 and disposal.review == review
    review.refresh_from_db()
    assert review.status == DispositionReview.Status.DISPOSED


def test_extending_a_review_keeps_the_records(legal):
    rule = RetentionRule.objects.get(code="billing-records-10-years")
    AccountFactory(status="closed", closed_at=timezone.localdate() - datetime.timedelta(days=3700))
    review = _run(rule).review
    with pytest.raises(ValidationError):
        services.disposition_review_extend(
            review=review, by=legal, until=timezone.localdate(), comment=""
        )
    services.disposition_review_extend(
        review=review,
        by=legal,
        until=timezone.localdate() + datetime.timedelta(days=365),
        comment="Dispute pending",
    )
    assert services.retention_rule_run(rule=rule) is None
    assert RetentionEvent.objects.filter(kind="review_extended", review=review).exists()


def test_a_rule_another_worker_holds_is_skipped(events_rule):
    event(DataSubjectFactory(), 20)
    assert leases.rule_claim(rule=events_rule, token="other-worker")
    assert services.retention_rule_run(rule=events_rule) is None
    assert ActivityEvent.objects.count() == 1
    assert not leases.rule_claim(rule=events_rule, token="third-worker")
    leases.rule_release(rule=events_rule, token="other-worker")
    assert _run(events_rule).rows_deleted == 1


def _dead_run(rule, state: dict) -> PurgeRun:
    """What a worker killed after its first window of three leaves: a run still 'running'
    with that window's deletions counted, and a lease nobody renews any more."""
    RetentionRule.objects.filter(pk=rule.pk).update(
        lease_owner=uuid.uuid4().hex,
        lease_expires_at=timezone.now() - datetime.timedelta(seconds=1),
    )
    return PurgeRun.objects.create(
        rule=rule,
        cutoff=rule.cutoff(),
        action="delete",
        rows_deleted=3,
        checkpoint={"subjects.ActivityEvent": state},
    )


def test_a_dead_run_is_marked_interrupted_and_the_next_run_resumes_it(settings, events_rule):
    settings.RETENTION_WINDOW_SIZE = 3
    subject = DataSubjectFactory()
    events = [event(subject, 20) for _ in range(9)]
    first_pk, last_pk = events[0].pk, events[-1].pk
    # What a worker killed after its first window leaves behind: a running run whose
    # checkpoint says the first window is done, and that window's rows gone.
    ActivityEvent.objects.filter(pk__lt=first_pk + 3).delete()
    dead = _dead_run(events_rule, {"next": first_pk + 3, "last": last_pk, "held": None})

    run = _run(events_rule)

    dead.refresh_from_db()
    assert dead.status == PurgeRun.Status.INTERRUPTED
    assert run.resumed_from == dead and run.cutoff == dead.cutoff
    assert dead.rows_deleted + run.rows_deleted == 9
    assert not ActivityEvent.objects.exists()
    assert RetentionEvent.objects.filter(kind="run_interrupted", run=dead).exists()


def test_a_dead_run_along_the_clock_index_resumes_after_its_last_window(events_rule):
    subject = DataSubjectFactory()
    events = sorted((event(subject, 14 + i) for i in range(9)), key=lambda e: (e.occurred_at, e.pk))
    fresh = event(subject, 2)
    # Killed after its first window of three: the three oldest are gone, the checkpoint
    # names the last of them.
    last_done = events[2]
    ActivityEvent.objects.filter(pk__in=[e.pk for e in events[:3]]).delete()
    dead = _dead_run(
        events_rule,
        {
            "column": "occurred_at",
            "after": [last_done.occurred_at.isoformat(), last_done.pk],
            "done": False,
            "held": 0,
        },
    )

    run = _run(events_rule)

    assert run.resumed_from == dead and run.rows_deleted == 6
    assert list(ActivityEvent.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert run.checkpoint["subjects.ActivityEvent"]["done"]


def test_a_run_that_loses_the_database_is_interrupted_and_the_next_run_resumes_it(
    settings, events_rule, monkeypatch
):
    """A database restart mid-run (the connection error, not a bug in the rule): the run is
    interrupted, not failed, and the next run carries on from its checkpoint and cutoff."""
    from django.db import OperationalError

    from privacyops.retention import runs

    settings.RETENTION_WINDOW_SIZE = 3
    subject = DataSubjectFactory()
    for _ in range(9):
        event(subject, 20)
    real, windows = engine.delete_window, []

    def delete_then_lose_the_database(*args, **kwargs):
        windows.append(1)
        if len(windows) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    monkeypatch.setattr(runs.engine, "delete_window", delete_then_lose_the_database)
    dead = _run(events_rule)
    assert dead.status == PurgeRun.Status.INTERRUPTED and "connection was lost" in dead.errors
    assert dead.rows_deleted == 3 and ActivityEvent.objects.count() == 6

    monkeypatch.undo()
    run = _run(events_rule)
    assert run.resumed_from == dead and run.cutoff == dead.cutoff
    assert dead.rows_deleted + run.rows_deleted == 9 and not ActivityEvent.objects.exists()
    # Taken up once: a third run starts anew.
    assert _run(events_rule).resumed_from is None


def test_erase_honours_legal_holds(legal):
    subject = DataSubjectFactory()
    ContactPointFactory(subject=subject)
    services.legal_hold_place(by=legal, matter="Case 9", reason="r", subject=subject)
    report = registry.erase(subject, dry_run=False)
    assert report.held_by and "Case 9" in report.held_by[0]
    assert ContactPoint.objects.filter(subject=subject).exists()


def test_expiring_holds_are_announced_to_legal_once(legal, django_capture_on_commit_callbacks):
    subject = DataSubjectFactory()
    soon = services.legal_hold_place(
        by=legal,
        matter="Ending soon",
        reason="r",
        subject=subject,
        ends_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    services.legal_hold_place(
        by=legal,
        matter="Far away",
        reason="r",
        subject=subject,
        ends_on=timezone.localdate() + datetime.timedelta(days=90),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.legal_holds_announce_expiring() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.legal_holds_announce_expiring() == 0
    assert len(mail.outbox) == 1
    assert "Ending soon" in mail.outbox[0].subject
    assert mail.outbox[0].to == ["legal@infoserv.eu"]
    soon.refresh_from_db()
    assert soon.expiry_announced_at is not None


def test_a_hold_covers_a_subject_or_an_account_not_both(legal):
    with pytest.raises(ValidationError):
        services.legal_hold_place(
            by=legal, matter="M", reason="r", subject=DataSubjectFactory(), account=AccountFactory()
        )


def test_each_clock_reaches_the_date_it_names():
    from privacyops.retention import engine
    from privacyops.subjects.models import Account

    def rule(clock):
        return RetentionRule(clock=clock, period_count=1, period_unit="days", target_category="x")

    now = timezone.now()
    events = registry.registration_for(ActivityEvent)
    contacts = registry.registration_for(AccountContact)
    accounts = registry.registration_for(Account)
    assert "occurred_at__lte" in str(engine.clock_q(rule("collected_at"), events, now))
    assert "subject__last_activity_at" in str(engine.clock_q(rule("last_activity"), events, now))
    assert "account__closed_at" in str(engine.clock_q(rule("account_closed"), contacts, now))
    assert "closed_at" in str(engine.clock_q(rule("account_closed"), accounts, now))
    # An account's closing is not a request's closing; events belong to no account.
    assert engine.clock_q(rule("request_closed"), accounts, now) is None
    assert engine.clock_q(rule("account_closed"), events, now) is None


def test_old_closed_privacy_requests_go_with_their_whole_file_once_legal_approves(
    legal, settings, tmp_path, django_capture_on_commit_callbacks
):
    from privacyops.dsr import services as dsr_services
    from privacyops.dsr.models import ErasureCertificate, PrivacyRequest, RequestEvent
    from privacyops.dsr.services import package_path
    from tests.dsr.factories import submit
    from tests.dsr.fulfilment_rows import fulfilment_row

    settings.PRIVATE_STORAGE_ROOT = str(tmp_path)
    package = fulfilment_row("dsr.AccessPackage")
    package = dsr_services.access_package_build(package_id=package.pk)
    package_file = package_path(package)
    assert package_file.exists()
    erased = fulfilment_row("dsr.ErasureCertificate").request
    held = fulfilment_row("dsr.SubjectChange").request
    old = [package.request, erased]
    recent, repeat, still_open = submit(), submit(), submit()
    PrivacyRequest.objects.filter(pk=repeat.pk).update(duplicate_of=package.request)
    four_years_ago = timezone.now() - datetime.timedelta(days=4 * 366)
    PrivacyRequest.objects.filter(pk__in=[r.pk for r in [*old, held]]).update(
        state="completed", closed_at=four_years_ago
    )
    PrivacyRequest.objects.filter(pk=recent.pk).update(
        state="completed", closed_at=timezone.now() - datetime.timedelta(days=40)
    )
    services.legal_hold_place(
        by=legal, matter="Complaint to the CPDP", reason="r", subject=held.subject
    )
    rule = RetentionRule.objects.get(code="privacy-requests-3-years")
    assert rule.processing_activity.code == "privacy-requests"

    review = _run(rule).review
    assert review.rows_found == 2 and PrivacyRequest.objects.count() == 6  # nothing yet

    services.disposition_review_approve(review=review, by=legal, comment="No complaint pending")
    with django_capture_on_commit_callbacks(execute=True):
        disposal = _run(rule)

    assert (disposal.rows_deleted, disposal.rows_skipped_held) == (2, 1)
    assert set(PrivacyRequest.objects.values_list("pk", flat=True)) == {
        recent.pk,
        repeat.pk,
        still_open.pk,
        held.pk,
    }
    assert not RequestEvent.objects.filter(request_id__in=[r.pk for r in old]).exists()
    assert not ErasureCertificate.objects.exists()
    assert not package_file.exists()
    repeat.refresh_from_db()
    assert repeat.duplicate_of is None
    assert RequestEvent.objects.filter(request=held).exists()  # under hold: all of it kept
