"""Seed the daily alert to Legal about people under 18 (edited afterwards under Periodic tasks)."""

from django.db import migrations

TASK = "dsr.alert_minors"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="7",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    PeriodicTask.objects.get_or_create(
        name="People under 18 found: tell Legal",
        defaults={
            "task": TASK,
            "crontab": morning,
            "description": "E-mails Legal once a day about people under 18 found in the "
            "records (new, or newly flagged by a birth date or age band); each person once.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0007_children"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
