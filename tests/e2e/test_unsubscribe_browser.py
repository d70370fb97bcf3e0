"""Journey: a subscriber opens the unsubscribe link from an e-mail and confirms."""

import pytest
from django.utils import timezone

from privacyops.marketing import services
from privacyops.marketing.tokens import unsubscribe_url
from tests.factories import ContactPointFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_subscriber_unsubscribes_with_one_click_link(live_server, page, reference_data, settings):
    point = ContactPointFactory(value="maria@example.com")
    services.subscription_opt_in(
        subject=point.subject,
        email=point.value,
        channel="newsletter",
        consented_at=timezone.now(),
        source="web_form",
    )
    assert services.may_send("maria@example.com", "newsletter")
    settings.PRIVACYOPS_PUBLIC_URL = live_server.url

    page.goto(unsubscribe_url(subject=point.subject, channel="newsletter"))
    assert page.locator("h1").inner_text() == "Unsubscribe from newsletter?"
    assert services.may_send("maria@example.com", "newsletter")  # opening the link is not enough
    page.click("#confirm-unsubscribe")

    page.wait_for_selector("#unsubscribed")
    assert "You are unsubscribed" in page.locator("h1").inner_text()
    assert services.may_send("maria@example.com", "newsletter") is False
    assert services.may_send("maria@example.com", "transactional") is True
