"""Loaded into the fault tests' workers (`celery worker --include tests.faults.hooks`): holds
a job at a chosen step, so a kill or a restart lands there rather than at a random moment.

FAULT_PAUSE_AT="<job>:<progress>:<seconds>" pauses when that job's JobRun records that progress
(the step is committed; the next one has not begun) and writes FAULT_MARKER when it does.
FAULT_HOLD_SWAP holds a month's partition swap done but uncommitted (see `_hold_swap_install`).
"""

import os
import time
from pathlib import Path

from django.db.models.signals import post_save


def _pause_at_step(sender, instance, **kwargs):
    job, progress, seconds = os.environ["FAULT_PAUSE_AT"].rsplit(":", 2)
    if sender._meta.label != "core.JobRun" or instance.job != job:
        return
    if instance.progress_done == int(progress):
        Path(os.environ["FAULT_MARKER"]).write_text(str(os.getpid()))
        time.sleep(float(seconds))


if os.environ.get("FAULT_PAUSE_AT"):
    post_save.connect(_pause_at_step, dispatch_uid="tests.faults.pause")


def _hold_swap_install(**kwargs):
    """FAULT_HOLD_SWAP="<partition>": the swap of that month is held once the database function
    has replaced its partition and before the month's transaction commits (the old partition
    dropped, the fresh one in its place, none of it committed), writing FAULT_MARKER, until the
    file FAULT_RELEASE exists."""
    from privacyops.retention import partition_swap

    month_replace = partition_swap.month_replace
    if getattr(month_replace, "fault_hold", False):
        return

    def held_month_replace(cursor, *, month, **kept):
        counts = month_replace(cursor, month=month, **kept)
        if month.partition.name == os.environ["FAULT_HOLD_SWAP"]:
            Path(os.environ["FAULT_MARKER"]).write_text(str(os.getpid()))
            release, deadline = Path(os.environ["FAULT_RELEASE"]), time.monotonic() + 600
            while not release.exists() and time.monotonic() < deadline:
                time.sleep(0.1)
        return counts

    held_month_replace.fault_hold = True
    partition_swap.month_replace = held_month_replace


if os.environ.get("FAULT_HOLD_SWAP"):
    from celery.signals import task_prerun

    # In the process that runs the task, once the apps are loaded.
    task_prerun.connect(_hold_swap_install, dispatch_uid="tests.faults.hold_swap", weak=False)
