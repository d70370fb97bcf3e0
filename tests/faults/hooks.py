"""Loaded into the fault tests' workers (`celery worker --include tests.faults.hooks`): holds
a job at a chosen step, so a kill or a restart lands there rather than at a random moment.

FAULT_PAUSE_AT="<job>:<progress>:<seconds>" pauses when that job's JobRun records that progress
(the step is committed; the next one has not begun) and writes FAULT_MARKER when it does.
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
