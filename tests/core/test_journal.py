"""The erasure journal: a line per erasure, purge and suppression after commit, identifiers
only; the replay re-applies what a restored backup brought back, idempotently."""

import datetime
import io
import json
import os
import stat

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from privacyops.core import journal, registry
from privacyops.dsr import services as dsr
from privacyops.dsr.models import RequestType
from privacyops.marketing import services as marketing
from privacyops.marketing.models import SuppressionEntry
from privacyops.retention import services as retention
from privacyops.retention.models import RetentionRule
from privacyops.subjects.models import ActivityEvent, ContactPoint, DataSubject
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import EMAIL, subject_in_every_model
from tests.factories import ActivityEventFactory, DataSubjectFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


@pytest.fixture
def lena(db):
    return UserFactory(username="lena-journal", role="Legal")


def erase_by_request(lena, capture):
    with capture(execute=True):  # the journal is written on commit: every line of it
        subject = subject_in_every_model()
        request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)
        _, plan = dsr.erasure_preview(request=request, by=lena)
        dsr.erasure_execute(request=request, by=lena, plan=plan)
    return subject, request


def replay(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("erasure_journal_replay", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def test_an_erasure_is_journalled_after_commit_with_identifiers_only(
    storage, lena, django_capture_on_commit_callbacks
):
    subject, request = erase_by_request(lena, django_capture_on_commit_callbacks)
    lines = journal.entries()
    erasures = [e for e in lines if e["kind"] == journal.ERASURE]
    assert erasures == [
        {
            "at": erasures[0]["at"],
            "kind": "erasure",
            "because": f"request {request.reference}",
            "subject_model": "subjects.DataSubject",
            "subject": subject.pk,
        }
    ]
    # Her addresses went on the suppression list: journalled as the list holds them, hashed.
    hashes = {e["email_hash"] for e in lines if e["kind"] == journal.SUPPRESSION}
    assert hashes == set(SuppressionEntry.objects.values_list("email_hash", flat=True))
    (path,) = journal.files()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    text = path.read_text()
    for value in (EMAIL, "Maria Ivanova", "+359 88 123 4567", "CFO"):
        assert value not in text


def test_a_rolled_back_erasure_writes_nothing(storage, django_capture_on_commit_callbacks):
    subject = DataSubjectFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        registry.erase(subject, dry_run=False)
        raise RuntimeError("the request's certificate failed")
    assert journal.entries() == []
    subject.refresh_from_db()
    assert subject.erased_at is None


def _restore_the_person(subject: DataSubject) -> None:
    """What restoring a backup taken before the erasure does to her rows."""
    DataSubject.objects.filter(pk=subject.pk).update(
        full_name="Maria Ivanova", title="CFO", erased_at=None
    )
    ContactPoint.objects.create(subject_id=subject.pk, kind="email", value=EMAIL)
    SuppressionEntry.objects.all().delete()


def test_replay_reapplies_erasures_and_suppressions_since_the_backup_idempotently(
    storage, lena, django_capture_on_commit_callbacks
):
    backup_taken_at = timezone.now()
    subject, _ = erase_by_request(lena, django_capture_on_commit_callbacks)
    suppressed = set(SuppressionEntry.objects.values_list("email_hash", "channel"))
    _restore_the_person(subject)

    status, out = replay("--backup-taken-at", backup_taken_at.isoformat(), "--margin-minutes", "0")
    assert status == 0, out
    assert "erasure: erased again" in out and "suppression: suppressed again" in out
    subject.refresh_from_db()
    assert subject.full_name == "" and subject.erased_at is not None
    assert not ContactPoint.objects.filter(subject=subject).exists()
    assert set(SuppressionEntry.objects.values_list("email_hash", "channel")) == suppressed
    assert not marketing.may_send(EMAIL, "newsletter")

    # Replaying again changes nothing and journals nothing new.
    before = len(journal.entries())
    status, out = replay("--since", backup_taken_at.isoformat(), "--format", "json")
    assert status == 0
    outcomes = {line["outcome"] for line in json.loads(out)["applied"]}
    assert outcomes == {"already erased", "already suppressed"}
    assert len(journal.entries()) == before


def test_replay_skips_what_happened_before_the_backup(
    storage, lena, django_capture_on_commit_callbacks
):
    subject, _ = erase_by_request(lena, django_capture_on_commit_callbacks)
    _restore_the_person(subject)
    later = timezone.now() + datetime.timedelta(seconds=1)
    status, out = replay("--since", later.isoformat())
    assert status == 0 and "0 line(s)" in out
    subject.refresh_from_db()
    assert subject.erased_at is None  # that backup already held the erasure


def test_a_purge_is_replayed_with_its_rule_and_cutoff(storage, django_capture_on_commit_callbacks):
    rule = RetentionRule.objects.get(code="activity-events-13-months")
    old = timezone.now() - datetime.timedelta(days=500)
    person = DataSubjectFactory()
    ActivityEventFactory(subject=person, occurred_at=old, page="/old")
    fresh = ActivityEventFactory(subject=person, occurred_at=timezone.now(), page="/new")
    backup_taken_at = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        run = retention.retention_rule_run(rule=rule)
    assert run.rows_deleted == 1
    (line,) = [e for e in journal.entries() if e["kind"] == journal.PURGE]
    assert line["rule"] == rule.code and line["action"] == run.action
    assert datetime.datetime.fromisoformat(line["cutoff"]) == run.cutoff
    restored = ActivityEventFactory(subject=person, occurred_at=old, page="/old")  # the backup

    status, out = replay("--since", backup_taken_at.isoformat())
    assert status == 0, out
    assert "purge: disposed of 1 rows again" in out
    assert set(ActivityEvent.objects.values_list("pk", flat=True)) == {fresh.pk}
    assert not ActivityEvent.objects.filter(pk=restored.pk).exists()


def test_a_line_nobody_can_apply_is_a_problem_and_a_torn_line_is_skipped(storage):
    at = timezone.now()
    journal.append({"at": at.astimezone(datetime.UTC).isoformat(), "kind": "mystery"})
    (journal.files()[0]).open("a").write('{"at": "2026-')  # a crash mid-write
    status, out = replay("--since", (at - datetime.timedelta(seconds=1)).isoformat())
    assert status == 1
    assert "no replayer for 'mystery'" in out


def test_a_hold_in_the_restored_data_stops_the_replay_for_that_person(
    storage, lena, django_capture_on_commit_callbacks
):
    backup_taken_at = timezone.now()
    subject, _ = erase_by_request(lena, django_capture_on_commit_callbacks)
    _restore_the_person(subject)
    retention.legal_hold_place(by=lena, matter="Dispute", reason="evidence", subject=subject)
    status, out = replay("--since", backup_taken_at.isoformat())
    assert status == 1
    assert "a legal hold in the restored data stops it" in out
