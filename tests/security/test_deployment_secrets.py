"""Production never starts on the repository's demo secrets (issue 13, point 5).

With DEBUG off, a missing or demo SECRET_KEY, FIELD_ENCRYPTION_SALTS or BLIND_INDEX_KEYS is a
system-check error; `manage.py`, the WSGI/ASGI application, Celery workers and beat all refuse
to start on it.
"""

import subprocess
import sys

import pytest
from django.conf import settings
from django.test import override_settings

from privacyops.security.checks import production_secrets_set
from tests.conftest import ROOT

REAL = {
    "SECRET_KEY": "a-long-random-production-key-" + "k" * 40,
    "FIELD_ENCRYPTION_SALTS": "production-salt-1",
    "BLIND_INDEX_KEYS": "production-blind-index-key-1",
}


def _ids(**overrides):
    with override_settings(**overrides):
        return sorted(error.id for error in production_secrets_set(None))


def test_the_suite_itself_runs_on_secrets_of_its_own():
    assert _ids() == []
    assert settings.SECRET_KEY != settings.DEMO_SECRET_KEY


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"SECRET_KEY": settings.DEMO_SECRET_KEY}, ["privacyops.security.E010"]),
        ({"SECRET_KEY": ""}, ["privacyops.security.E010"]),
        ({"SALT_KEY": list(settings.DEMO_FIELD_ENCRYPTION_SALTS)}, ["privacyops.security.E011"]),
        ({"SALT_KEY": []}, ["privacyops.security.E011"]),
        ({"BLIND_INDEX_KEYS": []}, ["privacyops.security.E012"]),
        ({"BLIND_INDEX_KEYS": [""]}, ["privacyops.security.E012"]),
    ],
)
def test_demo_or_missing_secrets_are_errors_with_debug_off(overrides, expected):
    assert _ids(DEBUG=False, **overrides) == expected


def test_a_laptop_with_debug_on_may_use_the_demo_secrets():
    demo = {
        "SECRET_KEY": settings.DEMO_SECRET_KEY,
        "SALT_KEY": settings.DEMO_FIELD_ENCRYPTION_SALTS,
        "BLIND_INDEX_KEYS": [],
    }
    assert _ids(DEBUG=True, **demo) == []


def _run(args, env, timeout=90):
    base = {"PATH": "/usr/bin:/bin", "PRIVACYOPS_VAR_DIR": settings.VAR_DIR.as_posix()}
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_deployment_check_refuses_the_demo_secrets():
    result = _run(
        ["manage.py", "check", "--deploy"], {"DEBUG": "false", "ALLOWED_HOSTS": "x.example"}
    )
    assert result.returncode != 0
    for code in ("E010", "E011", "E012"):
        assert code in result.stderr


@pytest.mark.parametrize("module", ["config.wsgi", "config.asgi"])
def test_the_web_application_refuses_to_load_on_the_demo_secrets(module):
    refused = _run(["-c", f"import {module}"], {"DEBUG": "false"})
    assert refused.returncode != 0 and "Refusing to start" in refused.stderr
    started = _run(["-c", f"import {module}"], {"DEBUG": "false", **REAL})
    assert started.returncode == 0, started.stderr


# Standalone beat on a file scheduler here: the database scheduler would need a migrated
# database before beat gets as far as its start signal.
@pytest.mark.parametrize(
    "process",
    [["worker", "--beat"], ["beat", "--scheduler", "celery.beat:PersistentScheduler"]],
)
def test_celery_workers_and_beat_refuse_to_start_on_the_demo_secrets(process, tmp_path):
    result = _run(
        ["-m", "celery", "-A", "config", *process, "-s", str(tmp_path / "beat-schedule")]
        + ["--loglevel", "INFO"],
        {"DEBUG": "false", "CELERY_BROKER_URL": "memory://"},
    )
    assert result.returncode != 0
    assert "Refusing to start" in result.stdout + result.stderr
