"""The API's received event ids are kept 90 days (the seeded rule), then the purge removes
them; they belong to no data subject (no access export, no erasure)."""

import datetime

import pytest
from django.utils import timezone

from privacyops.api import services
from privacyops.api.models import ReceivedEvent
from privacyops.core import registry
from privacyops.retention import services as retention
from privacyops.retention.models import RetentionRule
from tests.api.factories import api_client
from tests.factories import DataSubjectFactory

pytestmark = pytest.mark.django_db
EVENT = {"occurred_at": "2026-01-05T10:00:00Z", "event_kind": "page_view", "page": "/pricing"}


def test_ids_past_90_days_are_purged_and_recent_ones_kept():
    client, _ = api_client(name="Sites", scopes=["events:write"])
    services.activity_events_receive(
        client=client, events=[{**EVENT, "event_id": f"e-{n}"} for n in range(4)]
    )
    now = timezone.now()
    ReceivedEvent.objects.filter(external_id__in=["e-0", "e-1"]).update(
        received_at=now - datetime.timedelta(days=91)
    )
    ReceivedEvent.objects.filter(external_id="e-2").update(
        received_at=now - datetime.timedelta(days=89)
    )
    rule = RetentionRule.objects.get(code="api-received-event-ids-90-days")
    assert (rule.target_model, rule.is_active) == ("api.ReceivedEvent", True)

    run = retention.retention_rule_run(rule=rule)

    assert run.rows_deleted == 2
    assert sorted(ReceivedEvent.objects.values_list("external_id", flat=True)) == ["e-2", "e-3"]
    replay = services.activity_events_receive(client=client, events=[{**EVENT, "event_id": "e-3"}])
    assert replay.already_received == 1  # a recent replay still adds nothing


def test_they_belong_to_no_data_subject():
    client, _ = api_client(name="CRM", scopes=["events:write"])
    services.activity_events_receive(client=client, events=[{**EVENT, "event_id": "x"}])
    subject = DataSubjectFactory()
    registration = registry.registration_for(ReceivedEvent)
    assert registration.subject_path is None
    assert not registration.rows_of(subject).exists()
    assert not registry.erase(subject, dry_run=True).held_by
    assert ReceivedEvent.objects.count() == 1
