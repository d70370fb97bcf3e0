"""Demo data: two legal holds and a past purge run (idempotent)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from privacyops.core.demo import register_demo
from privacyops.subjects.models import Account, DataSubject

from .models import LegalHold, PurgeRun, RetentionRule


@register_demo("retention")
def load() -> str:
    legal, _ = get_user_model().objects.get_or_create(
        username="legal", defaults={"is_staff": True, "email": "legal@infoserv.eu"}
    )
    today = timezone.localdate()
    subject, _ = DataSubject.objects.get_or_create(
        login_name="demo.dispute",
        defaults={"kind": DataSubject.Kind.LEAD, "full_name": "Petar Ivanov"},
    )
    account, _ = Account.objects.get_or_create(
        account_number="ACC-DEMO-AUDIT",
        defaults={
            "company_name": "Dunav Logistics OOD",
            "status": Account.Status.CLOSED,
            "closed_at": today - datetime.timedelta(days=400),
        },
    )
    LegalHold.objects.get_or_create(
        matter="Rousse District Court, civil case 1187/2026",
        defaults={
            "subject": subject,
            "reason": "Dispute over a cancelled trial; the activity log is evidence.",
            "placed_by": legal,
        },
    )
    LegalHold.objects.get_or_create(
        matter="National Revenue Agency tax audit 2025",
        defaults={
            "account": account,
            "reason": "Billing and contract records requested by the auditors.",
            "starts_on": today - datetime.timedelta(days=60),
            "ends_on": today + datetime.timedelta(days=10),
            "placed_by": legal,
        },
    )
    rule = RetentionRule.objects.filter(code="activity-events-13-months").first()
    if rule and not rule.runs.exists():
        started = timezone.now() - datetime.timedelta(days=1, hours=3)
        PurgeRun.objects.create(
            rule=rule,
            status=PurgeRun.Status.SUCCEEDED,
            started_at=started,
            finished_at=started + datetime.timedelta(minutes=4),
            cutoff=rule.cutoff(started),
            action=rule.action,
            rows_examined=18_412,
            rows_deleted=18_203,
            rows_anonymised=0,
            rows_skipped_held=209,
            worker="celery@demo",
        )
    return f"{LegalHold.objects.count()} legal holds, {PurgeRun.objects.count()} purge runs"
