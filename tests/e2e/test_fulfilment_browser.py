"""Journey: a lawyer previews an erasure field by field, erases exactly that, ticks off the
recipients and completes the request; the requester's letter says what was kept and why."""

import os

import pytest
from django.core import mail

from privacyops.core import roles
from privacyops.dsr.models import ErasureCertificate, PrivacyRequest, RequestType
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import EMAIL, subject_in_every_model
from tests.e2e.test_privacy_request_browser import sign_in
from tests.factories import UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lawyer_erases_exactly_the_preview_and_completes(live_server, page, reference_data):
    UserFactory(username="lena", role=roles.LEGAL)
    subject = subject_in_every_model()
    request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)

    sign_in(page, live_server.url, "lena")
    page.goto(f"{live_server.url}/admin/dsr/privacyrequest/{request.pk}/change/")
    page.click("a.po-fulfilment")
    page.click("input[value='Preview the erasure (changes nothing)']")
    preview = page.locator("#erasure-preview")
    assert "contact points" in preview.inner_text()
    assert "Accountancy Act" in preview.inner_text()
    if os.environ.get("PRIVACYOPS_SCREENSHOTS"):
        page.screenshot(
            path=os.environ["PRIVACYOPS_SCREENSHOTS"] + "/erasure-preview.png", full_page=True
        )
    page.click("input[value='Erase exactly this']")
    page.wait_for_selector("text=Certificate #")
    assert ErasureCertificate.objects.filter(request=request, subject=subject).exists()

    while page.locator("input[value='Mark']").count():
        page.locator("input[value='Mark']").first.click()
        page.wait_for_load_state()
    page.goto(f"{live_server.url}/admin/dsr/privacyrequest/{request.pk}/next-step/")
    page.check("input[value='awaiting_approval']")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/dsr/privacyrequest/{request.pk}/fulfilment/")
    mail.outbox.clear()
    page.click("input[value='Approve, send the response and close']")
    page.wait_for_selector("text=completed; the response was sent")
    assert PrivacyRequest.objects.get(pk=request.pk).state == "completed"
    letter = next(m for m in mail.outbox if m.to == [EMAIL])
    assert "We erased your personal data" in letter.body
