"""Seed the periodic reviews the policy promises (editable under Review schedules) and the
daily job that opens, reminds and escalates them (editable under Periodic tasks)."""

from dateutil.relativedelta import relativedelta
from django.db import migrations
from django.utils import timezone

from privacyops.core.seed import REVIEW_SCHEDULES, REVIEWS_TASK


def seed(apps, schema_editor):
    ReviewSchedule = apps.get_model("core", "ReviewSchedule")
    today = timezone.localdate()
    for area, title, every, first_in in REVIEW_SCHEDULES:
        ReviewSchedule.objects.get_or_create(
            area=area,
            defaults={
                "title": title,
                "every_months": every,
                "next_due_on": today + relativedelta(months=first_in),
            },
        )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="45",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    PeriodicTask.objects.get_or_create(
        name="Periodic reviews: open, remind, escalate",
        defaults={
            "task": REVIEWS_TASK,
            "crontab": morning,
            "description": "Opens each review ahead of its due date, reminds its owner on the "
            "day and tells Legal once when it is overdue.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=REVIEWS_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_periodic_reviews"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
