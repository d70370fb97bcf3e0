"""Journey in Bulgarian: a person whose browser asks for Bulgarian fills in the public form,
gets the confirmation e-mail in Bulgarian, confirms, and the request is recorded with language
bg; a lawyer whose browser asks for Bulgarian works in the admin in Bulgarian."""

import pytest
from django.core import mail

from privacyops.core import roles
from privacyops.dsr.models import PrivacyRequest
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import browser_sign_in


@pytest.fixture
def browser_context_args(browser_context_args):
    # Chromium then sends Accept-Language: bg-BG.
    return {**browser_context_args, "locale": "bg-BG"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_public_form_in_bulgarian_end_to_end(live_server, page, reference_data):
    from django.core.cache import cache

    cache.clear()
    page.goto(f"{live_server.url}/privacy/request/")
    assert page.locator("html").get_attribute("lang") == "bg"
    assert page.locator("h1").inner_text() == "Вашите права във връзка с личните данни"
    assert page.locator("#id_language").input_value() == "bg"  # from Accept-Language
    page.select_option("#id_request_type", "access")
    page.fill("#id_name", "Мария Иванова")
    page.fill("#id_email", "maria@example.bg")
    page.fill("#id_details", "Моля, изпратете ми копие от данните ми.")
    page.check("#id_age_0")  # 18 or older
    page.click("main button[type=submit]")
    assert "maria@example.bg" in page.locator("#submitted").inner_text()
    assert page.locator("h1").inner_text() == "Моля, проверете електронната си поща"

    letter = next(m for m in mail.outbox if m.to == ["maria@example.bg"])
    assert letter.subject.startswith("Моля, потвърдете искането си относно лични данни PR-")
    assert "Уважаеми(а) Мария Иванова," in letter.body
    assert "(Достъп (чл. 15))" in letter.body
    link = next(line.strip() for line in letter.body.splitlines() if "/confirm/" in line)
    page.goto(link)
    page.click("#confirm")
    assert "е потвърдено" in page.locator("#confirmed").inner_text()

    request = PrivacyRequest.objects.get()
    assert request.language == "bg" and request.state == "in_progress"
    acknowledgement = mail.outbox[-1]
    assert acknowledgement.subject == (
        f"Получихме Вашето искане относно лични данни {request.reference}"
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_language_switch_on_a_public_page(live_server, page, reference_data):
    page.goto(f"{live_server.url}/privacy/request/")
    page.select_option("#language-switch-select", "en")
    page.click("#language-switch-go")
    page.wait_for_selector("text=Your privacy rights")
    assert page.url.endswith("/privacy/request/")
    page.reload()  # the cookie keeps the choice over the browser's Bulgarian
    assert page.locator("h1").inner_text() == "Your privacy rights"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_lawyer_works_in_the_admin_in_bulgarian(live_server, page, reference_data):
    UserFactory(username="lena", role=roles.LEGAL)
    browser_sign_in(page, live_server.url, "lena", PASSWORD)
    page.goto(f"{live_server.url}/admin/dsr/privacyrequest/")
    assert page.locator("html").get_attribute("lang") == "bg"
    body = page.locator("body").inner_text()
    assert "Искания относно лични данни" in body
    assert "По език на писмата" in body  # the filter by the requester's language, ours
    assert "Всички" in body  # Django's own Bulgarian ("All")
