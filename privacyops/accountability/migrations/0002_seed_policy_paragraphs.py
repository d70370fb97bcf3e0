"""Split the seeded privacy policy into paragraphs with Legal's marks (accountability/seed.py),
and schedule the monthly accountability report (editable under Periodic tasks)."""

from django.db import migrations

from privacyops.accountability import seed as marks
from privacyops.accountability.paragraphs import default_heading, split_paragraphs

SEEDED_VERSION = "2025.1"
TASK = "accountability.monthly_report"


def seed(apps, schema_editor):
    PolicyVersion = apps.get_model("inventory", "PolicyVersion")
    Paragraph = apps.get_model("accountability", "PolicyParagraph")
    Activity = apps.get_model("inventory", "ProcessingActivity")
    activities = {a.code: a for a in Activity.objects.all()}
    for version in PolicyVersion.objects.filter(version=SEEDED_VERSION):
        if Paragraph.objects.filter(version=version).exists():
            continue
        for number, text in enumerate(split_paragraphs(version.text), start=1):
            mark = marks.mark_for(number, text)
            heading, kind, keys, codes, note = mark or (
                default_heading(text),
                "unmarked",
                [],
                [],
                "",
            )
            paragraph = Paragraph.objects.create(
                version=version,
                number=number,
                heading=heading,
                text=text,
                kind=kind,
                control_keys=keys,
                note=note,
            )
            paragraph.activities.set([activities[c] for c in codes if c in activities])

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
        name="Accountability report (monthly)",
        defaults={
            "task": TASK,
            "crontab": monthly,
            "description": "Computes the accountability report on the first of each month and "
            "keeps it, dated, under Accountability › Accountability reports.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=TASK).delete()
    apps.get_model("accountability", "PolicyParagraph").objects.filter(
        version__version=SEEDED_VERSION
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accountability", "0001_initial"),
        ("inventory", "0005_seed_consistent_with_policy"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
