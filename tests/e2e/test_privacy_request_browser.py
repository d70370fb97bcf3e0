"""Journey: a person asks for their data on the public form, confirms by the e-mailed link,
and a lawyer finds the confirmed request in the admin."""

import pytest
from django.core import mail

from privacyops.core import roles
from tests.factories import PASSWORD, UserFactory


def sign_in(page, base_url: str, username: str) -> None:
    try:  # the admin's second factor, where it is installed
        from tests.two_factor import browser_sign_in
    except ImportError:
        browser_sign_in = None
    if browser_sign_in is not None:
        browser_sign_in(page, base_url, username, PASSWORD)
        return
    page.goto(f"{base_url}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_request_is_confirmed_and_reaches_legal(live_server, page, reference_data):
    from django.core.cache import cache

    cache.clear()
    UserFactory(username="lena", role=roles.LEGAL)

    page.goto(f"{live_server.url}/privacy/request/")
    page.select_option("#id_request_type", "erasure")
    page.fill("#id_name", "Maria Ivanova")
    page.fill("#id_email", "maria@example.com")
    page.fill("#id_details", "Please delete my account data.")
    page.check("#id_age_0")  # 18 or older (a child's journey: test_child_request_browser.py)
    page.click("button[type=submit]")
    assert "maria@example.com" in page.locator("#submitted").inner_text()

    letter = next(m for m in mail.outbox if m.to == ["maria@example.com"])
    link = next(line.strip() for line in letter.body.splitlines() if "/confirm/" in line)
    assert link.startswith(live_server.url)
    page.goto(link)
    page.click("#confirm")
    assert "is confirmed" in page.locator("#confirmed").inner_text()

    sign_in(page, live_server.url, "lena")
    page.goto(f"{live_server.url}/admin/dsr/privacyrequest/?view=open")
    row = page.locator("#result_list tbody tr", has_text="Maria Ivanova")
    assert row.count() == 1
    assert "In progress" in row.inner_text()
    row.locator("th a, td a").first.click()
    page.wait_for_selector("text=Confirmed through the link", timeout=15000)
