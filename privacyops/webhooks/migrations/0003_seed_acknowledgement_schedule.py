"""Seed the every-minute job that ticks off Art. 19 notices acknowledged by webhook endpoints.

The task belongs to the dsr app (which reads the webhooks app, never the other way); the
schedule is seeded here, with the webhooks that make it needed. Editable under Periodic tasks.
"""

from django.db import migrations

TASK = "dsr.recipient_acknowledgements"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Art. 19 notices acknowledged by webhook: tick them off",
        defaults={
            "task": TASK,
            "interval": every_minute,
            "description": "Marks as sent each recipient notification (Art. 19) whose "
            "recipient's webhook endpoint acknowledged it (2xx); completing a request does the "
            "same at once.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [("webhooks", "0002_seed_delivery_schedule")]
    operations = [migrations.RunPython(seed, unseed)]
