"""Staff access to Customer-Generated Data: asked for a reason, recorded, reported monthly.

The policy: the company "will not review, share, distribute, or reference any such
Customer-Generated Data except as provided in the [customer agreement], or as may be required by
law" — i.e. to answer the customer's support ticket, on a legal obligation, or on the customer's
instruction. So a staff member opening or exporting a hosted dataset first says which of those it
is (with its reference); each look is recorded here and in the access log, and every month each
customer can be sent the list of who looked at their data and why.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from privacyops.security import services as security
from privacyops.security.models import AccessLogEntry

from .models import (
    AccessReason,
    Account,
    CustomerAccessReport,
    CustomerDataAccess,
    CustomerDataset,
)

# How long one stated reason covers further looks at the same dataset in the same session.
REASON_FRESH_FOR = datetime.timedelta(minutes=15)
_SESSION_KEY = "customer_data_reasons"


@dataclass(frozen=True)
class StatedReason:
    reason: str
    reference: str


def reason_validate(*, reason: str, reference: str) -> StatedReason:
    if reason not in AccessReason.values:
        raise ValueError("Choose one of the reasons the policy allows.")
    reference = " ".join(reference.split())
    if not reference:
        raise ValueError("Give the ticket number, the order's or the instruction's reference.")
    if len(reference) > 80:
        raise ValueError("The reference is at most 80 characters.")
    return StatedReason(reason=reason, reference=reference)


def reason_remember(*, session, dataset: CustomerDataset, stated: StatedReason, now=None) -> None:
    """Keep the stated reason in the staff member's session for a short while."""
    now = now or timezone.now()
    reasons = dict(session.get(_SESSION_KEY, {}))
    reasons[str(dataset.pk)] = {
        "reason": stated.reason,
        "reference": stated.reference,
        "at": now.isoformat(),
    }
    session[_SESSION_KEY] = reasons


def reason_stated(*, session, dataset_ids, now=None) -> StatedReason | None:
    """The reason stated for all of these datasets within REASON_FRESH_FOR, if one was."""
    now = now or timezone.now()
    reasons = session.get(_SESSION_KEY, {})
    found = set()
    for pk in dataset_ids:
        entry = reasons.get(str(pk))
        if not entry or now - datetime.datetime.fromisoformat(entry["at"]) > REASON_FRESH_FOR:
            return None
        found.add((entry["reason"], entry["reference"]))
    if len(found) != 1:
        return None
    reason, reference = found.pop()
    return StatedReason(reason=reason, reference=reference)


@transaction.atomic
def customer_data_access_record(
    *, datasets, staff, action: str, stated: StatedReason, request=None
) -> list[CustomerDataAccess]:
    """Record one look at (or export of) each dataset, with its reason; an export also goes to
    the access log here (with the reason, never the dataset's contents)."""
    if action not in CustomerDataAccess.Action.values:
        raise ValueError(f"Unknown action {action!r}")
    stated = reason_validate(reason=stated.reason, reference=stated.reference)
    now = timezone.now()
    name = staff.get_full_name() or staff.get_username()
    rows = [
        CustomerDataAccess(
            dataset=dataset,
            account_id=dataset.account_id,
            staff=staff,
            staff_name=name[:150],
            at=now,
            action=action,
            reason=stated.reason,
            reference=stated.reference,
        )
        for dataset in datasets
    ]
    CustomerDataAccess.objects.bulk_create(rows)
    if action == CustomerDataAccess.Action.EXPORTED:
        # A page view's access-log line is the admin's own (it names the reason too).
        for dataset in datasets:
            security.access_log_record(
                user=staff,
                action=AccessLogEntry.Action.EXPORTED,
                obj=dataset,
                request=request,
                detail={"reason": stated.reason, "reference": stated.reference},
            )
    return rows


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def previous_month(today: datetime.date | None = None) -> datetime.date:
    first = month_start(today or timezone.localdate())
    return month_start(first - datetime.timedelta(days=1))


def _month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=tz)
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    return start, datetime.datetime.combine(following, datetime.time.min, tzinfo=tz)


def report_entries(*, account: Account, month: datetime.date):
    start, end = _month_bounds(month)
    return (
        CustomerDataAccess.objects.filter(account=account, at__gte=start, at__lt=end)
        .select_related("dataset")
        .order_by("at", "id")
    )


@transaction.atomic
def customer_access_reports_prepare(*, month: datetime.date | None = None) -> int:
    """One report per customer hosting data with us, for the month (default: the last one).
    Idempotent: a month already prepared is counted afresh, never duplicated. A customer whose
    data nobody looked at gets a report saying so — that is the promise kept."""
    month = month_start(month or previous_month())
    start, end = _month_bounds(month)
    # One grouped count for every customer hosting data with us (zero where nobody looked).
    in_month = Q(customer_data_accesses__at__gte=start, customer_data_accesses__at__lt=end)
    accounts = (
        Account.objects.filter(datasets__isnull=False).distinct().values_list("pk", flat=True)
    )
    counts = dict(
        Account.objects.filter(pk__in=accounts)
        .annotate(looks=Count("customer_data_accesses", filter=in_month, distinct=True))
        .values_list("pk", "looks")
    )
    prepared = 0
    for account_id, count in counts.items():
        _, created = CustomerAccessReport.objects.update_or_create(
            account_id=account_id, month=month, defaults={"accesses": count}
        )
        prepared += created
    return prepared


def report_render(*, report: CustomerAccessReport, html: bool = False) -> str:
    context = {
        "report": report,
        "account": report.account,
        "entries": report_entries(account=report.account, month=report.month),
        "company": settings.PRIVACYOPS_CONTROLLER["name"],
    }
    name = "customer_access_report.html" if html else "customer_access_report.txt"
    return render_to_string(f"subjects/{name}", context)


@transaction.atomic
def customer_access_report_send(*, report: CustomerAccessReport, by) -> CustomerAccessReport:
    """Mail the report to the customer's license holder (Legal decides when)."""
    report = CustomerAccessReport.objects.select_for_update().get(pk=report.pk)
    address = report.account.license_holder_email
    if not address:
        raise ValueError("The account has no license-holder e-mail address to send to.")
    body = report_render(report=report)
    company = settings.PRIVACYOPS_CONTROLLER["name"]
    subject = f"Staff access to your data at {company}: {report.month:%B %Y}"
    report.sent_at = timezone.now()
    report.sent_by = by
    report.sent_to = 1
    report.save(update_fields=["sent_at", "sent_by", "sent_to"])
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))
    return report
