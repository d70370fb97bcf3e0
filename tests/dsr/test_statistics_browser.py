"""In chromium, under the site's Content-Security-Policy: the admin home draws its charts
(inline SVG, nothing refused by the policy) with their numbers one click away, and the
statistics page shows its tables and downloads its CSV."""

import pytest
from django.utils import timezone

from privacyops.core import roles
from privacyops.dsr import services
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import browser_sign_in

from .factories import in_progress, submit


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_charts_and_statistics_in_the_browser(live_server, page, reference_data):
    UserFactory(username="lena", role=roles.LEGAL)
    submit(received_at=timezone.now())
    refused = in_progress()
    services.request_refuse(request=refused, reason="Excessive.", by=None, ground="excessive")
    refused_by_policy = []
    page.on(
        "console",
        lambda message: (
            refused_by_policy.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )

    browser_sign_in(page, live_server.url, "lena", PASSWORD)
    page.goto(f"{live_server.url}/admin/")
    charts = page.locator("svg.po-chart")
    assert charts.count() >= 6
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    received = page.locator("figure", has_text="Privacy requests received per month")
    assert received.locator("rect.po-chart-bar").count() == 1  # this month's access requests
    table = received.locator("details table")
    assert not table.is_visible()
    received.locator("summary").click()
    assert table.is_visible()
    assert table.locator("tbody tr").last.locator("td").last.inner_text() == "2"
    assert refused_by_policy == []

    page.goto(f"{live_server.url}/admin/dsr/requestoutcome/statistics/")
    assert page.locator("#statistics-totals tbody tr").count() == 1
    with page.expect_download() as download:
        page.click("#statistics-csv")
    path = download.value.path()
    with open(path, encoding="utf-8") as csv_file:
        text = csv_file.read()
    assert "Refused: Excessive (e.g. repetitive)" in text.splitlines()[0]
    assert refused_by_policy == []
