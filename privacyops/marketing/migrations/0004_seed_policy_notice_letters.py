"""Seed the policy-change letters (English, Bulgarian) and the daily notice run."""

from django.db import migrations

from privacyops.marketing.seed.policy_notices import (
    LETTERS,
    SCHEDULE_CRONTAB,
    SCHEDULE_NAME,
    SCHEDULE_TASK,
)


def seed(apps, schema_editor):
    Letter = apps.get_model("marketing", "PolicyNoticeLetter")
    for language, letter in LETTERS.items():
        Letter.objects.get_or_create(language=language, defaults=letter)
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = CrontabSchedule.objects.get_or_create(
        **SCHEDULE_CRONTAB,
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    PeriodicTask.objects.get_or_create(
        name=SCHEDULE_NAME,
        defaults={
            "task": SCHEDULE_TASK,
            "crontab": daily,
            "description": "Notices of material privacy-policy changes to account contacts and "
            "current subscribers, before the new version takes effect (each address once).",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE_NAME).delete()
    apps.get_model("marketing", "PolicyNoticeLetter").objects.filter(
        language__in=list(LETTERS)
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("marketing", "0003_consent_receipts_policy_notices"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
