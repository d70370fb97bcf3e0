"""The completion letter says what was done (package link, erasure summary); expiry schedule.

Only a letter still worded as seeded is changed: an edit made in the admin is kept.
"""

from django.db import migrations

from privacyops.dsr.seed.letters import COMPLETION_OUTCOME as OUTCOME
from privacyops.dsr.seed.letters import with_completion_outcome

EXPIRY = (
    "Privacy requests: delete expired access packages",
    "dsr.expire_access_packages",
    "3",
    "Deletes the files of access packages whose download link has expired.",
)


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("dsr", "MessageTemplate")
    letter = MessageTemplate.objects.filter(key="complete").first()
    if letter and with_completion_outcome(letter.body) != letter.body:
        letter.body = with_completion_outcome(letter.body)
        letter.save(update_fields=["body"])

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    name, task, hour, description = EXPIRY
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
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=EXPIRY[1]).delete()
    MessageTemplate = apps.get_model("dsr", "MessageTemplate")
    letter = MessageTemplate.objects.filter(key="complete").first()
    if letter and OUTCOME in letter.body:
        letter.body = letter.body.replace(OUTCOME, "", 1)
        letter.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0003_fulfilment"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
