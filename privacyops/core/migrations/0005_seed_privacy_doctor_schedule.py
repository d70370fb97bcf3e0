"""Seed the daily privacy-doctor run (privacyops.core.doctor), editable in the admin."""

from django.db import migrations

NAME = "Privacy doctor (daily integrity report)"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="5",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "core.privacy_doctor",
            "crontab": daily,
            "description": "Registry coverage, erased people's data, private storage, jobs, "
            "holds, beat, overdue requests and breaches; the admin home shows the result.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_seed_review_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
