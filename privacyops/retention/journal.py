"""Retention purges in the erasure journal (privacyops.core.journal).

A run is journalled when it starts, by rule, action and cutoff: that is enough to dispose of
the same rows again after a restore, whether the run finished, was killed or swapped whole
months. Re-applying disposes of what the rule, at that cutoff, disposes of in the restored
data (held rows and rows a longer rule keeps stay), in one statement per kind of record.
"""

import datetime

from django.db.models import Q
from django.utils import timezone

from privacyops.core import journal, registry

from . import engine
from .models import PurgeRun, RetentionRule


def purge_journal(run: PurgeRun) -> None:
    journal.record(
        journal.PURGE,
        rule=run.rule.code,
        action=run.action,
        cutoff=run.cutoff.isoformat(),
        purge_run=run.pk,
    )


def purge_replay(line: dict) -> str:
    rule = RetentionRule.objects.filter(code=line["rule"]).first()
    if rule is None:
        return f"problem: no retention rule {line['rule']!r} in this database"
    cutoff = datetime.datetime.fromisoformat(line["cutoff"])
    now, salt, done = timezone.now(), registry.hash_salt(), 0
    for registration in engine.targets(rule):
        selection = engine.select(rule, registration, cutoff=cutoff, now=now)
        if engine.deletes_rows(line["action"], registration):
            done += engine.delete_window(selection.disposable, registration, Q())
        else:
            done += engine.anonymise_window(selection.disposable, registration, Q(), salt=salt)
    return f"disposed of {done} rows again" if done else "already disposed of"


journal.register_replayer(journal.PURGE, purge_replay)
