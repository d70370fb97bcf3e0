"""Children under 18: the age question at the public form, Legal's daily alert, and erasing a
child's data on Legal's decision (preview, reason, suppression, certificate)."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from privacyops.core import roles
from privacyops.dsr import services
from privacyops.dsr.models import (
    ChildDeclaration,
    ChildErasure,
    MinorAlert,
    PrivacyRequest,
    RequestEvent,
)
from privacyops.dsr.services import FulfilmentError
from privacyops.marketing.models import SuppressionEntry
from privacyops.retention import services as retention
from privacyops.subjects.models import ContactPoint
from tests.dsr.factories import child
from tests.factories import DataSubjectFactory, UserFactory

pytestmark = pytest.mark.django_db

FORM = "/privacy/request/"
GOOD = {"request_type": "access", "name": "Ana Petrova", "email": "ana@example.com"}


def test_the_form_asks_the_age(client):
    page = client.get(FORM)
    assert b"How old are you?" in page.content and b"I am under 18" in page.content
    missing = client.post(FORM, GOOD)
    assert missing.status_code == 400 and not PrivacyRequest.objects.exists()


def test_an_adult_gets_the_usual_page(client):
    response = client.post(FORM, {**GOOD, "age": "18_plus"})
    assert response.status_code == 200 and b'id="submitted"' in response.content
    assert not ChildDeclaration.objects.exists()


def test_a_child_gets_the_guardian_page_and_the_request_is_recorded_as_a_childs(client):
    response = client.post(
        FORM, {**GOOD, "name": "Kid", "email": "kid@example.com", "age": "under_18"}
    )
    assert response.status_code == 200 and b"parent or guardian" in response.content
    request = PrivacyRequest.objects.get()
    assert request.child_declaration.guardian_page_shown
    note = request.events.filter(kind=RequestEvent.Kind.NOTE).get()
    assert "under 18" in note.note
    # Recording it twice changes nothing.
    services.child_declaration_record(request=request)
    assert ChildDeclaration.objects.count() == 1 and request.events.filter(kind="note").count() == 1


def test_minors_are_alerted_once_each(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    kid = child()
    band = DataSubjectFactory(kind="lead", age_band="16_17")
    DataSubjectFactory(kind="lead", birth_date=today.replace(year=today.year - 30))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.minors_alert(today=today) == 2
        assert services.minors_alert(today=today) == 0
    assert len(mail.outbox) == 1 and "2 person(s) under 18" in mail.outbox[0].body
    assert "Kid" not in mail.outbox[0].body
    reasons = dict(MinorAlert.objects.values_list("subject_id", "reason"))
    assert reasons == {kid.pk: "birth_date", band.pk: "age_band"}

    # Newly flagged by a birth date: alerted the next day, once.
    later = DataSubjectFactory(kind="lead")
    assert services.minors_alert(today=today) == 0
    later.birth_date = today.replace(year=today.year - 12)
    later.save()
    assert services.minors_alert(today=today) == 1


def test_the_alert_is_a_seeded_beat_job():
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(task="dsr.alert_minors").exists()


def test_erasing_a_childs_data_without_a_request():
    kid = child()
    address = ContactPoint.objects.get(subject=kid).value
    legal = UserFactory(username="lena", role=roles.LEGAL)
    report, plan = services.child_erasure_preview(subject=kid)
    assert any(e.action == "delete rows" and e.rows for e in report.entries)
    with pytest.raises(FulfilmentError):
        services.child_erasure_execute(
            subject=kid, by=legal, reason=" ", plan=plan, previewed_at=timezone.now()
        )
    certificate = services.child_erasure_execute(
        subject=kid,
        by=legal,
        reason="Declared 15; the services are not for children.",
        plan=plan,
        previewed_at=timezone.now(),
    )
    kid.refresh_from_db()
    assert kid.erased_at is not None
    assert not ContactPoint.objects.filter(subject=kid).exists()
    assert certificate.reason.startswith("Declared 15") and certificate.addresses_suppressed == 1
    assert address not in str(certificate.entries)
    assert SuppressionEntry.objects.exists()
    with pytest.raises(FulfilmentError):
        services.child_erasure_preview(subject=kid)


def test_erasure_refuses_an_adult_a_changed_plan_and_a_hold():
    today = timezone.localdate()
    adult = DataSubjectFactory(birth_date=today.replace(year=today.year - 40))
    with pytest.raises(FulfilmentError):
        services.child_erasure_preview(subject=adult)
    kid = child()
    legal = UserFactory(username="lena", role=roles.LEGAL)
    _, plan = services.child_erasure_preview(subject=kid)
    child_contact = ContactPoint.objects.get(subject=kid)
    ContactPoint.objects.create(subject=kid, kind="phone", value="+359 88 000 0000")
    with pytest.raises(FulfilmentError, match="changed"):
        services.child_erasure_execute(
            subject=kid, by=legal, reason="r", plan=plan, previewed_at=timezone.now()
        )
    retention.legal_hold_place(
        by=legal,
        matter="Dispute",
        reason="r",
        subject=kid,
        account=None,
        starts_on=today - datetime.timedelta(days=1),
        ends_on=None,
    )
    _, plan = services.child_erasure_preview(subject=kid)
    with pytest.raises(FulfilmentError, match="hold"):
        services.child_erasure_execute(
            subject=kid, by=legal, reason="r", plan=plan, previewed_at=timezone.now()
        )
    assert ContactPoint.objects.filter(pk=child_contact.pk).exists()


def test_legal_erases_from_the_alert_in_the_admin(client):
    kid = child()
    services.minors_alert()
    alert = MinorAlert.objects.get(subject=kid)
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    url = reverse("admin:dsr_minoralert_changelist")
    preview = client.post(url, {"action": "erase_child_data", ACTION_CHECKBOX_NAME: [alert.pk]})
    assert preview.status_code == 200 and b"erasure-preview" in preview.content
    token = preview.context["preview"]
    done = client.post(
        url,
        {
            "action": "erase_child_data",
            ACTION_CHECKBOX_NAME: [alert.pk],
            "confirm": "yes",
            "preview": token,
            "reason": "Legal's decision: a child's data, not knowingly collected.",
        },
    )
    assert done.status_code == 302
    assert ChildErasure.objects.get(subject=kid).executed_by.username == "lena"


def test_the_auditor_reads_alerts_but_is_not_offered_the_erasure(client):
    kid = child()
    services.minors_alert()
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    page = client.get(reverse("admin:dsr_minoralert_changelist"))
    assert page.status_code == 200
    action_form = page.context.get("action_form")
    assert action_form is None or "erase_child_data" not in dict(
        action_form.fields["action"].choices
    )
    assert MinorAlert.objects.filter(subject=kid).exists()
