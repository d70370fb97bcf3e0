"""Journey: a child asks for their data on the public form, says they are under 18, and gets
the page for a parent or guardian; Legal finds the request recorded as a child's."""

import pytest

from privacyops.core import roles
from privacyops.dsr.models import PrivacyRequest
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import browser_sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_child_is_shown_the_guardian_page_and_legal_sees_a_childs_request(
    live_server, page, reference_data
):
    from django.core.cache import cache

    cache.clear()
    UserFactory(username="lena", role=roles.LEGAL)

    page.goto(f"{live_server.url}/privacy/request/")
    assert page.locator("text=How old are you?").is_visible()
    page.select_option("#id_request_type", "access")
    page.fill("#id_name", "Kiril Petrov")
    page.fill("#id_email", "kiril@example.com")
    page.check("#id_age_1")  # under 18
    page.click("button[type=submit]")
    assert "under 18" in page.locator("#guardian").inner_text()
    assert page.locator("h1", has_text="parent or guardian").is_visible()

    request = PrivacyRequest.objects.get()
    assert request.child_declaration.guardian_page_shown

    browser_sign_in(page, live_server.url, "lena", PASSWORD)
    page.goto(f"{live_server.url}/admin/dsr/childdeclaration/")
    assert page.locator("#result_list tbody tr").count() == 1
    assert request.reference in page.locator("#result_list tbody tr").inner_text()
