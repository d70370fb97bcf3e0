"""Rows of core's periodic reviews, for its tests and the role matrix."""

import datetime

from django.utils import timezone

from privacyops.core import reviews
from privacyops.core.models import Review, ReviewSchedule


def schedule(**overrides) -> ReviewSchedule:
    fields = {
        "area": "vendors",
        "title": "Vendors review (test)",
        "every_months": 12,
        "next_due_on": timezone.localdate() + datetime.timedelta(days=3),
    }
    fields.update(overrides)
    return ReviewSchedule.objects.create(**fields)


def open_review() -> Review:
    planned = schedule()
    reviews.reviews_run()
    return Review.objects.get(schedule=planned)


MAKERS = {"core.Review": open_review, "core.ReviewSchedule": schedule}
