"""Seed the retention rules for people who opted out of marketing (issue 20).

The policy keeps information "consistent with the original purpose ... for a reasonable period";
marketing's purpose ends with the opt-out. What stays: the salted hash on the suppression list
(so the opt-out is honoured for as long as we send marketing) and the opt-out register entry
(masked). What goes, 24 months after the opt-out by default (Legal edits the period): the
subscription record and its history, and a newsletter-only person altogether. Like every rule,
they spare legal holds and restricted processing, and a longer rule over the same data wins.
"""

from django.db import migrations

MARKETING_RETENTION = (
    "While subscribed; subscription records and their history 24 months after the opt-out; the "
    "opt-out as a hashed suppression-list entry for as long as we send marketing"
)

LEGAL_BASIS = (
    "GDPR Art. 5(1)(e) storage limitation and Art. 7(3): after the opt-out the subscription only "
    "evidences the consent and its withdrawal for a reasonable period (complaints, disputes); the "
    "suppression list keeps a salted hash so the opt-out is honoured, Art. 21(3)."
)

RULES = [
    {
        "code": "opted-out-subscriptions-24-months",
        "name": "Ended marketing subscriptions: 24 months after the opt-out",
        "target_model": "marketing.Subscription",
        "target_category": "",
        "clock": "opted_out",
        "period_count": 24,
        "period_unit": "months",
        "action": "delete",
        "legal_basis": LEGAL_BASIS,
    },
    {
        "code": "opted-out-subscription-history-24-months",
        "name": "History of ended marketing subscriptions: 24 months after the opt-out",
        "target_model": "marketing.SubscriptionEvent",
        "target_category": "",
        "clock": "opted_out",
        "period_count": 24,
        "period_unit": "months",
        "action": "delete",
        "legal_basis": LEGAL_BASIS,
    },
    {
        "code": "newsletter-only-opted-out-24-months",
        "name": "Newsletter-only people who opted out: 24 months after their last opt-out",
        "target_model": "",
        "target_category": "personal-information",
        "subject_kinds": "newsletter_subscriber",
        "only_without_account": True,
        "clock": "opted_out",
        "period_count": 24,
        "period_unit": "months",
        "action": "anonymise",
        "legal_basis": LEGAL_BASIS,
    },
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    ProcessingActivity = apps.get_model("inventory", "ProcessingActivity")
    activity = ProcessingActivity.objects.filter(code="marketing").first()
    if activity is not None:
        activity.retention_period = MARKETING_RETENTION
        activity.retention_months = 24
        activity.save(update_fields=["retention_period", "retention_months"])
    for rule in RULES:
        data = dict(rule)
        RetentionRule.objects.get_or_create(
            code=data.pop("code"), defaults={**data, "processing_activity": activity}
        )


def unseed(apps, schema_editor):
    apps.get_model("retention", "RetentionRule").objects.filter(
        code__in=[rule["code"] for rule in RULES], runs__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0006_opted_out_clock"),
        ("inventory", "0002_seed_record_of_processing"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
