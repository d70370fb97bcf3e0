"""The user guide's journeys (docs/guide.md), run in the browser at 1366×768 for each role.

With GUIDE_SCREENSHOTS=1 every step is also photographed into docs/guide/ (the pictures of the
guide can never drift from the product); without it the journeys run as plain tests and write
nothing. Bulgarian pictures are taken where the screen differs (the home, My work).
"""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from privacyops.core import roles
from privacyops.dsr import services as dsr
from privacyops.dsr.models import PrivacyRequest
from privacyops.retention import services as retention
from privacyops.subjects.models import AccountAssignment, AccountContact
from tests.dsr.factories import in_progress, submit
from tests.factories import (
    PASSWORD,
    AccountFactory,
    ContactPointFactory,
    DataSubjectFactory,
    UserFactory,
)
from tests.incidents.factories import confirmed
from tests.two_factor import browser_sign_in

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guide"
WIDTH, HEIGHT = 1366, 768


def shot(page, name: str) -> None:
    if os.environ.get("GUIDE_SCREENSHOTS"):
        GUIDE.mkdir(exist_ok=True)
        page.screenshot(path=str(GUIDE / f"{name}.png"))


def sign_in(page, live_server, username: str) -> None:
    page.set_viewport_size({"width": WIDTH, "height": HEIGHT})
    browser_sign_in(page, live_server.url, username, PASSWORD)


def in_bulgarian(page, live_server) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "bg", "url": live_server.url}]
    )


def a_working_day(legal):
    """Ivana's request (assigned, due in 3 days), one overdue, an incident on the clock, a hold
    ending next week: what Legal finds in the morning."""
    ivana = DataSubjectFactory(full_name="Ivana Petrova", login_name="ipetrova")
    ContactPointFactory(subject=ivana, value="ivana.petrova@balkanlogistics.example")
    account = AccountFactory(account_number="BL-1001", company_name="Balkan Logistics EOOD")
    AccountContact.objects.create(account=account, subject=ivana, role="license_holder")
    request = in_progress(
        requester_name="Ivana Petrova", requester_email="ivana.petrova@balkanlogistics.example"
    )
    dsr.request_assign(request=request, assignee=legal, by=legal)
    late = dsr.request_assign(
        request=in_progress(requester_name="Georgi Ivanov"), assignee=legal, by=legal
    )
    today = timezone.localdate()
    PrivacyRequest.objects.filter(pk=request.pk).update(due_date=today + datetime.timedelta(days=3))
    PrivacyRequest.objects.filter(pk=late.pk).update(due_date=today - datetime.timedelta(days=1))
    submit(request_type="erasure", requester_name="New Requester")
    incident = confirmed(by=legal, aware_at=timezone.now() - datetime.timedelta(hours=50))
    retention.legal_hold_place(
        by=legal,
        matter="Dispute 2026/14",
        reason="litigation",
        account=account,
        ends_on=today + datetime.timedelta(days=6),
    )
    return {"request": request, "incident": incident, "account": account}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_legal_daily_work_request_purge_and_incident(live_server, page, reference_data):
    legal = UserFactory(username="lena", role=roles.LEGAL, first_name="Lena")
    world = a_working_day(legal)
    sign_in(page, live_server, "lena")

    # The home: My work on top, then the state of things.
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector("#my-work-home")
    assert page.locator("#work-requests .po-work-item").count() == 2
    assert page.locator("#work-incidents .po-work-item.alert").count() == 1
    assert "Dispute 2026/14" in page.inner_text("#work-holds_ending")
    shot(page, "legal-home")
    page.click("#my-work-link")
    page.wait_for_selector(".po-my-work")
    shot(page, "legal-my-work")

    # One search box: the requester's e-mail finds her, her account and her request.
    page.fill("#po-search-q", "ivana.petrova@balkanlogistics.example")
    page.click("#po-search button")
    page.wait_for_selector(".po-search-results")
    results = page.inner_text(".po-search-results")
    assert "Ivana Petrova" in results and "Balkan Logistics EOOD" in results
    assert world["request"].reference in results
    shot(page, "legal-search")

    # A request from intake to completion: its page, the next step, the fulfilment page.
    page.click(f"text={world['request'].reference}")
    page.wait_for_selector("#privacyrequest_form")
    shot(page, "request-change")
    page.goto(f"{live_server.url}/admin/dsr/privacyrequest/{world['request'].pk}/fulfilment/")
    page.wait_for_load_state()
    shot(page, "request-fulfilment")

    # A purge and its proof: the dry run of a retention rule, then the purge runs.
    page.goto(f"{live_server.url}/admin/retention/retentionrule/")
    page.check("#result_list tbody tr:first-child input.action-select")
    page.select_option("select[name=action]", "preview")
    page.click("button[name=index]")
    page.wait_for_load_state()
    assert "Dry run" in page.content()
    shot(page, "purge-dry-run")
    page.goto(f"{live_server.url}/admin/retention/purgerun/")
    page.wait_for_selector("#changelist")
    shot(page, "purge-runs")

    # An incident on the clock.
    page.goto(f"{live_server.url}/admin/incidents/incident/{world['incident'].pk}/change/")
    page.wait_for_load_state()
    shot(page, "incident-change")

    # The same home in Bulgarian.
    in_bulgarian(page, live_server)
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector("#my-work-home")
    assert page.locator("html").get_attribute("lang") == "bg"
    shot(page, "legal-home-bg")
    # Every screen of the day differs in Bulgarian: the guide shows each of them in both.
    bulgarian_pages = {
        "legal-my-work-bg": "/admin/my-work/",
        "request-list-bg": "/admin/dsr/privacyrequest/",
        "request-fulfilment-bg": f"/admin/dsr/privacyrequest/{world['request'].pk}/fulfilment/",
        "purge-runs-bg": "/admin/retention/purgerun/",
        "incident-change-bg": f"/admin/incidents/incident/{world['incident'].pk}/change/",
        "public-request-form-bg": "/privacy/request/",
    }
    for name, path in bulgarian_pages.items():
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == "bg", path
        shot(page, name)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auditor_sees_the_evidence_read_only(live_server, page, reference_data):
    UserFactory(username="ana", role=roles.AUDITOR, first_name="Ana")
    submit()
    sign_in(page, live_server, "ana")
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector(".app-evidence")
    assert page.locator(".addlink").count() == 0
    shot(page, "auditor-home")
    page.goto(f"{live_server.url}/admin/security/accesslogentry/")
    page.wait_for_selector("#changelist")
    shot(page, "auditor-access-log")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_representative_sees_only_their_accounts(live_server, page, reference_data):
    rep = UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE, first_name="Radka")
    mine = AccountFactory(account_number="BL-1001", company_name="Balkan Logistics EOOD")
    AccountFactory(account_number="SE-2002", company_name="Somebody Else AD")
    AccountAssignment.objects.create(account=mine, representative=rep)
    sign_in(page, live_server, "radka")
    page.goto(f"{live_server.url}/admin/")
    page.wait_for_selector(".app-people")
    assert page.locator(".app-requests").count() == 0
    shot(page, "representative-home")
    page.fill("#po-search-q", "Somebody")
    page.click("#po-search button")
    page.wait_for_selector(".po-search-none")
    page.fill("#po-search-q", "BL-1001")
    page.click("#po-search button")
    page.wait_for_selector(".po-search-results")
    assert "Balkan Logistics EOOD" in page.inner_text(".po-search-results")
    shot(page, "representative-search")
