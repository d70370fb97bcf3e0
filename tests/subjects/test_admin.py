"""The subjects admin for Legal: finding people, children flagged, lists that never count all."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from privacyops.core.paginators import CappedCountPaginator
from privacyops.subjects.models import AgeBand
from tests.factories import ActivityEventFactory, ContactPointFactory, DataSubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_client(client, legal):
    client.force_login(legal)
    return client


def results(client, name, **params):
    response = client.get(reverse(f"admin:subjects_{name}_changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].result_list)


def test_search_subjects_by_exact_email_any_case(legal_client):
    ana = DataSubjectFactory(full_name="Ana Petrova", login_name="apetrova")
    ContactPointFactory(subject=ana, value="ana.petrova@example.com")
    DataSubjectFactory(full_name="Anastasia", login_name="anastasia")
    assert results(legal_client, "datasubject", q=" Ana.Petrova@Example.com ") == [ana]
    assert results(legal_client, "datasubject", q="petrova@example.com") == []
    assert results(legal_client, "datasubject", q="apetrova") == [ana]  # login name, exactly
    assert results(legal_client, "datasubject", q="apetr") == []
    assert len(results(legal_client, "datasubject", q="Ana")) == 2  # start of a name


def test_email_search_is_one_indexed_lookup_not_a_scan(legal_client):
    ana = DataSubjectFactory(login_name="ana")
    ContactPointFactory(subject=ana, value="ana@example.com")
    with CaptureQueriesContext(connection) as queries:
        results(legal_client, "datasubject", q="ana@example.com")
    sql = " ".join(q["sql"] for q in queries if "subjects_contactpoint" in q["sql"])
    assert "LIKE" not in sql.upper()
    assert '"subjects_contactpoint"."kind" = \'email\'' in sql or "kind" in sql


def test_minors_are_flagged_and_filtered(legal_client):
    today = timezone.localdate()
    child = DataSubjectFactory(
        full_name="Child", birth_date=today - datetime.timedelta(days=365 * 15)
    )
    teen = DataSubjectFactory(full_name="Teen", age_band=AgeBand.AGE_16_17)
    adult = DataSubjectFactory(full_name="Adult", birth_date=datetime.date(1980, 1, 1))
    unknown = DataSubjectFactory(full_name="Unknown")
    assert set(results(legal_client, "datasubject", under_18="yes")) == {child, teen}
    assert set(results(legal_client, "datasubject", under_18="no")) == {adult, unknown}
    page = legal_client.get(reverse("admin:subjects_datasubject_changelist")).content.decode()
    assert "Under 18" in page
    assert page.count('alt="True"') == 2  # the flag column


def test_lists_never_count_a_whole_table(legal_client):
    subject = DataSubjectFactory()
    ActivityEventFactory.create_batch(3, subject=subject)
    for name in ("activityevent", "datasubject", "account", "contactpoint"):
        with CaptureQueriesContext(connection) as queries:
            legal_client.get(reverse(f"admin:subjects_{name}_changelist"))
        counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
        assert all("LIMIT" in sql.upper() for sql in counts), (name, counts)


def test_capped_paginator_stops_counting_at_the_cap(monkeypatch):
    from privacyops.subjects.models import ActivityEvent

    ActivityEventFactory.create_batch(5)
    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    paginator = CappedCountPaginator(ActivityEvent.objects.order_by("-occurred_at"), 2)
    assert paginator.count == 3 and paginator.capped and paginator.num_pages == 2


def test_events_search_by_login_or_ip_and_filter_by_kind(legal_client):
    one = ActivityEventFactory(login="ana", ip="203.0.113.9", event_kind="login")
    two = ActivityEventFactory(login="bob", ip="203.0.113.10")
    assert results(legal_client, "activityevent", q="ana") == [one]
    assert results(legal_client, "activityevent", q="203.0.113.10") == [two]
    assert results(legal_client, "activityevent", event_kind__exact="login") == [one]


def test_subject_page_shows_contacts_recent_activity_and_a_link_to_all(legal_client):
    ana = DataSubjectFactory(full_name="Ana Petrova", login_name="ana")
    ContactPointFactory(subject=ana, value="ana@example.com")
    ActivityEventFactory.create_batch(12, subject=ana, page="/pricing")
    response = legal_client.get(reverse("admin:subjects_datasubject_change", args=[ana.pk]))
    page = response.content.decode()
    assert "ana@example.com" in page
    assert "12 events: see them all" in page
    assert f"subject__id__exact={ana.pk}" in page
    assert page.count("/pricing") == 10  # the latest ten, not all
    events = results(legal_client, "activityevent", subject__id__exact=ana.pk)
    assert len(events) == 12


def test_auditor_reads_but_does_not_change(client, db):
    from privacyops.core import roles
    from tests.factories import UserFactory

    auditor = UserFactory(username="anton", role=roles.AUDITOR)
    client.force_login(auditor)
    subject = DataSubjectFactory()
    assert client.get(reverse("admin:subjects_account_changelist")).status_code == 200
    url = reverse("admin:subjects_datasubject_change", args=[subject.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"kind": "lead"}).status_code == 403
