import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app

# The playwright sync API runs an event loop in the test thread; Django's ORM refuses to run
# there unless told that this (test-only) use is safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The suite speaks plain HTTP to the test client and the live server; production keeps these on.
settings.SECURE_SSL_REDIRECT = False
settings.SESSION_COOKIE_SECURE = False
settings.CSRF_COOKIE_SECURE = False
# Tests create hundreds of users; PBKDF2's deliberate slowness is for production only.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The suite's private files (access packages, the erasure journal of its erasures and purges)
# go to a folder of this run's own, never to the demo's var/private; the workers and commands
# it starts inherit it through the environment. Tests that look at files set their own.
PRIVATE_ROOT = tempfile.mkdtemp(prefix="privacyops-test-private-")
atexit.register(shutil.rmtree, PRIVATE_ROOT, ignore_errors=True)
settings.PRIVATE_STORAGE_ROOT = os.environ["PRIVATE_STORAGE_ROOT"] = PRIVATE_ROOT

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture
def client():
    """The test client, whose force_login/login also pass the admin's second factor.

    Tests about signing in itself use `raw_client` (see tests/two_factor.py).
    """
    from tests.two_factor import SecondFactorClient

    return SecondFactorClient()


@pytest.fixture
def raw_client():
    from django.test import Client

    return Client()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


def _database_url_for_worker() -> str:
    """The URL of the database this test run uses (the test database, not the configured one).

    Read from the open connection, so it is this process's own under xdist too (SQLite file
    `test-<pid>.sqlite3_gw0`, PostgreSQL `test_privacyops_ci_gw0`).
    """
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """A real Celery worker process on the configured broker, consuming a queue of its own."""

    def __init__(self, queue: str, process: subprocess.Popen, log: Path):
        self.queue, self.process, self.log = queue, process, log

    def wait_for(self, predicate, *, timeout: float = 60, what: str = "the worker"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise AssertionError(
            f"Timed out waiting for {what}. Worker log:\n{self.log.read_text()[-4000:]}"
        )

    def kill(self) -> None:
        """SIGKILL the worker and its pool children at once, as a crashed machine would."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_worker(
    tmp_path: Path, *, extra_args: tuple[str, ...] = (), env: dict[str, str] | None = None
) -> Worker:
    queue = f"test-{uuid.uuid4().hex[:10]}"
    # Tasks sent by this test process go to the worker's private queue, so a worker of
    # `make run` or a parallel test run on the same broker can never take them.
    celery_app.conf.task_default_queue = queue
    log = tmp_path / f"worker-{queue}.log"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url_for_worker(),
        "CELERY_QUEUE": queue,
        **(env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            queue,
            "--concurrency",
            "1",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            *extra_args,
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: kill() takes the pool children too
    )
    return Worker(queue, process, log)


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    worker = start_worker(tmp_path)
    yield worker
    worker.stop()


# Data migrations that seed reference data. A transactional test (live server, real worker)
# starts from an emptied database, so it re-applies these through `reference_data`.
REFERENCE_DATA_MIGRATIONS = [
    "privacyops.inventory.migrations.0002_seed_record_of_processing",
    "privacyops.dsr.migrations.0002_seed_letters_and_schedules",
    "privacyops.dsr.migrations.0004_completion_letter_and_package_expiry",
    "privacyops.dsr.migrations.0012_seed_bulgarian_letters",
    "privacyops.retention.migrations.0002_seed_rules_and_schedules",
    "privacyops.retention.migrations.0005_seed_privacy_requests_rule",
    "privacyops.retention.migrations.0007_seed_opted_out_rules",
    "privacyops.security.migrations.0005_seed_undertaking_and_schedule",
    "privacyops.core.migrations.0004_seed_review_schedules",
    "privacyops.dsr.migrations.0008_seed_minors_alert_schedule",
    "privacyops.incidents.migrations.0002_seed_letters_schedules_security_txt",
    "privacyops.incidents.migrations.0004_seed_bulgarian_letters",
    "privacyops.inventory.migrations.0004_seed_vendors_adequacy_cookies",
    "privacyops.inventory.migrations.0005_seed_consistent_with_policy",
    "privacyops.accountability.migrations.0002_seed_policy_paragraphs",
    "privacyops.marketing.migrations.0004_seed_policy_notice_letters",
    "privacyops.webhooks.migrations.0002_seed_delivery_schedule",
    "privacyops.webhooks.migrations.0003_seed_acknowledgement_schedule",
    "privacyops.api.migrations.0003_seed_received_event_retention",
    "privacyops.dsr.migrations.0013_seed_package_build_sweep_schedule",
]


@pytest.fixture
def reference_data(transactional_db):
    import importlib

    from django.apps import apps

    for module in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(module).seed(apps, None)


@pytest.fixture(scope="session", autouse=True)
def access_log_flushable_between_tests():
    """Transactional tests end with Django's flush, which empties every table. The access log's
    triggers refuse that outside a maintenance window (as they refuse it in production), so the
    suite's flush, and only it, runs inside one."""
    from django.db.backends.base.operations import BaseDatabaseOperations

    from privacyops.security.database import access_log_maintenance

    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with access_log_maintenance(by="test suite flush", using=self.connection.alias):
            original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original


@pytest.fixture(autouse=True)
def language_reset_after_each_test():
    """A request in Bulgarian (LocaleMiddleware) leaves Bulgarian active in this thread; code a
    later test runs outside a request (services, tasks) must start from the default language,
    as a worker process does."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def activity_months_as_found(request):
    """A transactional test's DDL outlives it: Django's flush empties the tables and leaves the
    month partitions a test made (tests of month swaps make 30 months back). The next test on
    this database would then find whole months where it expects rows in the default partition,
    and its purge would swap months instead of walking windows. Partitions made by the test go
    with it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        yield
        return
    request.getfixturevalue("transactional_db")
    from django.db import connection

    from privacyops.subjects import partitions

    found = {p.name for p in partitions.month_partitions()}
    yield
    if not partitions.is_partitioned():  # a test that converted the table and failed midway
        return
    with connection.cursor() as cursor:
        for partition in partitions.month_partitions():
            if partition.name not in found:
                cursor.execute(f"DROP TABLE {partition.name}")
