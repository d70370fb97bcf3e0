import datetime

import pytest
from django.utils import timezone

from privacyops.retention.models import RetentionRule
from tests.factories import ActivityEventFactory, UserFactory


@pytest.fixture
def legal(db):
    return UserFactory(username="lena-legal", role="Legal")


@pytest.fixture
def events_rule(db):
    return RetentionRule.objects.get(code="activity-events-13-months")


def months_ago(n: int, days: int = 0) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=round(n * 30.5) + days)


def event(subject, months: int, **kwargs):
    return ActivityEventFactory(subject=subject, occurred_at=months_ago(months), **kwargs)
