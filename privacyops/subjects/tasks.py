from celery import shared_task

from . import customer_access, partitions


@shared_task(name="subjects.activity_partitions_ensure")
def activity_partitions_ensure() -> int:
    """Beat, daily: the activity-event partitions of this month and the months ahead."""
    return len(partitions.partitions_ensure())


@shared_task(name="subjects.customer_access_reports_prepare")
def customer_access_reports_prepare() -> int:
    """Beat, monthly: each customer's report of staff looks at their data last month."""
    return customer_access.customer_access_reports_prepare()
