"""Seed the every-minute job that retries due webhook deliveries (editable under Periodic tasks)."""

from django.db import migrations

TASK = "webhooks.deliver_due"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Webhooks: retry due deliveries",
        defaults={
            "task": TASK,
            "interval": every_minute,
            "description": "Sends again each webhook delivery whose next attempt is due "
            "(exponential back-off, for up to three days after the first attempt).",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
