"""Seed the every-minute sweep that marks failed the package builds whose worker was lost
(editable afterwards under Periodic tasks)."""

from django.db import migrations

TASK = "dsr.sweep_package_builds"


def seed(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.get_or_create(
        name="Access packages: mark failed the builds whose worker was lost",
        defaults={
            "task": TASK,
            "interval": every_minute,
            "description": "A package build that recorded no step within the build lease "
            "(DSR_PACKAGE_BUILD_LEASE_SECONDS) is marked failed, its unfinished file removed "
            "and the failure written in the request's history, so Legal can build it again.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0012_seed_bulgarian_letters"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
