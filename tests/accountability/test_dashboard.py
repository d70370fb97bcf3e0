"""The admin home shows the last stored report's counts to Legal and the Auditor only."""

import pytest
from django.urls import reverse

from privacyops.accountability import services
from privacyops.core import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TITLE = "Accountability (privacy-policy promises)"


def test_the_home_page_shows_the_stored_counts_and_links_to_the_live_report(
    client, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path)
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    before = client.get(reverse("admin:index")).content.decode()
    assert TITLE in before and "none yet" in before
    stored = services.report_store()
    page = client.get(reverse("admin:index")).content.decode()
    live = reverse("admin:accountability_policyparagraph_report")
    assert f"{live}?status=at_risk" in page
    assert stored.promises_kept + stored.promises_at_risk + stored.promises_not_operated == 23
    client.force_login(UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE))
    assert TITLE not in client.get(reverse("admin:index")).content.decode()
