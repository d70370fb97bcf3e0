"""Backups cannot bring erased people back: dump, erase, restore the dump into a new database,
replay the journal, and nothing of the person is left while the doctor reports clean
(PostgreSQL: pg_dump custom format and pg_restore, as docs/operations.md tells operators)."""

import importlib
import json
import os
import subprocess
import sys

import pytest
from django.db import connection
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from privacyops.core import doctor, journal
from privacyops.core import services as core_services
from privacyops.dsr import services as dsr
from privacyops.dsr.models import RequestType
from tests.conftest import ROOT
from tests.dsr.factories import in_progress
from tests.dsr.fulfilment_pages import EMAIL, subject_in_every_model
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.worker,  # real processes (pg_dump, pg_restore, manage.py)
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":")[0] not in ("postgres", "postgresql"),
        reason="pg_dump and pg_restore need PostgreSQL (CI runs this on PostgreSQL)",
    ),
]

# What a restored database says about the person (run in the restored database by manage.py).
LOOK = """
import json
from privacyops.core import registry
from privacyops.marketing import services as marketing
from privacyops.subjects.models import ContactPoint, DataSubject
subject = DataSubject._base_manager.get(pk={pk})
data = registry.personal_data_for(subject)["categories"]
print(json.dumps({{
    "name": subject.full_name,
    "erased": subject.erased_at is not None,
    "contacts": ContactPoint.objects.filter(subject=subject).count(),
    "may_send": marketing.may_send({email!r}, "newsletter"),
    "personal": {{c: sorted(m) for c, m in data.items() if m}},
}}))
"""


def pg(*args: str) -> None:
    db = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}
    where = ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"]]
    subprocess.run([args[0], *where, *args[1:]], check=True, env=env, capture_output=True)


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_a_restored_backup_replayed_holds_no_trace_of_the_erased_person(
    reference_data, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    # The heartbeat schedule core seeds (reference_data re-seeds other apps' schedules only).
    from django.apps import apps

    importlib.import_module("privacyops.core.migrations.0002_seed_roles_and_schedules").seed(
        apps, None
    )
    lena = UserFactory(username="lena-restore", role="Legal")
    subject = subject_in_every_model()
    request = in_progress(request_type=RequestType.ERASURE, requester_email=EMAIL)
    PeriodicTask.objects.filter(task=doctor.HEARTBEAT_TASK).update(last_run_at=timezone.now())
    core_services.heartbeat_record(worker="celery@restore-test")

    db = connection.settings_dict
    dump = tmp_path / "privacyops.dump"
    backup_taken_at = timezone.now()
    pg("pg_dump", "-Fc", "--no-owner", "-d", db["NAME"], "-f", str(dump))

    _, plan = dsr.erasure_preview(request=request, by=lena)
    dsr.erasure_execute(request=request, by=lena, plan=plan)
    assert [e["subject"] for e in journal.entries() if e["kind"] == journal.ERASURE] == [subject.pk]

    restored = f"{db['NAME']}_restored"
    pg("dropdb", "--if-exists", restored)
    pg("createdb", "-T", "template0", restored)
    try:
        pg("pg_restore", "--no-owner", "--exit-on-error", "-d", restored, str(dump))
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        where = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://{auth}@{where}/{restored}",
            "PRIVATE_STORAGE_ROOT": settings.PRIVATE_STORAGE_ROOT,
        }
        look = LOOK.format(pk=subject.pk, email=EMAIL)

        before = manage("shell", "-c", look, env=env)
        assert before.returncode == 0, before.stderr
        resurrected = json.loads(before.stdout.strip().splitlines()[-1])
        # The backup brought her back: name, addresses, marketing permission and all.
        assert resurrected["name"] == "Maria Ivanova" and resurrected["contacts"] == 2
        assert not resurrected["erased"] and resurrected["may_send"]

        replay = manage(
            "erasure_journal_replay", "--backup-taken-at", backup_taken_at.isoformat(), env=env
        )
        assert replay.returncode == 0, replay.stdout + replay.stderr
        assert "erasure: erased again" in replay.stdout

        after = manage("shell", "-c", look, env=env)
        assert after.returncode == 0, after.stderr
        state = json.loads(after.stdout.strip().splitlines()[-1])
        assert state["erased"] and state["name"] == "" and state["contacts"] == 0
        assert not state["may_send"]
        # What remains is what the erasure keeps with its reason (contracts, the request's own
        # file, the customer's data), exactly as in the database that was never restored.
        from privacyops.core import registry

        here = registry.personal_data_for(type(subject)._base_manager.get(pk=subject.pk))
        assert state["personal"] == {c: sorted(m) for c, m in here["categories"].items() if m}

        report = manage("privacy_doctor", "--format", "json", env=env)
        assert report.returncode == 0, report.stdout + report.stderr
        assert json.loads(report.stdout)["ok"] is True
        again = manage("erasure_journal_replay", "--since", backup_taken_at.isoformat(), env=env)
        assert again.returncode == 0 and "erased again" not in again.stdout
    finally:
        pg("dropdb", "--if-exists", restored)
