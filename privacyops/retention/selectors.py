"""Reads that encode retention rules: which holds stand, what is due, what the dashboard shows.

Legal-hold coverage is defined here once (`under_hold_q`, and `kept_q` with restricted subjects);
the purge engine's SQL, its count of rows kept under hold and the registry's erasure check all
read it.
"""

import datetime

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from privacyops.subjects.models import Account, AccountContact, DataSubject

from .models import DispositionReview, LegalHold, PurgeRun, RetentionRule


def rules_active() -> QuerySet[RetentionRule]:
    """The retention rules in force, in the order they run (beat job, run_retention, admin)."""
    return RetentionRule.objects.filter(is_active=True).order_by("code")


def active_holds(today: datetime.date | None = None) -> QuerySet[LegalHold]:
    """Holds in force today: started, not ended, not released."""
    today = today or timezone.localdate()
    return LegalHold.objects.filter(released_at__isnull=True, starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )


def holds_active(*, today: datetime.date | None = None) -> QuerySet[LegalHold]:
    return active_holds(today)


def accounts_under_hold(*, today: datetime.date | None = None, holds=None) -> QuerySet:
    """The ids of the accounts a hold stands on (a subquery)."""
    holds = active_holds(today) if holds is None else holds
    return holds.filter(account__isnull=False).values("account_id")


def under_hold_q(key: str = "pk", *, today: datetime.date | None = None, holds=None) -> Q:
    """Rows whose data subject (the id at `key`) a legal hold covers: the one definition.

    A hold covers the subject it is placed on, and, when placed on an account, the account's
    contacts and its license holder. `holds` narrows it to some holds (default: all in force).
    Each way is its own small `IN (subquery)` on `key`, which the database hashes once per
    statement: a purge window probes them without scanning the subjects table.
    """
    holds = active_holds(today) if holds is None else holds
    accounts = accounts_under_hold(holds=holds)
    holders = Account.objects.filter(pk__in=accounts, license_holder__isnull=False)
    return (
        Q(**{f"{key}__in": holds.filter(subject__isnull=False).values("subject_id")})
        | Q(
            **{
                f"{key}__in": AccountContact.objects.filter(account__in=accounts).values(
                    "subject_id"
                )
            }
        )
        | Q(**{f"{key}__in": holders.values("license_holder_id")})
    )


def kept_q(key: str = "pk", *, today: datetime.date | None = None) -> Q:
    """Rows whose data subject (the id at `key`) no retention rule disposes of now.

    Those a legal hold covers (`under_hold_q`), and those whose processing is restricted
    (GDPR Art. 18: their data is only stored, kept as it is). A restriction is no legal hold:
    it does not refuse the subject's own erasure request (`holds_covering` lists holds only).
    """
    restricted = DataSubject._base_manager.filter(processing_restricted_at__isnull=False)
    return under_hold_q(key, today=today) | Q(**{f"{key}__in": restricted.values("pk")})


def subjects_under_hold(*, today: datetime.date | None = None, holds=None) -> QuerySet:
    """The ids of the data subjects legal holds cover (`under_hold_q`)."""
    return DataSubject._base_manager.filter(under_hold_q(today=today, holds=holds)).values("pk")


def subjects_kept(*, today: datetime.date | None = None) -> QuerySet:
    """The ids of the data subjects no retention rule disposes of now (`kept_q`)."""
    return DataSubject._base_manager.filter(kept_q(today=today)).values("pk")


def subject_ids_kept(*, today: datetime.date | None = None) -> set[int]:
    """`subjects_kept` read into Python (few: legal matters and restricted people), each way
    of keeping asked of its own small table in one UNION, so no pass over all data subjects
    is needed (a purge reads this once per month it swaps)."""
    holds = active_holds(today)
    accounts = accounts_under_hold(holds=holds)
    ways = [
        holds.filter(subject__isnull=False).values_list("subject_id"),
        AccountContact.objects.filter(account__in=accounts).values_list("subject_id"),
        Account.objects.filter(pk__in=accounts, license_holder__isnull=False).values_list(
            "license_holder_id"
        ),
        DataSubject._base_manager.filter(processing_restricted_at__isnull=False).values_list("pk"),
    ]
    first, *rest = (way.order_by() for way in ways)
    return {pk for (pk,) in first.union(*rest)}


def holds_covering(*, subject, today: datetime.date | None = None) -> list[LegalHold]:
    """The holds in force that cover this subject (`under_hold_q`)."""
    holds = active_holds(today)
    if not subjects_under_hold(holds=holds).filter(pk=subject.pk).exists():
        return []  # the common case, in one query
    return [
        hold
        for hold in holds
        if subjects_under_hold(holds=LegalHold.objects.filter(pk=hold.pk))
        .filter(pk=subject.pk)
        .exists()
    ]


def holds_expiring(*, today: datetime.date, days: int) -> QuerySet:
    return active_holds(today).filter(ends_on__lte=today + datetime.timedelta(days=days))


def holds_past_end(*, today: datetime.date | None = None) -> QuerySet[LegalHold]:
    """Holds whose end date passed that Legal neither released nor extended (the control
    "holds reviewed" and the privacy doctor ask this)."""
    today = today or timezone.localdate()
    return LegalHold.objects.filter(released_at__isnull=True, ends_on__lt=today)


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
