"""My work (core/my_work.py and each app's my_work.py) against fixtures: what the signed-in
person must do, most urgent first, each a link to the place to do it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from privacyops.core import my_work, roles
from privacyops.dsr import services as dsr
from privacyops.dsr.models import PrivacyRequest
from privacyops.retention import services as retention
from privacyops.retention.models import DispositionReview, RetentionRule
from tests.core.factories import schedule
from tests.dsr.factories import in_progress, submit
from tests.dsr.fulfilment_rows import fulfilment_row
from tests.factories import DataSubjectFactory, UserFactory
from tests.incidents.factories import confirmed

pytestmark = pytest.mark.django_db


def sections(user) -> dict[str, my_work.WorkSection]:
    return {section.key: section for section in my_work.work_for(user)}


def due_in(request, days: int) -> PrivacyRequest:
    PrivacyRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=days)
    )
    return PrivacyRequest.objects.get(pk=request.pk)


@pytest.fixture
def legal():
    return UserFactory(username="lena", role=roles.LEGAL)


def test_requests_assigned_to_me_by_days_left_coloured(legal):
    other = UserFactory(username="olga", role=roles.LEGAL)
    later = due_in(dsr.request_assign(request=in_progress(), assignee=legal, by=legal), 20)
    overdue = due_in(dsr.request_assign(request=in_progress(), assignee=legal, by=legal), -2)
    soon = due_in(dsr.request_assign(request=in_progress(), assignee=legal, by=legal), 5)
    dsr.request_assign(request=in_progress(), assignee=other, by=legal)  # not mine
    submit()  # unassigned

    section = sections(legal)["requests"]
    assert [item.title for item in section.items] == [str(overdue), str(soon), str(later)]
    assert [item.tone for item in section.items] == ["alert", "warn", ""]
    assert section.items[0].detail == "2 day(s) overdue"
    assert section.items[0].url == reverse("admin:dsr_privacyrequest_change", args=[overdue.pk])
    assert section.total == 3


def test_recipient_notices_to_send_lead_to_the_fulfilment_page(legal):
    notice = fulfilment_row("dsr.RecipientNotification")
    assert notice is not None and notice.status == "pending"
    section = sections(legal)["recipient_notices"]
    assert section.total >= 1
    url = reverse("admin:dsr_privacyrequest_fulfilment", args=[notice.request_id])
    assert url in [item.url for item in section.items]


def test_disposition_reviews_awaiting_and_holds_ending_soon(legal):
    rule = RetentionRule.objects.order_by("pk").first()
    review = DispositionReview.objects.create(rule=rule, cutoff=timezone.now(), rows_found=12)
    today = timezone.localdate()
    ending = retention.legal_hold_place(
        by=legal,
        matter="Dispute 2026/14",
        reason="litigation",
        subject=DataSubjectFactory(),
        ends_on=today + datetime.timedelta(days=3),
    )
    retention.legal_hold_place(
        by=legal,
        matter="Far away",
        reason="audit",
        subject=DataSubjectFactory(),
        ends_on=today + datetime.timedelta(days=90),
    )
    found = sections(legal)
    assert [item.url for item in found["disposition_reviews"].items] == [
        reverse("admin:retention_dispositionreview_change", args=[review.pk])
    ]
    holds = found["holds_ending"].items
    assert [item.title for item in holds] == ["Legal hold: Dispute 2026/14"]
    assert holds[0].url == reverse("admin:retention_legalhold_change", args=[ending.pk])
    assert holds[0].tone == "warn"


def test_incidents_on_the_clock_fewest_hours_first(legal):
    older = confirmed(by=legal, aware_at=timezone.now() - datetime.timedelta(hours=60))
    newer = confirmed(by=legal, aware_at=timezone.now() - datetime.timedelta(hours=2))
    items = sections(legal)["incidents"].items
    assert [item.title for item in items] == [str(older), str(newer)]
    assert items[0].tone == "alert" and items[1].tone == "warn"
    assert "hour(s) left to notify the authority" in items[0].detail


def test_reviews_due_for_their_owner(legal):
    from privacyops.core import reviews

    mine = schedule(title="Vendors review", owner=legal)
    schedule(title="Someone else's", owner=UserFactory(username="olga", role=roles.LEGAL))
    reviews.reviews_run()
    titles = [item.title for item in sections(legal)["reviews"].items]
    assert titles == [mine.title]


def test_nothing_for_an_auditor_or_a_representative():
    in_progress()
    assert my_work.work_for(UserFactory(role=roles.AUDITOR)) == []
    assert my_work.work_for(UserFactory(role=roles.ACCOUNT_REPRESENTATIVE)) == []


def test_the_page_and_the_top_of_the_home_list_the_work(client, legal):
    request = due_in(dsr.request_assign(request=in_progress(), assignee=legal, by=legal), -1)
    client.force_login(legal)
    page = client.get(reverse("admin:my_work"))
    assert page.status_code == 200
    text = page.content.decode()
    assert str(request) in text and "1 day(s) overdue" in text
    assert reverse("admin:dsr_privacyrequest_change", args=[request.pk]) in text
    home = client.get(reverse("admin:index")).content.decode()
    assert home.index('id="my-work-home"') < home.index(str(request))
    assert home.index(str(request)) < home.index('id="dashboard"')
    assert reverse("admin:my_work") in home  # the header link


def test_an_empty_queue_says_so(client):
    client.force_login(UserFactory(role=roles.AUDITOR))
    page = client.get(reverse("admin:my_work"))
    assert "Nothing waits for you" in page.content.decode()
