"""POST /api/v1/events/: load_activity's rows and checks, all or nothing, replays add nothing."""

import json

import pytest

from privacyops.api.models import ReceivedEvent
from privacyops.subjects.models import ActivityEvent
from tests.api.conftest import post
from tests.api.factories import api_client
from tests.factories import DataSubjectFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/events/"


def event(n, **fields):
    return {
        "event_id": f"crm-{n}",
        "occurred_at": f"2026-03-01T10:{n % 60:02d}:00Z",
        "ip": "192.0.2.10",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0",
        "page": f"/deals/{n}",
        "referrer": "",
        "login": "ana",
        **fields,
    }


def test_a_batch_is_loaded_and_linked_to_its_subjects(client, crm):
    ana = DataSubjectFactory(login_name="ana")
    _, key = crm

    response = post(client, URL, {"events": [event(n) for n in range(50)]}, key)

    assert response.status_code == 200, response.json()
    assert response.json() == {"received": 50, "loaded": 50, "already_received": 0}
    assert ActivityEvent.objects.filter(subject=ana).count() == 50
    stored = ActivityEvent.objects.get(page="/deals/7")
    assert (stored.browser, stored.operating_system, stored.ip) == (
        "Chrome 120",
        "Linux",
        "192.0.2.10",
    )
    ana.refresh_from_db()
    assert ana.last_activity_at is not None


def test_a_replayed_batch_adds_nothing_and_an_overlapping_one_only_the_new(client, crm):
    _, key = crm
    batch = {"events": [event(n) for n in range(20)]}
    assert post(client, URL, batch, key).json()["loaded"] == 20

    assert post(client, URL, batch, key).json() == {
        "received": 20,
        "loaded": 0,
        "already_received": 20,
    }
    overlapping = {"events": [event(n) for n in range(10, 30)]}
    assert post(client, URL, overlapping, key).json()["loaded"] == 10
    assert ActivityEvent.objects.count() == 30


def test_ids_belong_to_their_client(client, crm):
    _, key = crm
    _, other = api_client(name="Sites", scopes=["events:write"])
    batch = {"events": [event(n) for n in range(5)]}
    post(client, URL, batch, key)
    assert post(client, URL, batch, other).json()["loaded"] == 5
    assert ReceivedEvent.objects.count() == 10


def test_bad_rows_refuse_the_whole_batch_naming_each_row_and_field(client, crm):
    _, key = crm
    events = [event(n) for n in range(6)]
    events[1]["ip"] = "999.1.1.1"
    events[2]["occurred_at"] = "yesterday"
    events[3]["email"] = "not-an-address"
    del events[4]["event_id"]
    events[5] = "a string"

    response = post(client, URL, {"events": events}, key)

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid"
    assert [(e["row"], e["field"]) for e in body["errors"]] == [
        (1, "ip"),
        (2, "occurred_at"),
        (3, "email"),
        (4, "event_id"),
        (5, "event_id"),
    ]
    assert not ActivityEvent.objects.exists() and not ReceivedEvent.objects.exists()


def test_an_id_twice_in_one_batch_is_refused(client, crm):
    _, key = crm
    response = post(client, URL, {"events": [event(1), event(1)]}, key)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"row": 1, "field": "event_id", "reason": "repeated within the batch"}
    ]


def test_more_than_10000_events_are_refused(client, crm):
    _, key = crm
    response = post(client, URL, {"events": [event(n) for n in range(10_001)]}, key)
    assert response.status_code == 400
    assert "10,000" in response.json()["detail"]
    assert not ActivityEvent.objects.exists()


def test_a_full_batch_of_10000_loads_past_djangos_form_size_limit(client, crm, settings):
    _, key = crm
    events = [event(n, page=f"/deals/{n}/" + "x" * 300) for n in range(10_000)]
    body = json.dumps({"events": events})
    assert len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = post(client, URL, body, key)
    assert response.status_code == 200, response.content[:300]
    assert response.json()["loaded"] == 10_000
    assert ActivityEvent.objects.count() == 10_000


@pytest.mark.django_db(transaction=True)
def test_two_replays_at_the_same_moment_load_the_batch_once(crm):
    """The id claim is one INSERT … ON CONFLICT DO NOTHING: the second waits on the unique
    index, then claims nothing. (PostgreSQL: SQLite runs one writer at a time anyway.)"""
    import threading

    from django.db import connection, connections
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    _, key = crm
    body = json.dumps({"events": [event(n) for n in range(2000)]})
    results, start = [], threading.Barrier(2)

    def push():
        try:
            start.wait()
            results.append(post(Client(), URL, body, key).json()["loaded"])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == [0, 2000]
    assert ActivityEvent.objects.count() == 2000


def test_the_api_stores_exactly_what_load_activity_stores_from_the_same_rows(client, crm, tmp_path):
    from privacyops.subjects import ingest

    DataSubjectFactory(login_name="ana")
    _, key = crm
    rows = [
        {k: v for k, v in event(n, email=" Ana@Example.COM ").items() if k != "event_id"}
        for n in range(5)
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    fields = (
        "occurred_at",
        "event_kind",
        "ip",
        "user_agent",
        "browser",
        "operating_system",
        "page",
        "referrer",
        "login",
        "email",
        "subject_id",
    )

    ingest.activity_events_load(path=path)
    by_file = list(ActivityEvent.objects.order_by("page").values_list(*fields))
    ActivityEvent.objects.all().delete()
    post(client, URL, {"events": [{**row, "event_id": str(n)} for n, row in enumerate(rows)]}, key)
    by_api = list(ActivityEvent.objects.order_by("page").values_list(*fields))

    assert by_api == by_file and len(by_api) == 5
