"""Identity confirmation: every attempt recorded; repeated failures lock out; unlocks logged."""

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.urls import reverse

from privacyops.core import roles
from privacyops.security import services
from privacyops.security.models import LoginAttempt, SecurityEvent, StaffMember
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import recovery_code_for

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"


def _sign_in(client, username, password, ip="192.168.1.20"):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        HTTP_USER_AGENT=BROWSER,
    )


@override_settings(OTP_STATIC_THROTTLE_FACTOR=0)  # a wrong code, then the right one at once
def test_every_attempt_is_recorded_with_time_ip_and_browser(raw_client):
    user = UserFactory(username="lena", role=roles.LEGAL)
    code = recovery_code_for(user)

    _sign_in(raw_client, "lena", "wrong password")
    assert _sign_in(raw_client, "lena", PASSWORD).status_code == 302
    raw_client.post(reverse("security:verify"), {"token": "123456"}, REMOTE_ADDR="192.168.1.20")
    raw_client.post(reverse("security:verify"), {"token": code}, REMOTE_ADDR="192.168.1.20")

    rows = list(LoginAttempt.objects.order_by("pk"))
    assert [r.outcome for r in rows] == [
        LoginAttempt.Outcome.PASSWORD_REFUSED,
        LoginAttempt.Outcome.PASSWORD_ACCEPTED,
        LoginAttempt.Outcome.SECOND_FACTOR_REFUSED,
        LoginAttempt.Outcome.SECOND_FACTOR_ACCEPTED,
    ]
    assert all(r.ip == "192.168.1.20" and r.occurred_at for r in rows)
    assert rows[0].user_agent == BROWSER and rows[0].username == "lena"
    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.RECOVERY_CODE_USED).exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_out_that_user_from_that_address_until_legal_releases(
    raw_client, client
):
    UserFactory(username="rep", role=roles.ACCOUNT_REPRESENTATIVE)
    for _ in range(3):
        _sign_in(raw_client, "rep", "guess")
    locked = _sign_in(raw_client, "rep", PASSWORD)
    assert locked.status_code == 429
    assert LoginAttempt.objects.filter(outcome=LoginAttempt.Outcome.LOCKED_OUT).exists()
    # The same user from another address, and another user from this one, are not locked.
    assert _sign_in(raw_client, "rep", PASSWORD, ip="192.168.1.99").status_code == 302
    raw_client.logout()

    legal = UserFactory(username="lena", role=roles.LEGAL)
    client.force_login(legal)
    attempt = AccessAttempt.objects.get(username="rep", ip_address="192.168.1.20")
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "release", "_selected_action": [attempt.pk]},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="rep", ip_address="192.168.1.20").exists()
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.LOCKOUT_RELEASED)
    assert event.actor_username == "lena" and event.target_username == "rep"
    assert event.detail["locked_ip"] == "192.168.1.20"
    assert _sign_in(raw_client, "rep", PASSWORD).status_code == 302


def test_auditor_sees_lockouts_but_cannot_release_them(client):
    attempt = AccessAttempt.objects.create(
        username="rep",
        ip_address="192.0.2.1",
        failures_since_start=9,
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/admin/login/",
    )
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert changelist.status_code == 200 and b"Release lockout" not in changelist.content
    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "release", "_selected_action": [attempt.pk]},
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()
    assert not SecurityEvent.objects.exists()


def test_legal_resets_a_lost_device_and_the_reset_is_logged(client, raw_client):
    rep = UserFactory(username="rep", role=roles.ACCOUNT_REPRESENTATIVE)
    recovery_code_for(rep)
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    response = client.post(
        reverse("admin:security_staffmember_changelist"),
        {"action": "reset_second_factor", "_selected_action": [rep.pk]},
    )
    assert response.status_code == 302
    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.SECOND_FACTOR_RESET)
    assert (event.actor_username, event.target_username) == ("lena", "rep")
    assert event.detail["devices_removed"] >= 1

    raw_client.force_login(rep)
    assert raw_client.get("/admin/")["Location"].startswith(reverse("security:enrol"))


def test_the_auditor_cannot_reset_anyones_device(client):
    rep = UserFactory(username="rep", role=roles.ACCOUNT_REPRESENTATIVE)
    recovery_code_for(rep)
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    client.post(
        reverse("admin:security_staffmember_changelist"),
        {"action": "reset_second_factor", "_selected_action": [rep.pk]},
    )
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.Kind.SECOND_FACTOR_RESET).exists()


def test_login_history_is_visible_to_legal_not_to_representatives(client):
    services.login_attempt_record(outcome=LoginAttempt.Outcome.PASSWORD_REFUSED, username="x")
    url = reverse("admin:security_loginattempt_changelist")
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    assert client.get(url).status_code == 200
    client.force_login(UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE))
    assert client.get(url).status_code == 403


def test_staff_list_shows_who_has_a_second_factor(client):
    legal = UserFactory(username="lena", role=roles.LEGAL)
    client.force_login(legal)  # the test client verifies with a device of its own
    UserFactory(username="no-device", role=roles.AUDITOR)
    page = client.get(reverse("admin:security_staffmember_changelist")).content.decode()
    assert "no-device" in page and "lena" in page
    assert StaffMember.objects.filter(is_staff=True).count() == 2


def test_demo_logins_print_a_working_second_factor(raw_client, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    out = StringIO()
    call_command("demo_logins", password="demo-password-123", stdout=out)
    text = out.getvalue()
    line = next(line for line in text.splitlines() if "one-time demo codes" in line)
    code = line.split(":")[-1].split()[0]
    raw_client.post(LOGIN, {"username": "legal", "password": "demo-password-123"})
    assert raw_client.post(reverse("security:verify"), {"token": code}).status_code == 302
    assert raw_client.get("/admin/").status_code == 200
