"""Rows of the security app's confidentiality models, for its tests and the role matrix."""

import datetime

from django.utils import timezone

from privacyops.security import confidentiality
from tests.factories import UserFactory


def undertaking():
    return confidentiality.undertaking_in_force() or confidentiality.undertaking_publish(
        text="I keep personal data confidential.", by=None
    )


def acceptance():
    user = UserFactory(username="matrix-undertaking")
    return confidentiality.undertaking_accept(user=user, version=undertaking())


def training(user=None, *, valid_until: datetime.date | None = None):
    user = user or UserFactory(username="matrix-training")
    today = timezone.localdate()
    return confidentiality.training_record(
        user=user,
        course="Data protection for staff",
        completed_on=today - datetime.timedelta(days=300),
        valid_until=valid_until or today + datetime.timedelta(days=65),
        by=None,
    )


MAKERS = {
    "security.UndertakingVersion": undertaking,
    "security.UndertakingAcceptance": acceptance,
    "security.TrainingRecord": training,
}
