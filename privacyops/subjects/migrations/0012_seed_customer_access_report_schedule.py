"""Seed the monthly beat schedule that prepares each customer's staff-access report."""

from django.db import migrations

TASK = "subjects.customer_access_reports_prepare"


def seed(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    monthly, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="6",
        day_of_week="*",
        day_of_month="1",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    PeriodicTask.objects.get_or_create(
        name="Customer data: prepare last month's staff-access reports",
        defaults={
            "task": TASK,
            "crontab": monthly,
            "description": "On the 1st: one report per customer hosting data with us, listing "
            "every staff look at their data last month and its reason; Legal sends them.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("subjects", "0011_customer_data_access"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
