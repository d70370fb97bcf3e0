"""Seed the incident letters (editable in the admin), the beat schedules and security.txt."""

import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone

from privacyops.incidents import seed as reference


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("incidents", "LetterTemplate")
    for key, (subject, body) in reference.LETTERS.items():
        # (English; the tests re-seed with today's model, where a key has a row per language.)
        if not LetterTemplate.objects.filter(key=key).exists():
            LetterTemplate.objects.create(key=key, subject=subject, body=body)

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, when, description in reference.SCHEDULES:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=when.get("minute", "0"),
            hour=when.get("hour", "*"),
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone="Europe/Sofia",
        )
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": crontab, "description": description}
        )

    SecurityTxt = apps.get_model("incidents", "SecurityTxt")
    if not SecurityTxt.objects.exists():
        base = settings.PRIVACYOPS_PUBLIC_URL.rstrip("/")
        now = timezone.now()
        SecurityTxt.objects.create(
            contact=f"{base}/security/report/\nmailto:{settings.PRIVACYOPS_CONTROLLER['email']}",
            policy_url="https://www.infoserv.eu/privacy-policy",
            preferred_languages="en, bg",
            canonical_url=f"{base}/.well-known/security.txt",
            expires_at=now + datetime.timedelta(days=reference.SECURITY_TXT_VALID_DAYS),
            reviewed_at=now,
        )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=[task for _, task, _, _ in reference.SCHEDULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
