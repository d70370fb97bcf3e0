import datetime

from django.db.models import Prefetch, QuerySet

from .models import DataElement, PolicyVersion, ProcessingActivity


def policy_version_in_force(*, on: datetime.date) -> PolicyVersion | None:
    """The policy version people agreed to on that day (the latest one already effective)."""
    return PolicyVersion.objects.filter(effective_from__lte=on).order_by("-effective_from").first()


def record_of_processing() -> QuerySet[ProcessingActivity]:
    """Every activity with what the Art. 30 record prints about it, in a fixed number of queries."""
    return ProcessingActivity.objects.prefetch_related(
        "purposes",
        Prefetch("data_elements", queryset=DataElement.objects.select_related("category")),
        "sources",
        "recipients",
    ).order_by("name")
