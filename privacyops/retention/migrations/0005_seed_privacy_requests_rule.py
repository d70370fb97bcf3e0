"""Seed the retention rule for privacy requests, as the record of processing states it.

The record keeps a request "3 years after the request is closed"; the request file is the
evidence that a right was honoured, so Legal confirms no complaint or claim still needs it
before the rule removes it. Editable in the admin like every rule.
"""

from django.db import migrations

RULE = {
    "code": "privacy-requests-3-years",
    "name": "Privacy requests and their files: 3 years after closing, Legal reviews",
    "target_model": "dsr.PrivacyRequest",
    "target_category": "",
    "clock": "request_closed",
    "period_count": 3,
    "period_unit": "years",
    "action": "review",
    "legal_basis": "GDPR Art. 5(2) accountability and Art. 17(3)(e) legal claims: the file "
    "shows how the request was handled while a complaint to the supervisory authority or a "
    "claim about it is still likely; then Art. 5(1)(e) storage limitation. The record of "
    "processing states 3 years after closing.",
}


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    ProcessingActivity = apps.get_model("inventory", "ProcessingActivity")
    data = dict(RULE)
    activity = ProcessingActivity.objects.filter(code="privacy-requests").first()
    RetentionRule.objects.get_or_create(
        code=data.pop("code"), defaults={**data, "processing_activity": activity}
    )


def unseed(apps, schema_editor):
    apps.get_model("retention", "RetentionRule").objects.filter(
        code=RULE["code"], runs__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0004_restricted_subjects_index"),
        ("inventory", "0002_seed_record_of_processing"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
