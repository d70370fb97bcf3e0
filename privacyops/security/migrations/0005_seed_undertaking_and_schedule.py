"""Seed the first confidentiality undertaking and the daily training-reminder schedule.

The undertaking stays Legal's to change (a new version in the admin); the schedule is edited
under Periodic tasks.
"""

from django.db import migrations
from django.utils import timezone

from privacyops.security.seed import TRAINING_REMINDER_TASK, UNDERTAKING_TEXT, UNDERTAKING_TITLE


def seed(apps, schema_editor):
    UndertakingVersion = apps.get_model("security", "UndertakingVersion")
    if not UndertakingVersion.objects.exists():
        UndertakingVersion.objects.create(
            version=1,
            title=UNDERTAKING_TITLE,
            text=UNDERTAKING_TEXT,
            in_force_from=timezone.now(),
        )
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="15",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    PeriodicTask.objects.get_or_create(
        name="Privacy training about to lapse: remind the staff member",
        defaults={
            "task": TRAINING_REMINDER_TASK,
            "crontab": morning,
            "description": "E-mails each staff member (copy to Legal) once, 30 days before "
            "their privacy training lapses.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task=TRAINING_REMINDER_TASK
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("security", "0004_confidentiality"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
