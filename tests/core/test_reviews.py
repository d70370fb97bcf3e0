"""Periodic reviews: Legal's schedule, the daily job (open, remind, escalate; idempotent),
completing a review, and overdue reviews on the admin home."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from privacyops.core import reviews, roles
from privacyops.core.models import Review, ReviewSchedule
from tests.admin_forms import form_data
from tests.core.factories import schedule
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_policys_reviews_and_the_daily_job_are_seeded():
    from django_celery_beat.models import PeriodicTask

    areas = set(ReviewSchedule.objects.values_list("area", flat=True))
    assert areas == {
        "security_measures",
        "physical_security",
        "record_of_processing",
        "retention_schedule",
        "vendors",
    }
    assert PeriodicTask.objects.filter(task="core.periodic_reviews").exists()


def test_a_review_is_opened_reminded_and_escalated_once(django_capture_on_commit_callbacks):
    ReviewSchedule.objects.all().delete()
    owner = UserFactory(username="vera", role=roles.LEGAL, email="vera@infoserv.eu")
    today = timezone.localdate()
    planned = schedule(owner=owner, next_due_on=today + datetime.timedelta(days=20))

    with django_capture_on_commit_callbacks(execute=True):
        assert reviews.reviews_run(today=today)["opened"] == 0  # not yet: 14 days before
        opening_day = today + datetime.timedelta(days=6)
        assert reviews.reviews_run(today=opening_day) == {
            "opened": 1,
            "reminded": 0,
            "escalated": 0,
        }
        assert reviews.reviews_run(today=opening_day)["opened"] == 0
    review = Review.objects.get(schedule=planned)
    planned.refresh_from_db()
    assert review.due_on == today + datetime.timedelta(days=20)
    assert planned.next_due_on.year == review.due_on.year + 1
    assert mail.outbox[-1].to == ["vera@infoserv.eu"] and "opened" in mail.outbox[-1].subject

    due_day = review.due_on
    with django_capture_on_commit_callbacks(execute=True):
        assert reviews.reviews_run(today=due_day)["reminded"] == 1
        assert reviews.reviews_run(today=due_day)["reminded"] == 0
        late = due_day + datetime.timedelta(days=8)
        assert reviews.reviews_run(today=late)["escalated"] == 1
        assert reviews.reviews_run(today=late)["escalated"] == 0
    assert "overdue" in mail.outbox[-1].subject
    kinds = list(review.events.values_list("kind", flat=True))
    assert kinds == ["opened", "reminded", "escalated"]


def test_a_review_is_completed_with_findings_and_actions():
    planned = schedule(next_due_on=timezone.localdate())
    reviews.reviews_run()
    review = Review.objects.get(schedule=planned)
    legal = UserFactory(username="lena", role=roles.LEGAL)
    with pytest.raises(ValidationError):
        reviews.review_complete(review=review, by=legal, findings=" ", actions="")
    done = reviews.review_complete(
        review=review, by=legal, findings="Two vendors lack a DPA.", actions="Sign by June."
    )
    assert done.state == "completed" and done.completed_by == legal
    assert reviews.last_completed(area="vendors") == done
    with pytest.raises(ValidationError):
        reviews.review_complete(review=done, by=legal, findings="again", actions="")


def test_legal_completes_a_review_in_the_admin_and_the_auditor_only_reads(client):
    planned = schedule(next_due_on=timezone.localdate())
    reviews.reviews_run()
    review = Review.objects.get(schedule=planned)
    url = reverse("admin:core_review_change", args=[review.pk])
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    assert client.get(url).status_code == 200
    assert client.post(url, {"findings": "x", "actions": ""}).status_code == 403
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    payload = form_data(client.get(url).content.decode(), "review_form")
    payload.update({"findings": "All measures in place.", "actions": "None."})
    response = client.post(url, payload)
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == "completed" and review.events.filter(kind="completed").exists()
    assert client.get(reverse("admin:core_review_add")).status_code == 403


def test_overdue_reviews_show_on_the_admin_home(client):
    today = timezone.localdate()
    planned = schedule(
        title="Physical security walk-through", next_due_on=today - datetime.timedelta(days=3)
    )
    reviews.reviews_run(today=today)
    assert Review.objects.filter(schedule=planned).exists()
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    home = client.get(reverse("admin:index")).content.decode()
    assert "Periodic reviews" in home and "Physical security walk-through" in home
    assert "Overdue (at risk)" in home
