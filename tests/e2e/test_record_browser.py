"""Journey: a lawyer signs in to the admin and reads the record of processing."""

import pytest

from privacyops.core import roles
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import browser_sign_in


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_legal_signs_in_and_reads_the_record_of_processing(live_server, page, reference_data):
    UserFactory(username="lena", role=roles.LEGAL)

    browser_sign_in(page, live_server.url, "lena", PASSWORD)

    assert page.locator("#dashboard").is_visible()
    page.click("text=Art. 30 record")
    page.wait_for_selector("#result_list")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() >= 10
    page.click("text=Hosting Customer-Generated Data")
    assert page.locator("select#id_role").input_value() == "processor"
