import pytest
from django.urls import reverse

from privacyops.core import roles, services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_admin_home_shows_the_state_of_things_to_legal(client):
    services.heartbeat_record(worker="celery@demo")
    run = services.job_run_start(job="retention purge", total=200)
    services.job_run_progress(run=run, done=50)
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))

    page = client.get(reverse("admin:index")).content.decode()

    assert 'id="dashboard"' in page
    assert "Record of processing" in page
    assert "celery@demo" in page
    assert "retention purge" in page and "25%" in page


def test_admin_home_hides_panels_a_role_may_not_see(client):
    client.force_login(UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE))
    page = client.get(reverse("admin:index")).content.decode()
    assert "Record of processing" not in page
    assert "Scheduled jobs" not in page
