from celery import shared_task

from . import partitions


@shared_task(name="subjects.activity_partitions_ensure")
def activity_partitions_ensure() -> int:
    """Beat, daily: the activity-event partitions of this month and the months ahead."""
    return len(partitions.partitions_ensure())
