"""The admin's gates: network allow-list, second factor, headers and session settings."""

import logging

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from privacyops.core import roles
from privacyops.security.models import LoginAttempt
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import accept_undertaking, recovery_code_for

pytestmark = pytest.mark.django_db

OFFICE = ["192.0.2.0/24", "2001:db8:10::/48"]


@override_settings(ADMIN_ALLOWED_NETWORKS=OFFICE, TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize(
    ("remote", "xff", "status"),
    [
        ("192.0.2.10", "", 200),
        ("198.51.100.1", "", 403),
        ("2001:db8:10::5", "", 200),
        ("2001:db8:11::5", "", 403),
        ("10.0.0.1", "192.0.2.44", 200),  # office user behind our proxy
        ("10.0.0.1", "198.51.100.1", 403),  # outsider behind our proxy
        ("198.51.100.1", "192.0.2.44", 403),  # forged header from outside
        ("10.0.0.1", "192.0.2.44, 198.51.100.1", 403),  # forged left part
    ],
)
def test_admin_answers_only_inside_the_allow_list(raw_client, remote, xff, status, caplog):
    extra = {"REMOTE_ADDR": remote}
    if xff:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    with caplog.at_level(logging.WARNING, logger="privacyops.security"):
        response = raw_client.get(reverse("admin:login"), **extra)
    assert response.status_code == status
    refused = [r for r in caplog.records if "admin request refused" in r.getMessage()]
    assert bool(refused) == (status == 403)


@override_settings(ADMIN_ALLOWED_NETWORKS=OFFICE)
def test_public_pages_are_not_behind_the_allow_list(raw_client):
    response = raw_client.get("/", REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 302  # the root redirect, not a 403
    assert raw_client.get("/admin/", REMOTE_ADDR="198.51.100.1").status_code == 403


def test_password_alone_does_not_open_the_admin(raw_client):
    user = UserFactory(username="lena", role=roles.LEGAL)
    recovery_code_for(user)
    raw_client.force_login(user)
    response = raw_client.get(reverse("admin:inventory_processingactivity_changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:verify"))


# django-otp makes each device wait longer after every wrong code; this test types a wrong
# code and then the right one at once, so the waiting is switched off here.
@override_settings(OTP_TOTP_THROTTLE_FACTOR=0)
def test_a_user_without_a_device_is_led_to_enrol_then_signs_in(raw_client):
    user = UserFactory(username="newbie", role=roles.AUDITOR)
    accept_undertaking(user)  # the undertaking's own gate: tests/security/test_confidentiality
    assert raw_client.login(username="newbie", password=PASSWORD, request=_request())
    response = raw_client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("security:enrol"))

    page = raw_client.get(response["Location"])
    assert b"<svg" in page.content and b"totp-secret" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)

    wrong = raw_client.post(reverse("security:enrol"), {"token": "000000", "next": "/admin/"})
    assert wrong.status_code == 200 and b"not right" in wrong.content

    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    done = raw_client.post(reverse("security:enrol"), {"token": code, "next": "/admin/"})
    assert done.status_code == 200
    assert done.content.count(b"<li><code>") == 10  # the recovery codes, shown once
    assert raw_client.get(reverse("admin:index")).status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    outcomes = list(
        LoginAttempt.objects.filter(username="newbie").values_list("outcome", flat=True)
    )
    assert LoginAttempt.Outcome.SECOND_FACTOR_ACCEPTED in outcomes
    assert LoginAttempt.Outcome.SECOND_FACTOR_REFUSED in outcomes


def test_enrolling_again_needs_the_existing_factor(raw_client):
    user = UserFactory(username="has-one", role=roles.LEGAL)
    recovery_code_for(user)
    raw_client.force_login(user)
    response = raw_client.get(reverse("security:enrol"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("security:verify")
    )


def test_recovery_code_signs_in_once(raw_client):
    user = UserFactory(username="lost-phone", role=roles.LEGAL)
    accept_undertaking(user)
    code = recovery_code_for(user)
    raw_client.force_login(user)
    assert raw_client.post(reverse("security:verify"), {"token": code}).status_code == 302
    assert raw_client.get(reverse("admin:index")).status_code == 200

    raw_client.logout()
    raw_client.force_login(user)
    again = raw_client.post(reverse("security:verify"), {"token": code})
    assert again.status_code == 200 and b"not right" in again.content
    assert raw_client.get(reverse("admin:index")).status_code == 302


def test_every_response_has_a_content_security_policy(raw_client):
    for url in ("/", reverse("admin:login")):
        policy = raw_client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
        assert "script-src 'self'" in policy and "unsafe-eval" not in policy


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_SSL_REDIRECT=False)
def test_hsts_on_secure_responses(raw_client):
    response = raw_client.get(reverse("admin:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_sessions_expire_on_inactivity_and_cookies_are_guarded():
    assert settings.SESSION_SAVE_EVERY_REQUEST  # the age counts from the last request
    assert settings.SESSION_COOKIE_AGE <= 60 * 60
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"


def test_production_settings_pass_check_deploy(monkeypatch):
    import subprocess
    import sys

    from tests.conftest import ROOT

    env = {
        "SECRET_KEY": "x" * 20 + "-a-long-random-production-key-0123456789abcdefghijklmnop",
        "FIELD_ENCRYPTION_SALTS": "production-salt",
        "BLIND_INDEX_KEYS": "production-blind-index-key",
        "ALLOWED_HOSTS": "privacy.infoserv.eu",
        "DEBUG": "false",
        "PATH": "/usr/bin:/bin",
        "PRIVACYOPS_VAR_DIR": settings.VAR_DIR.as_posix(),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_missing_gate_fails_the_system_check():
    middleware = [m for m in settings.MIDDLEWARE if "SecondFactorRequired" not in m]
    with override_settings(MIDDLEWARE=middleware), pytest.raises(Exception, match="E001"):
        call_command("check", "--fail-level", "ERROR")


def _request():
    from django.http import HttpRequest

    request = HttpRequest()
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return request
