"""Retention in the admin: previews, holds, reviews, proof of disposition, the inventory."""

import csv
import datetime
import io
from unittest import mock

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from privacyops.core import dashboard, roles
from privacyops.inventory.models import ProcessingActivity
from privacyops.retention import services
from privacyops.retention.models import (
    DispositionReview,
    LegalHold,
    PurgeRun,
    RetentionEvent,
    RetentionRule,
)
from privacyops.retention.resources import PurgeRunResource
from privacyops.subjects.models import ActivityEvent
from tests.factories import AccountFactory, DataSubjectFactory, UserFactory

from .conftest import event

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_client(client, legal):
    client.force_login(legal)
    return client


def test_preview_action_shows_counts_and_changes_nothing(legal_client, events_rule):
    subject = DataSubjectFactory()
    for _ in range(3):
        event(subject, 20)
    response = legal_client.post(
        reverse("admin:retention_retentionrule_changelist"),
        {"action": "preview", "_selected_action": [events_rule.pk]},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing has been changed" in body and "<b>3</b> to dispose of" in body
    assert ActivityEvent.objects.count() == 3


def test_the_auditor_may_preview_but_not_edit_rules(client, events_rule):
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    url = reverse("admin:retention_retentionrule_change", args=[events_rule.pk])
    response = client.post(url, {"name": "Shortened"})
    assert response.status_code == 403
    response = client.post(
        reverse("admin:retention_retentionrule_changelist"),
        {"action": "preview", "_selected_action": [events_rule.pk]},
    )
    assert response.status_code == 200 and b"Dry run" in response.content


def test_legal_edits_a_seeded_rule(legal_client, events_rule):
    url = reverse("admin:retention_retentionrule_change", args=[events_rule.pk])
    form = legal_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        processing_activity=events_rule.processing_activity_id,
        period_count=14,
        is_active="on",
    )
    data.pop("only_without_account", None)  # an unticked checkbox is not posted
    response = legal_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    events_rule.refresh_from_db()
    assert events_rule.period == "14 months"


def test_placing_a_hold_in_the_admin_records_who_and_an_event(legal_client, legal):
    subject = DataSubjectFactory()
    response = legal_client.post(
        reverse("admin:retention_legalhold_add"),
        {
            "subject": subject.pk,
            "matter": "Case 42/2026",
            "reason": "Pending claim",
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": "",
        },
    )
    assert response.status_code == 302
    hold = LegalHold.objects.get(matter="Case 42/2026")
    assert hold.placed_by == legal
    assert RetentionEvent.objects.filter(hold=hold, kind="hold_placed", by=legal).exists()
    # The admin's record of the addition points at the row the service created.
    entry = LogEntry.objects.get(action_flag=ADDITION, content_type__model="legalhold")
    assert (entry.object_id, entry.user_id) == (str(hold.pk), legal.pk)
    # Released by an action, never deleted.
    legal_client.post(
        reverse("admin:retention_legalhold_changelist"),
        {"action": "release", "_selected_action": [hold.pk]},
    )
    hold.refresh_from_db()
    assert hold.released_by == legal
    delete = reverse("admin:retention_legalhold_delete", args=[hold.pk])
    assert legal_client.get(delete).status_code == 403


def test_legal_approves_a_review_in_the_admin(
    legal_client, legal, django_capture_on_commit_callbacks
):
    rule = RetentionRule.objects.get(code="billing-records-10-years")
    AccountFactory(status="closed", closed_at=timezone.localdate() - datetime.timedelta(days=3700))
    review = services.retention_rule_run(rule=rule).review
    url = reverse("admin:retention_dispositionreview_change", args=[review.pk])
    assert "records" in legal_client.get(url).content.decode()

    with (
        mock.patch("privacyops.retention.tasks.run_rule.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = legal_client.post(
            url, {"decision": "approve", "comment": "No audit open", "extended_until": ""}
        )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.decided_by, review.comment) == (
        DispositionReview.Status.APPROVED,
        legal,
        "No audit open",
    )
    delay.assert_called_once_with(rule.pk)


