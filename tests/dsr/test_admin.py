"""The admin for legal: saved views, days left in colour, next steps, bulk assign, export."""

import csv
import datetime
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from privacyops.core import roles
from privacyops.core.dashboard import panels_for
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import PrivacyRequest, RequestEvent
from privacyops.dsr.resources import PrivacyRequestResource
from tests.dsr.factories import in_progress, submit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LIST = reverse("admin:dsr_privacyrequest_changelist")
EXPORT = reverse("admin:dsr_privacyrequest_export")


def due_in(days: int, **kwargs) -> PrivacyRequest:
    request = in_progress(**kwargs)
    PrivacyRequest.objects.filter(pk=request.pk).update(
        due_date=timezone.localdate() + datetime.timedelta(days=days)
    )
    request.refresh_from_db()
    return request


@pytest.fixture
def lena(client):
    user = UserFactory(username="lena", role=roles.LEGAL)
    client.force_login(user)
    return user


def listed(response) -> set[int]:
    return {obj.pk for obj in response.context["cl"].result_list}


def test_saved_views(client, lena):
    overdue = due_in(-2)
    this_week = due_in(4)
    later = due_in(20, requester_name="Later")
    mine = due_in(25)
    PrivacyRequest.objects.filter(pk=mine.pk).update(assignee=lena)
    closed = submit()
    PrivacyRequest.objects.filter(pk=closed.pk).update(state=State.COMPLETED)

    assert listed(client.get(LIST, {"view": "overdue"})) == {overdue.pk}
    assert listed(client.get(LIST, {"view": "week"})) == {this_week.pk}
    assert listed(client.get(LIST, {"view": "mine"})) == {mine.pk}
    assert listed(client.get(LIST, {"view": "unassigned"})) == {overdue.pk, this_week.pk, later.pk}
    assert closed.pk not in listed(client.get(LIST, {"view": "open"}))
    assert listed(client.get(LIST, {"state__exact": "completed"})) == {closed.pk}
    assert listed(client.get(LIST, {"request_type__exact": "access"})) >= {overdue.pk}


def test_days_left_in_colour(client, lena):
    due_in(-2)
    due_in(2)
    due_in(6)
    due_in(20)
    html = client.get(LIST).content.decode()
    assert '<span class="po-days-left alert">2 overdue</span>' in html
    assert '<span class="po-days-left warn">2</span>' in html  # overdue red, last week amber
    assert '<span class="po-days-left warn">6</span>' in html
    assert '<span class="po-days-left ok">20</span>' in html
    assert "css/dashboard.css" in html


def test_actions_offer_only_the_legal_next_steps(client, lena):
    actions = client.get(LIST, {"state__exact": "in_progress"}).context["action_form"]
    offered = {value for value, _ in actions.fields["action"].choices}
    assert {"move_to_awaiting_approval", "move_to_withdrawn", "assign_to_me"} <= offered
    assert "move_to_completed" not in offered  # needs approval first
    assert "move_to_refused" not in offered  # needs a reason: one by one
    unfiltered = client.get(LIST).context["action_form"].fields["action"].choices
    assert not any(value.startswith("move_to_") for value, _ in unfiltered)


