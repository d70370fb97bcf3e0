"""Journey: a researcher reports a leak on the public page; Legal triages it, records when the
company became aware, counts the affected data, confirms the breach, notifies the authority
within the clock, the customer as processor and the people affected, and closes it."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.utils import timezone

from privacyops.core import roles
from privacyops.incidents.models import Incident
from tests.e2e.test_privacy_request_browser import sign_in
from tests.factories import UserFactory
from tests.incidents.factories import known_data


@pytest.mark.browser
@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_report_to_closed_breach(live_server, page, reference_data, celery_worker):
    cache.clear()
    UserFactory(username="lena", role=roles.LEGAL)
    data = known_data()

    # The public report page.
    page.goto(f"{live_server.url}/security/report/")
    page.select_option("#id_kind", "incident")
    page.fill("#id_title", "CRM export on a public link")
    page.fill("#id_description", "A share link exposes an export of ACME's CRM contacts.")
    page.fill("#id_email", "finder@example.org")
    page.click("button[type=submit]")
    reference = page.locator("#reference").inner_text()
    incident = Incident.objects.get()
    assert reference == incident.reference
    assert any(m.to == ["finder@example.org"] and reference in m.body for m in mail.outbox)

    # Triage.
    sign_in(page, live_server.url, "lena")
    page.goto(f"{live_server.url}/admin/incidents/incident/?open=yes")
    page.locator("#result_list tbody tr", has_text=reference).locator("th a").click()
    page.click("a.po-workflow")
    workflow = page.url

    def step(value: str, reason: str = "") -> None:
        form = page.locator("#form-transition")
        form.locator(f"input[value='{value}']").check()
        if reason:
            form.locator("textarea").fill(reason)
        form.locator("input[type=submit]").click()
        page.wait_for_load_state()

    step("triage")
    aware = timezone.localtime() - datetime.timedelta(hours=2)
    page.fill("#form-awareness input[name=aware_at]", aware.strftime("%Y-%m-%d %H:%M"))
    page.click("#form-awareness input[type=submit]")
    # Entered to the minute, so a little under 70 hours remain.
    assert "notify by" in page.locator("#clock").inner_text()
    assert "69 h left" in page.locator("#clock").inner_text()

    page.select_option("#form-scope select[name=account]", str(data["acme"].pk))
    page.click("#form-scope input[type=submit]")
    affected = page.locator("#affected").inner_text()
    assert "activity events" in affected and "1200" in affected
    page.select_option("#form-risk select[name=risk]", "high_risk")
    page.fill("#form-risk textarea[name=reasoning]", "Names and e-mails usable for phishing.")
    page.click("#form-risk input[type=submit]")
    step("breach_confirmed")
    assert "Personal-data breach confirmed" in page.locator("#incident-state").inner_text()

    # The authority, within the clock: an editable letter from the register.
    page.click("#form-authority input[type=submit]")
    body = page.locator("textarea[name=body]")
    assert "Article 33" in body.input_value() and "activity events" in body.input_value()
    body.fill(body.input_value() + "\nOur DPO is reachable on +359 82 000 000.")
    page.click("input[name=_continue]")
    page.click("a.po-submit")
    page.fill("input[name=authority_reference]", "CPDP-2026-0042")
    page.click("input[type=submit][value='Record as submitted']")
    page.wait_for_url(workflow)
    assert "Supervisory authority notified" in page.locator("#incident-state").inner_text()
    assert "(late)" not in page.locator("#notifications").inner_text()

    # The customer, as processor.
    page.click("#form-customers input[type=submit]")
    assert "ACME Ltd" in page.locator("#customer-notices").inner_text()

    # The people affected, by a Celery task on the worker.
    page.click("#form-subjects input[type=submit]")

    def sent():
        return incident.subject_communications.filter(status="sent").exists()

    celery_worker.wait_for(sent, what="the Art. 34 communication")
    page.goto(workflow)
    assert "2 of 2" in page.locator("#communications").inner_text()

    step("closed")
    assert "Closed" in page.locator("#incident-state").inner_text()
    incident.refresh_from_db()
    assert (
        incident.state == "closed" and incident.authority_notified_at <= incident.authority_deadline
    )
    kinds = list(incident.events.values_list("kind", flat=True))
    for kind in ("reported", "awareness", "scope", "risk", "authority", "customer", "subjects"):
        assert kind in kinds
