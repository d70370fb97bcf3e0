"""Seed the letter templates (editable afterwards in the admin) and the beat schedules."""

from django.db import migrations

from privacyops.dsr.seed.letters import LETTERS

SCHEDULES = [
    (
        "Privacy requests: reminders and escalations",
        "dsr.reminders",
        "7",
        "Reminds assignees 7 and 2 days before a deadline; escalates overdue requests to Legal.",
    ),
    (
        "Privacy requests: close unconfirmed",
        "dsr.close_unconfirmed",
        "6",
        "Closes web requests never confirmed within DSR_UNCONFIRMED_CLOSE_DAYS, with a final notice.",
    ),
]


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("dsr", "MessageTemplate")
    for key, (subject, body) in LETTERS.items():
        # (English; the tests re-seed with today's model, where a key has a row per language.)
        if not MessageTemplate.objects.filter(key=key).exists():
            MessageTemplate.objects.create(key=key, subject=subject, body=body)

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, hour, description in SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="0",
            hour=hour,
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Sofia",
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "description": description}
        )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=[task for _, task, _, _ in SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
