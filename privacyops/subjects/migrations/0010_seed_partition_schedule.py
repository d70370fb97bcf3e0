"""Seed the beat schedule that creates activity-event partitions ahead (daily)."""

from django.db import migrations

TASK = "subjects.activity_partitions_ensure"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    early, _ = CrontabSchedule.objects.get_or_create(
        minute="10",
        hour="1",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    PeriodicTask.objects.get_or_create(
        name="Activity events: create the monthly partitions ahead",
        defaults={
            "task": TASK,
            "crontab": early,
            "description": "PostgreSQL: creates this month's and the next months' partitions "
            "of activity events (ACTIVITY_PARTITION_MONTHS_AHEAD) if missing; nothing on SQLite.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subjects", "0009_activity_event_partitions"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
