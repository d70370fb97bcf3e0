"""Seed the retention rules the privacy policy implies, and the two beat schedules.

The policy: "we may retain your Information during the time in which you have an account ...
and for a reasonable period of time afterward", and longer "to conduct audits, comply with our
legal obligations, resolve disputes". Every rule stays editable in the admin (a later edit of
this file does not re-run the migration); schedules are edited under Periodic tasks.
"""

from django.db import migrations

RULES = [
    {
        "code": "activity-events-13-months",
        "name": "Activity events (Other Information): 13 months after collection",
        "activity": "site-analytics",
        "target_model": "subjects.ActivityEvent",
        "target_category": "",
        "clock": "collected_at",
        "period_count": 13,
        "period_unit": "months",
        "action": "delete",
        "legal_basis": "GDPR Art. 5(1)(e) storage limitation; the policy keeps automatically "
        "collected information for a period consistent with the original purpose (site "
        "analytics and security: 13 months, as the record of processing states).",
    },
    {
        "code": "leads-without-account-24-months",
        "name": "Leads without an account: 24 months after their last activity",
        "activity": "enquiries",
        "target_model": "",
        "target_category": "personal-information",
        "subject_kinds": "lead,visitor,trial_user",
        "only_without_account": True,
        "clock": "last_activity",
        "period_count": 24,
        "period_unit": "months",
        "action": "anonymise",
        "legal_basis": "GDPR Art. 6(1)(f) legitimate interest in following up an enquiry "
        "ends when no account follows; Art. 5(1)(e) storage limitation.",
    },
    {
        "code": "closed-accounts-24-months",
        "name": "Closed accounts' personal data: 24 months after closing",
        "activity": "customer-accounts",
        "target_model": "",
        "target_category": "personal-information",
        "clock": "account_closed",
        "period_count": 24,
        "period_unit": "months",
        "action": "delete",
        "legal_basis": "The policy: during the account and 'a reasonable period of time "
        "afterward' (disputes, claims). Billing records are excluded: the registry keeps them "
        "for the statutory accounting period (next rule).",
    },
    {
        "code": "billing-records-10-years",
        "name": "Billing records of closed accounts: 10 years after closing, Legal reviews",
        "activity": "billing",
        "target_model": "subjects.Account",
        "target_category": "",
        "clock": "account_closed",
        "period_count": 10,
        "period_unit": "years",
        "action": "review",
        "legal_basis": "Bulgarian Accountancy Act, Art. 12: accounting records are kept for "
        "10 years; Legal confirms no audit or dispute needs them before they are anonymised.",
    },
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("retention", "RetentionRule")
    ProcessingActivity = apps.get_model("inventory", "ProcessingActivity")
    for data in RULES:
        data = dict(data)
        activity = ProcessingActivity.objects.filter(code=data.pop("activity")).first()
        RetentionRule.objects.get_or_create(
            code=data.pop("code"), defaults={**data, "processing_activity": activity}
        )

    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    nightly, _ = CrontabSchedule.objects.get_or_create(
        minute="30",
        hour="2",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    morning, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    PeriodicTask.objects.get_or_create(
        name="Retention purge (every active rule)",
        defaults={
            "task": "retention.run_all",
            "crontab": nightly,
            "description": "Runs every active retention rule; each run is a purge run record.",
        },
    )
    PeriodicTask.objects.get_or_create(
        name="Legal holds ending soon: tell Legal",
        defaults={
            "task": "retention.announce_expiring_holds",
            "crontab": morning,
            "description": "E-mails Legal once about every hold that ends within 14 days.",
        },
    )


def unseed(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(
        task__in=["retention.run_all", "retention.announce_expiring_holds"]
    ).delete()
    apps.get_model("retention", "RetentionRule").objects.filter(
        code__in=[r["code"] for r in RULES]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
