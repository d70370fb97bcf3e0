"""The demo data: loaded twice, the same register."""

import pytest

from privacyops.core.demo import demo_loaders
from privacyops.incidents.models import Incident
from tests.factories import AccountFactory

pytestmark = pytest.mark.django_db


def test_demo_incidents_load_idempotently():
    AccountFactory()
    load = dict(demo_loaders())["incidents"]
    assert load().startswith("2 incident(s) added")
    assert load().startswith("0 incident(s) added")
    breach = Incident.objects.get(title__startswith="Demo: CRM export")
    assert breach.state == "breach_confirmed" and breach.hours_left() == 17
    assert breach.affected.exists()
