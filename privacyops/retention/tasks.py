from celery import shared_task

from . import selectors, services
from .models import RetentionRule


@shared_task(name="retention.run_all")
def run_all() -> int:
    """Fan out: one task per active rule, so rules run in parallel on as many workers as exist."""
    ids = list(selectors.rules_active().values_list("pk", flat=True))
    for rule_id in ids:
        run_rule.delay(rule_id)
    return len(ids)


@shared_task(name="retention.run_rule", bind=True)
def run_rule(self, rule_id: int) -> int | None:
    run = services.retention_rule_run(
        rule=RetentionRule.objects.get(pk=rule_id), worker=self.request.hostname or ""
    )
    return getattr(run, "pk", None)


@shared_task(name="retention.announce_expiring_holds")
def announce_expiring_holds() -> int:
    return services.legal_holds_announce_expiring()
