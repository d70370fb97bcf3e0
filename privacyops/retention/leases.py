"""One run of a rule at a time, on any number of workers, and what a dead run leaves.

A run holds its rule's lease (two columns on the rule), taken with one atomic UPDATE: it works
where row locks do not (SQLite) and needs no session-bound advisory lock. A run that dies
(a SIGKILLed worker) simply stops renewing; once the lease has lapsed, the next run takes it,
marks the dead run interrupted and resumes from its checkpoint.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from privacyops.core.models import JobRun

from .models import PurgeRun, RetentionEvent, RetentionRule


def lease_seconds() -> int:
    """How long a run's claim on its rule lasts without renewal (renewed every third of it)."""
    return settings.RETENTION_LEASE_SECONDS


class LeaseLost(Exception):
    """Another run took the rule over (this one was too slow to renew its lease)."""


def rule_claim(*, rule: RetentionRule, token: str) -> bool:
    """Take the rule's lease with one atomic UPDATE (works where row locks do not: SQLite)."""
    now = timezone.now()
    claimed = (
        RetentionRule.objects.filter(pk=rule.pk)
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .update(
            lease_owner=token, lease_expires_at=now + datetime.timedelta(seconds=lease_seconds())
        )
    )
    return claimed == 1


def rule_renew(*, rule: RetentionRule, token: str) -> None:
    """Extend the lease this run holds; LeaseLost when another run has taken the rule over."""
    expires = timezone.now() + datetime.timedelta(seconds=lease_seconds())
    if not RetentionRule.objects.filter(pk=rule.pk, lease_owner=token).update(
        lease_expires_at=expires
    ):
        raise LeaseLost(rule.code)


def rule_release(*, rule: RetentionRule, token: str) -> None:
    RetentionRule.objects.filter(pk=rule.pk, lease_owner=token).update(
        lease_owner="", lease_expires_at=None
    )


@transaction.atomic
def runs_mark_interrupted(*, rule: RetentionRule) -> list[PurgeRun]:
    """Runs still 'running' while nobody holds the rule's lease died mid-run (a killed worker).

    Called only by the holder of the lease, so the dead run cannot still be working.
    """
    stale = list(
        PurgeRun.objects.select_for_update().filter(rule=rule, status=PurgeRun.Status.RUNNING)
    )
    now = timezone.now()
    for run in stale:
        run.status = PurgeRun.Status.INTERRUPTED
        run.finished_at = now
        run.errors = (run.errors + "\n" if run.errors else "") + (
            "The worker stopped mid-run; every committed window is final, the rest is untouched."
        )
        run.save(update_fields=["status", "finished_at", "errors"])
        if run.job_run_id:
            JobRun.objects.filter(pk=run.job_run_id).update(
                status=JobRun.Status.INTERRUPTED, finished_at=now
            )
        RetentionEvent.objects.create(
            kind=RetentionEvent.Kind.RUN_INTERRUPTED, run=run, detail={"checkpoint": run.checkpoint}
        )
    return stale
