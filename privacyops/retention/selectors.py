"""Reads that encode retention rules: which holds stand, what is due, what the dashboard shows."""

import datetime

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from privacyops.subjects.models import Account

from .engine import active_holds
from .models import DispositionReview, PurgeRun, RetentionRule


def holds_covering(*, subject, today: datetime.date | None = None) -> QuerySet:
    """Active holds on the subject, or on an account the subject is a contact or license
    holder of."""
    accounts = Account.objects.filter(
        Q(account_contacts__subject=subject) | Q(license_holder=subject)
    ).values("pk")
    return active_holds(today).filter(Q(subject=subject) | Q(account__in=accounts))


def holds_active(*, today: datetime.date | None = None) -> QuerySet:
    return active_holds(today)


def holds_expiring(*, today: datetime.date, days: int) -> QuerySet:
    return active_holds(today).filter(ends_on__lte=today + datetime.timedelta(days=days))


def review_to_dispose(*, rule: RetentionRule) -> DispositionReview | None:
    return (
        rule.reviews.filter(status=DispositionReview.Status.APPROVED).order_by("created_at").first()
    )


def review_may_open(*, rule: RetentionRule, today: datetime.date) -> bool:
    """No review awaits Legal, and Legal has not extended the period beyond today."""
    if rule.reviews.filter(status=DispositionReview.Status.PENDING).exists():
        return False
    return not rule.reviews.filter(
        status=DispositionReview.Status.EXTENDED, extended_until__gt=today
    ).exists()


def run_summary(run: PurgeRun) -> dict:
    return {
        "rule": run.rule.code,
        "cutoff": run.cutoff.isoformat(),
        "examined": run.rows_examined,
        "deleted": run.rows_deleted,
        "anonymised": run.rows_anonymised,
        "skipped_under_hold": run.rows_skipped_held,
    }


def last_purge_run() -> PurgeRun | None:
    return PurgeRun.objects.select_related("rule").order_by("-started_at", "-id").first()


def rows_purged_since(*, since: datetime.datetime) -> int:
    totals = PurgeRun.objects.filter(started_at__gte=since).aggregate(
        deleted=Sum("rows_deleted"), anonymised=Sum("rows_anonymised")
    )
    return (totals["deleted"] or 0) + (totals["anonymised"] or 0)


def reviews_pending() -> QuerySet:
    return DispositionReview.objects.filter(status=DispositionReview.Status.PENDING)


def dashboard_numbers(*, now: datetime.datetime | None = None, notice_days: int = 14) -> dict:
    now = now or timezone.now()
    today = timezone.localdate(now)
    return {
        "last_run": last_purge_run(),
        "purged_30_days": rows_purged_since(since=now - datetime.timedelta(days=30)),
        "holds_active": holds_active(today=today).count(),
        "holds_expiring": holds_expiring(today=today, days=notice_days).count(),
        "reviews_pending": reviews_pending().count(),
        "interrupted": PurgeRun.objects.filter(
            status=PurgeRun.Status.INTERRUPTED, resumed_by__isnull=True
        ).count(),
    }