def test_transition_action_moves_the_selected_requests(client, lena):
    first, second = in_progress(), in_progress()
    response = client.post(
        f"{LIST}?state__exact=in_progress",
        {"action": "move_to_awaiting_approval", ACTION_CHECKBOX_NAME: [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert set(PrivacyRequest.objects.values_list("state", flat=True)) == {"awaiting_approval"}
    event = first.events.filter(kind=RequestEvent.Kind.TRANSITION).last()
    assert event.by == lena and event.to_state == "awaiting_approval"


def test_bulk_assign(client, lena):
    ivo = UserFactory(username="ivo", role=roles.LEGAL)
    requests = [submit(), submit()]
    ids = [r.pk for r in requests]
    page = client.post(LIST, {"action": "assign_to", ACTION_CHECKBOX_NAME: ids})
    assert page.status_code == 200 and b"Assign" in page.content
    done = client.post(
        LIST, {"action": "assign_to", ACTION_CHECKBOX_NAME: ids, "apply": "1", "assignee": ivo.pk}
    )
    assert done.status_code == 302
    assert set(PrivacyRequest.objects.values_list("assignee", flat=True)) == {ivo.pk}
    assert RequestEvent.objects.filter(kind=RequestEvent.Kind.ASSIGNED, by=lena).count() == 2


def test_next_step_page_refuses_with_a_reason(client, lena):
    request = in_progress()
    url = reverse("admin:dsr_privacyrequest_next_step", args=[request.pk])
    page = client.get(url)
    steps = {value for value, _ in page.context["form"].fields["step"].choices}
    assert steps == {
        "awaiting_identity",
        "awaiting_approval",
        "refused",
        "redirected",
        "withdrawn",
        "extend",
    }
    no_reason = client.post(url, {"step": "refused", "text": ""})
    assert no_reason.status_code == 200 and b"needs a reason" in no_reason.content
    done = client.post(url, {"step": "refused", "text": "Manifestly excessive."})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.state == State.REFUSED and request.resolution_reason == "Manifestly excessive."


def test_staff_enter_a_request_received_by_post_and_verify_identity(client, lena):
    response = client.post(
        reverse("admin:dsr_privacyrequest_add"),
        {
            "request_type": "erasure",
            "channel": "post",
            "regime": "GDPR",
            "received_at_0": "2025-01-31",
            "received_at_1": "10:00:00",
            "requester_name": "Ivan Kolev",
            "requester_address": "Rousse 7000",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    request = PrivacyRequest.objects.get()
    assert request.channel == "post" and request.due_date == datetime.date(2025, 2, 28)
    url = reverse("admin:dsr_privacyrequest_next_step", args=[request.pk])
    client.post(url, {"step": "verify_identity", "text": "Signed letter, ID copy seen."})
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS
    assert request.identity_verification_note == "Signed letter, ID copy seen."
    change = client.get(reverse("admin:dsr_privacyrequest_change", args=[request.pk]))
    assert b"Signed letter, ID copy seen." in change.content  # in the history inline


def test_csv_export_has_the_real_due_date(client, lena):
    request = in_progress(received_at=timezone.make_aware(datetime.datetime(2025, 3, 18, 9)))
    fields = PrivacyRequestResource().get_export_order()
    data = {"format": "0", "resource": "0", "export_items": []}
    data.update({f"privacyrequestresource_{name}": "on" for name in fields})
    response = client.post(EXPORT, data)
    assert response.status_code == 200, response.content[:500]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["Reference"] == request.reference)
    # 18 Apr 2025 is Good Friday, then the Orthodox Easter weekend and Monday.
    assert row["Due date (after pauses and extension)"] == "2025-04-22"


def test_account_representative_sees_no_request(client):
    request = submit()
    rep = UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE)
    client.force_login(rep)
    for url in (
        LIST,
        reverse("admin:dsr_privacyrequest_change", args=[request.pk]),
        reverse("admin:dsr_requestevent_changelist"),
        reverse("admin:dsr_privacyrequest_next_step", args=[request.pk]),
        EXPORT,
    ):
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert request.requester_name.encode() not in response.content
    assert not any(panel.title == "Privacy requests" for panel in panels_for(rep))
    home = client.get(reverse("admin:index"))
    assert b"Privacy requests" not in home.content


def test_auditor_reads_but_cannot_act(client):
    request = in_progress()
    auditor = UserFactory(username="anton", role=roles.AUDITOR)
    client.force_login(auditor)
    response = client.get(LIST, {"state__exact": "in_progress"})
    assert response.status_code == 200 and request.pk in listed(response)
    choices = (
        response.context["action_form"].fields["action"].choices
        if response.context["action_form"]
        else []
    )
    assert not any(v.startswith(("move_to_", "assign")) for v, _ in choices)
    url = reverse("admin:dsr_privacyrequest_next_step", args=[request.pk])
    assert client.get(url).status_code == 403


def test_dashboard_panel_counts_open_overdue_and_due_this_week(lena):
    due_in(-1)
    due_in(3)
    submit()
    panel = next(p for p in panels_for(lena) if p.title == "Privacy requests")
    bars = {bar.label: bar.value for bar in panel.bars}
    assert bars["In progress"] == 2 and bars["Received"] == 1
    facts = dict(panel.facts)
    assert facts["Overdue"] == "1" and facts["Due within 7 days"] == "1"


def test_ccpa_request_shows_when_receipt_must_be_confirmed(client, lena):
    request = in_progress(
        regime="CCPA", received_at=timezone.make_aware(datetime.datetime(2025, 1, 2, 9))
    )
    page = client.get(reverse("admin:dsr_privacyrequest_change", args=[request.pk]))
    assert b"confirm receipt by" in page.content.lower()
    assert b"16 January 2025" in page.content  # 10 Bulgarian working days after 2 Jan 2025
