"""Staff bound by confidentiality: the undertaking gate, paper copies, training reminders."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from privacyops.core import roles
from privacyops.security import confidentiality
from privacyops.security.models import SecurityEvent, TrainingRecord, UndertakingAcceptance
from tests.factories import UserFactory
from tests.security.factories import training, undertaking
from tests.two_factor import mark_verified, otp_device_for

pytestmark = pytest.mark.django_db


def _verified_without_undertaking(raw_client, user):
    """Signed in past both factors, but without accepting the undertaking (raw_client)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    raw_client.force_login(user)
    session = raw_client.session
    session[DEVICE_ID_SESSION_KEY] = otp_device_for(user).persistent_id
    session.save()


def test_the_seeded_undertaking_is_in_force():
    version = confidentiality.undertaking_in_force()
    assert version is not None and version.version == 1
    assert "need" in version.text and "confidential" in version.text


def test_no_admin_page_opens_before_the_undertaking_is_accepted(raw_client):
    user = UserFactory(username="new-lawyer", role=roles.LEGAL)
    _verified_without_undertaking(raw_client, user)
    for url in (
        reverse("admin:index"),
        reverse("admin:subjects_datasubject_changelist"),
        "/admin//subjects/datasubject/",  # another spelling of a closed page
    ):
        response = raw_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("security:undertaking"))

    # The undertaking page and signing out stay open.
    page = raw_client.get(reverse("security:undertaking"), {"next": "/admin/"})
    assert page.status_code == 200 and b"need to know" in page.content
    refused = raw_client.post(reverse("security:undertaking"), {"version": 1, "next": "/admin/"})
    assert refused.status_code == 200 and not UndertakingAcceptance.objects.exists()

    accepted = raw_client.post(
        reverse("security:undertaking"),
        {"version": 1, "accept": "on", "next": "/admin/"},
    )
    assert accepted.status_code == 302 and accepted["Location"] == "/admin/"
    row = UndertakingAcceptance.objects.get(user=user)
    assert (row.version.version, row.method, row.ip) == (1, "online", "127.0.0.1")
    assert row.accepted_at <= timezone.now()
    assert raw_client.get(reverse("admin:index")).status_code == 200


def test_a_new_version_is_accepted_again(raw_client):
    user = UserFactory(username="lena", role=roles.LEGAL)
    _verified_without_undertaking(raw_client, user)
    confidentiality.undertaking_accept(user=user, version=undertaking())
    assert raw_client.get(reverse("admin:index")).status_code == 200
    confidentiality.undertaking_publish(text="Version two.", by=user)
    response = raw_client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("security:undertaking"))
    stale = raw_client.post(reverse("security:undertaking"), {"version": 1, "accept": "on"})
    assert stale.status_code == 200 and b"Version two." in stale.content
    assert not UndertakingAcceptance.objects.filter(version__version=2).exists()
    assert SecurityEvent.objects.filter(kind="undertaking_published").exists()


def test_the_second_factor_comes_before_the_undertaking(raw_client):
    user = UserFactory(username="pw-only", role=roles.LEGAL)
    otp_device_for(user)
    raw_client.force_login(user)
    response = raw_client.get(reverse("admin:index"))
    assert response["Location"].startswith(reverse("security:verify"))


def test_the_test_client_accepts_like_it_passes_the_second_factor(client):
    user = UserFactory(username="auditor", role=roles.AUDITOR)
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert UndertakingAcceptance.objects.filter(user=user).count() == 1


def test_legal_records_a_signed_paper_copy(client):
    legal = UserFactory(username="legal", role=roles.LEGAL)
    clerk = UserFactory(username="clerk", role=roles.ACCOUNT_REPRESENTATIVE)
    client.force_login(legal)
    signed = timezone.now() - datetime.timedelta(days=2)
    response = client.post(
        reverse("admin:security_undertakingacceptance_add"),
        {
            "user": clerk.pk,
            "version": undertaking().pk,
            "accepted_at_0": signed.strftime("%Y-%m-%d"),
            "accepted_at_1": signed.strftime("%H:%M:%S"),
            "paper_reference": "HR folder 2026/14",
        },
    )
    assert response.status_code == 302
    paper = UndertakingAcceptance.objects.get(user=clerk)
    assert (paper.method, paper.recorded_by, paper.paper_reference) == (
        "paper",
        legal,
        "HR folder 2026/14",
    )
    assert SecurityEvent.objects.filter(
        kind="undertaking_paper_recorded", target_username="clerk"
    ).exists()
    # The paper copy counts: the clerk is not asked again.
    assert confidentiality.must_accept_undertaking(clerk) is None


def test_training_reminder_is_sent_once_before_it_lapses(django_capture_on_commit_callbacks):
    user = UserFactory(username="trained", role=roles.AUDITOR, email="trained@infoserv.eu")
    today = timezone.localdate()
    soon = training(user, valid_until=today + datetime.timedelta(days=10))
    training(UserFactory(username="later"), valid_until=today + datetime.timedelta(days=200))
    renewed_user = UserFactory(username="renewed")
    training(renewed_user, valid_until=today + datetime.timedelta(days=5))
    training(renewed_user, valid_until=today + datetime.timedelta(days=370))

    with django_capture_on_commit_callbacks(execute=True):
        assert confidentiality.training_reminders_send(today=today) == 1
        assert confidentiality.training_reminders_send(today=today) == 0
    assert len(mail.outbox) == 1 and "trained@infoserv.eu" in mail.outbox[0].to
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None
    assert SecurityEvent.objects.filter(kind="training_reminder_sent").count() == 1


def test_the_training_reminder_is_a_seeded_beat_job():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="security.remind_training_renewals").exists()


def test_representative_sees_only_their_own_undertaking_and_training(client):
    rep = UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE)
    other = UserFactory(username="someone-else", role=roles.ACCOUNT_REPRESENTATIVE)
    training(rep)
    TrainingRecord.objects.create(
        user=other, course="Secret course", completed_on="2026-01-01", valid_until="2027-01-01"
    )
    client.force_login(rep)
    confidentiality.undertaking_accept(user=other, version=undertaking())
    page = client.get(reverse("security:my_confidentiality"))
    assert page.status_code == 200
    assert b"Data protection for staff" in page.content and b"Secret course" not in page.content
    assert len(page.context["acceptances"]) == 1
    assert client.get(reverse("admin:security_trainingrecord_changelist")).status_code == 403


def test_auditor_reads_but_does_not_record(client):
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    assert client.get(reverse("admin:security_trainingrecord_changelist")).status_code == 200
    assert client.get(reverse("admin:security_trainingrecord_add")).status_code == 403


def test_demo_logins_have_accepted_the_undertaking(settings):
    from django.core.management import call_command

    settings.DEBUG = True
    call_command("demo_logins", password="demo-password-123")
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(username__in=["legal", "auditor", "rep"]):
        assert confidentiality.must_accept_undertaking(user) is None


def test_mark_verified_is_what_the_client_fixture_uses(raw_client):
    user = UserFactory(username="helper", role=roles.LEGAL)
    raw_client.force_login(user)
    mark_verified(raw_client, user)
    assert raw_client.get(reverse("admin:index")).status_code == 200


def test_the_admin_home_links_each_staff_member_to_their_own(client):
    rep = UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE)
    training(rep)
    client.force_login(rep)
    home = client.get(reverse("admin:index")).content.decode()
    assert "My confidentiality undertaking and privacy training" in home
    assert "version 1 accepted" in home and "Data protection for staff" in home
    assert reverse("security:my_confidentiality") in home
