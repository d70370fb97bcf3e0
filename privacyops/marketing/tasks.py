from celery import shared_task

from privacyops.inventory.models import PolicyVersion

from . import policy_notices


@shared_task(name="marketing.policy_notices_due")
def policy_notices_due_task() -> list[int]:
    return [run.pk for run in policy_notices.policy_notices_due(worker="celery")]


@shared_task(name="marketing.policy_notices_send")
def policy_notices_send_task(policy_version_id: int) -> int:
    version = PolicyVersion.objects.get(pk=policy_version_id)
    return policy_notices.policy_notices_send(policy_version=version, worker="celery").pk
