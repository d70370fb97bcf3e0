import datetime

import pytest
from django.utils import timezone

from privacyops.marketing import services
from privacyops.marketing.models import ConsentSource
from tests.factories import ContactPointFactory, DataSubjectFactory

CONSENT_AT = timezone.now() - datetime.timedelta(days=30)


def subscribe(subject, channel, *, email=None, source=ConsentSource.WEB_FORM, at=CONSENT_AT):
    email = email or subject.contact_points.get(kind="email", is_primary=True).value
    subscription, _ = services.subscription_opt_in(
        subject=subject,
        email=email,
        channel=channel,
        consented_at=at,
        source=source,
        form="https://www.infoserv.eu/newsletter",
        ip="203.0.113.7",
    )
    return subscription


@pytest.fixture
def ana(db):
    subject = DataSubjectFactory(full_name="Ana Petrova", kind="newsletter_subscriber")
    ContactPointFactory(subject=subject, value="ana@example.com")
    return subject


@pytest.fixture
def ana_subscribed(ana):
    for channel in ("newsletter", "events"):
        subscribe(ana, channel)
    return ana
