"""Ingestion of Other Information: `load_activity` and the service behind it."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from privacyops.core.models import JobRun
from privacyops.subjects import ingest
from privacyops.subjects.models import ActivityEvent
from tests.factories import ContactPointFactory, DataSubjectFactory

pytestmark = pytest.mark.django_db

CHROME_WIN = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


def event(n, **overrides):
    return {
        "occurred_at": f"2026-03-01T10:{n % 60:02d}:00+00:00",
        "ip": f"198.51.100.{n % 250 + 1}",
        "user_agent": CHROME_WIN,
        "page": f"/pricing?p={n}",
        "referrer": "https://www.google.com/",
        "login": "",
        **overrides,
    }


def write_jsonl(path, records):
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records))
    return path


def write_csv(path, records):
    import csv

    with path.open("w", newline="") as stream:
        writer = csv.DictWriter(
            stream,
            ["occurred_at", "ip", "user_agent", "page", "referrer", "login", "email"],
            extrasaction="ignore",
        )
        writer.writeheader()
        for record in records:
            writer.writerow(record)
    return path


def test_loads_links_and_derives_browser_and_os(tmp_path):
    ana = DataSubjectFactory(login_name="ana")
    bob = DataSubjectFactory(login_name="bob")
    ContactPointFactory(subject=bob, value="bob@example.com")
    path = write_jsonl(
        tmp_path / "events.jsonl",
        [
            event(1, login="ana"),
            event(2, email="BOB@example.com", user_agent=SAFARI_IPHONE),
            event(3, login="stranger"),
        ],
    )
    result = ingest.activity_events_load(path=path)
    assert result.loaded == 3 and result.rejected_count == 0
    by_page = {e.page: e for e in ActivityEvent.objects.all()}
    assert by_page["/pricing?p=1"].subject == ana
    assert by_page["/pricing?p=2"].subject == bob
    assert by_page["/pricing?p=3"].subject is None
    assert (by_page["/pricing?p=1"].browser, by_page["/pricing?p=1"].operating_system) == (
        "Chrome 120",
        "Windows 10/11",
    )
    assert by_page["/pricing?p=2"].browser == "Safari 17"
    assert by_page["/pricing?p=2"].operating_system == "iOS 17"
    ana.refresh_from_db()
    assert ana.last_activity_at.isoformat() == "2026-03-01T10:01:00+00:00"


def test_csv_with_the_same_columns(tmp_path):
    DataSubjectFactory(login_name="ana")
    path = write_csv(tmp_path / "events.csv", [event(n, login="ana") for n in range(5)])
    result = ingest.activity_events_load(path=path)
    assert result.loaded == 5
    assert ActivityEvent.objects.filter(subject__login_name="ana").count() == 5


def test_malformed_lines_are_rejected_by_number_and_good_batches_stay(tmp_path):
    records = [event(n) for n in range(1, 8)]
    records[2] = "{not json"  # line 3
    records[4] = event(5, occurred_at="yesterday")  # line 5
    records[5] = event(6, ip="999.1.1.1")  # line 6
    path = write_jsonl(tmp_path / "events.jsonl", records)
    result = ingest.activity_events_load(path=path, batch_size=2)
    assert [number for number, _ in result.rejected] == [3, 5, 6]
    assert "occurred_at" in result.rejected[1][1] and "ip" in result.rejected[2][1]
    assert result.loaded == 4 == ActivityEvent.objects.count()
    run = JobRun.objects.get(pk=result.run.pk)
    assert run.status == JobRun.Status.SUCCEEDED
    assert run.summary["rejected"] == 3 and run.summary["loaded"] == 4


def test_csv_line_numbers_count_the_header(tmp_path):
    records = [event(1), event(2, email="bad email"), event(3)]
    path = write_csv(tmp_path / "events.csv", records)
    result = ingest.activity_events_load(path=path)
    assert [number for number, _ in result.rejected] == [3]


def test_one_query_per_lookup_per_batch_not_per_row(tmp_path):
    for n in range(20):
        DataSubjectFactory(login_name=f"user{n}")
    path = write_jsonl(
        tmp_path / "events.jsonl",
        [event(n, login=f"user{n % 20}", email=f"u{n}@example.com") for n in range(200)],
    )
    with CaptureQueriesContext(connection) as queries:
        ingest.activity_events_load(path=path, batch_size=100)
    # Per batch: subjects by login, contact points by e-mail, the write, last-activity
    # read + update, job progress. Constant per batch, whatever the number of rows.
    assert len(queries) < 30


def test_running_twice_loads_once(tmp_path):
    path = write_jsonl(tmp_path / "events.jsonl", [event(n) for n in range(10)])
    ingest.activity_events_load(path=path, batch_size=3)
    again = ingest.activity_events_load(path=path, batch_size=3)
    assert again.already_loaded and again.loaded == 0
    assert ActivityEvent.objects.count() == 10


def test_an_interrupted_load_resumes_after_the_last_committed_batch(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "events.jsonl", [event(n) for n in range(1, 11)])
    original = ingest.write_events
    calls = {"n": 0}

    def failing_write(rows, subject_ids):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionError("database went away")
        return original(rows, subject_ids)

    monkeypatch.setattr(ingest, "write_events", failing_write)
    with pytest.raises(ConnectionError):
        ingest.activity_events_load(path=path, batch_size=3)
    assert ActivityEvent.objects.count() == 6  # two batches committed, the third rolled back
    failed = JobRun.objects.get(job="load_activity")
    assert failed.status == JobRun.Status.FAILED
    assert failed.summary["committed_through_line"] == 6

    monkeypatch.setattr(ingest, "write_events", original)
    resumed = ingest.activity_events_load(path=path, batch_size=3)
    assert resumed.resumed_after_line == 6 and resumed.loaded == 4
    assert sorted(ActivityEvent.objects.values_list("page", flat=True)) == sorted(
        f"/pricing?p={n}" for n in range(1, 11)
    )


def test_command_prints_progress_and_fails_when_lines_were_rejected(tmp_path, capsys):
    good = write_jsonl(tmp_path / "good.jsonl", [event(n) for n in range(12)])
    call_command("load_activity", str(good), "--batch-size", "5")
    out = capsys.readouterr().out
    assert "line 5 of 12" in out and "Loaded 12 events, rejected 0 lines" in out

    bad = write_jsonl(tmp_path / "bad.jsonl", [event(1), "[]", event(3, occurred_at="")])
    with pytest.raises(CommandError) as failure:
        call_command("load_activity", str(bad))
    assert failure.value.returncode == 2
    captured = capsys.readouterr()
    assert "line 2:" in captured.err and "line 3: occurred_at: missing" in captured.err
    assert ActivityEvent.objects.count() == 13


def test_command_exit_status_is_non_zero_from_the_shell(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    bad = write_jsonl(tmp_path / "bad.jsonl", ["{oops"])
    db = connection.settings_dict
    env = dict(os.environ)
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        pytest.skip("needs a database a second process can see")
    process = subprocess.run(
        [sys.executable, "manage.py", "load_activity", str(bad)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert process.returncode != 0
    assert "line 1: not valid JSON" in process.stderr


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_batches_commit_on_their_own_thread_in_file_order(tmp_path):
    DataSubjectFactory(login_name="ana")
    records = [event(n, login="ana") for n in range(1, 12)]
    records[6] = "not json"  # line 7
    path = write_jsonl(tmp_path / "events.jsonl", records)
    seen = []
    result = ingest.activity_events_load(
        path=path, batch_size=2, progress=lambda done, *rest: seen.append(done)
    )
    assert result.loaded == 10 and [n for n, _ in result.rejected] == [7]
    assert seen[:-1] == sorted(seen[:-1]) and seen[-1] == 11
    run = JobRun.objects.get(pk=result.run.pk)
    assert run.summary["committed_through_line"] == 11 and run.summary["complete"]
    assert ActivityEvent.objects.filter(subject__login_name="ana").count() == 10


@pytest.mark.django_db(transaction=True)
def test_a_failing_background_batch_stops_the_load_and_keeps_earlier_batches(tmp_path, monkeypatch):
    path = write_jsonl(tmp_path / "events.jsonl", [event(n) for n in range(1, 11)])
    original = ingest.write_events
    calls = {"n": 0}

    def failing_write(rows, subject_ids):
        calls["n"] += 1
        if calls["n"] == 2:
            raise ConnectionError("database went away")
        return original(rows, subject_ids)

    monkeypatch.setattr(ingest, "write_events", failing_write)
    with pytest.raises(ConnectionError):
        ingest.activity_events_load(path=path, batch_size=3)
    assert ActivityEvent.objects.count() == 3
    failed = JobRun.objects.get(job="load_activity")
    assert failed.status == JobRun.Status.FAILED
    assert failed.summary["committed_through_line"] == 3
    monkeypatch.setattr(ingest, "write_events", original)
    resumed = ingest.activity_events_load(path=path, batch_size=3)
    assert resumed.resumed_after_line == 3 and ActivityEvent.objects.count() == 10


def test_last_activity_moves_forward_by_the_day_not_by_every_event(tmp_path):
    import datetime

    ana = DataSubjectFactory(
        login_name="ana", last_activity_at=datetime.datetime(2026, 3, 1, 9, tzinfo=datetime.UTC)
    )
    same_day = write_jsonl(tmp_path / "a.jsonl", [event(1, login="ana")])  # 10:01 that day
    ingest.activity_events_load(path=same_day)
    ana.refresh_from_db()
    assert ana.last_activity_at.isoformat() == "2026-03-01T09:00:00+00:00"
    later = write_jsonl(
        tmp_path / "b.jsonl", [event(2, login="ana", occurred_at="2026-03-04T08:00:00+00:00")]
    )
    ingest.activity_events_load(path=later)
    ana.refresh_from_db()
    assert ana.last_activity_at.isoformat() == "2026-03-04T08:00:00+00:00"