def test_purge_runs_are_read_only_and_export_as_csv(legal_client, events_rule):
    event(DataSubjectFactory(), 20)
    run = services.retention_rule_run(rule=events_rule)
    change = reverse("admin:retention_purgerun_change", args=[run.pk])
    response = legal_client.get(change)
    assert response.status_code == 200 and b'name="_save"' not in response.content
    assert legal_client.post(change, {"rows_deleted": 0}).status_code == 403
    delete = reverse("admin:retention_purgerun_delete", args=[run.pk])
    assert legal_client.post(delete, {"post": "yes"}).status_code == 403
    assert PurgeRun.objects.filter(pk=run.pk, rows_deleted=1).exists()

    fields = PurgeRunResource().get_export_order()
    data = {"format": "0", "resource": "0", "export_items": []}
    data.update({f"purgerunresource_{name}": "on" for name in fields})
    response = legal_client.post(reverse("admin:retention_purgerun_export"), data)
    assert response.status_code == 200, response.content[:300]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    assert rows[0]["rule"] == events_rule.code
    assert rows[0]["rows_deleted"] == "1" and rows[0]["status"] == "succeeded"
    assert "5(1)(e)" in rows[0]["legal basis"]


def test_the_record_of_processing_shows_each_rule_beside_its_activity(legal_client, events_rule):
    activity = ProcessingActivity.objects.get(code="site-analytics")
    changelist = legal_client.get(reverse("admin:inventory_processingactivity_changelist"))
    assert events_rule.name in changelist.content.decode()
    change = legal_client.get(
        reverse("admin:inventory_processingactivity_change", args=[activity.pk])
    )
    body = change.content.decode()
    assert "13 months" in body and events_rule.name in body


def test_dashboard_panel_shows_last_run_and_holds(legal, events_rule):
    event(DataSubjectFactory(), 20)
    services.retention_rule_run(rule=events_rule)
    services.legal_hold_place(
        by=legal,
        matter="Soon over",
        reason="r",
        subject=DataSubjectFactory(),
        ends_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    panel = next(p for p in dashboard.panels_for(legal) if p.title == "Retention and legal holds")
    bars = {bar.label: bar.value for bar in panel.bars}
    assert bars["Records purged, last 30 days"] == 1
    assert bars["Legal holds in force"] == 1
    assert bars["Holds ending within 14 days"] == 1
    assert events_rule.name in dict(panel.facts)["Last purge run"]
    rep = UserFactory(username="rep", role=roles.ACCOUNT_REPRESENTATIVE)
    assert all(p.title != "Retention and legal holds" for p in dashboard.panels_for(rep))


def test_demo_data_loads_twice_without_duplicates():
    from privacyops.retention.demo import load

    first = load()
    assert load() == first
    assert LegalHold.objects.count() == 2 and PurgeRun.objects.count() == 1


def test_extending_a_hold_in_the_admin_leaves_an_event(legal_client, legal):
    hold = services.legal_hold_place(
        by=legal,
        matter="Audit",
        reason="r",
        subject=DataSubjectFactory(),
        ends_on=timezone.localdate() + datetime.timedelta(days=5),
    )
    later = timezone.localdate() + datetime.timedelta(days=60)
    response = legal_client.post(
        reverse("admin:retention_legalhold_change", args=[hold.pk]),
        {"matter": "Audit", "reason": "r", "ends_on": later.isoformat()},
    )
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.ends_on == later
    change = RetentionEvent.objects.get(hold=hold, kind="hold_changed")
    assert change.by == legal and change.detail["ends_on"][1] == later.isoformat()


def test_a_refused_decision_is_a_form_error_and_changes_nothing(legal_client, legal):
    rule = RetentionRule.objects.get(code="billing-records-10-years")
    AccountFactory(status="closed", closed_at=timezone.localdate() - datetime.timedelta(days=3700))
    review = services.retention_rule_run(rule=rule).review
    url = reverse("admin:retention_dispositionreview_change", args=[review.pk])

    response = legal_client.post(
        url,
        {
            "decision": "extend",
            "comment": "Dispute pending",
            "extended_until": timezone.localdate().isoformat(),  # not in the future
        },
    )

    assert response.status_code == 200  # the form again, with the service's reason
    form = response.context["adminform"].form
    assert form.errors["extended_until"] == ["The new date must be in the future."]
    assert "changed successfully" not in response.content.decode()
    review.refresh_from_db()
    assert review.status == DispositionReview.Status.PENDING
    assert not RetentionEvent.objects.filter(review=review, kind="review_extended").exists()


def test_approving_a_review_starts_its_run_once_the_decision_commits(
    legal, django_capture_on_commit_callbacks
):
    rule = RetentionRule.objects.get(code="billing-records-10-years")
    AccountFactory(status="closed", closed_at=timezone.localdate() - datetime.timedelta(days=3700))
    review = services.retention_rule_run(rule=rule).review
    with (
        mock.patch("privacyops.retention.tasks.run_rule.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.disposition_review_approve(review=review, by=legal, comment="No audit open")
    delay.assert_called_once_with(rule.pk)
    with pytest.raises(ValidationError):
        services.disposition_review_approve(review=review, by=legal)  # decided already
