"""Seed the retention rule for the API's received event ids (editable in the admin).

An id is kept so that a replayed batch adds nothing; connected systems replay within hours or
days, so after 90 days the id has done its work and goes (the events themselves follow their
own rules).
"""

from django.db import migrations

RULE = {
    "code": "api-received-event-ids-90-days",
    "name": "API received event ids: 90 days after receipt, deleted",
    "target_model": "api.ReceivedEvent",
    "target_category": "",
    "clock": "collected_at",
    "period_count": 90,
    "period_unit": "days",
    "action": "delete",
    "legal_basis": "GDPR Art. 5(1)(c) and (e), data minimisation and storage limitation: the "
    "ids only stop a connected system's replay from loading an event twice; replays come "
    "within days.",
}


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    data = dict(RULE)
    RetentionRule.objects.get_or_create(code=data.pop("code"), defaults=data)


def unseed(apps, schema_editor):
    apps.get_model("retention", "RetentionRule").objects.filter(
        code=RULE["code"], runs__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0002_received_event_retention_index"),
        ("retention", "0007_seed_opted_out_rules"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
