"""Children under 18: a child's request at the public form, Legal's daily alert, and the
erasure of a child's data on Legal's decision (the same registry erasure as a request's:
preview, suppression, certificate; no privacy request needed)."""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from privacyops.core import journal, registry
from privacyops.core import services as core_services
from privacyops.marketing import services as marketing
from privacyops.subjects.models import DataSubject
from privacyops.subjects.models.people import MINOR_AGE_BANDS, adult_birth_date_cutoff
from privacyops.webhooks import selectors as webhook_selectors
from privacyops.webhooks import services as webhooks
from privacyops.webhooks.models import EventType as WebhookEvent

from ..models import PrivacyRequest, RequestEvent
from ..models.children import ChildDeclaration, ChildErasure, MinorAlert
from .erasure import certificate_entries, plan_fingerprint
from .errors import FulfilmentError
from .events import request_event_record, request_locked

ALERT_BATCH = 500


@transaction.atomic
def child_declaration_record(*, request: PrivacyRequest) -> ChildDeclaration:
    """The requester said they are under 18: the request is recorded as a child's request."""
    request = request_locked(request)
    declaration, created = ChildDeclaration.objects.get_or_create(request=request)
    if created:
        request_event_record(
            request=request,
            kind=RequestEvent.Kind.NOTE,
            by=None,
            note="The requester declared being under 18 on the public form; the page for a "
            "parent or guardian was shown. Handle this as a child's request.",
            child_declaration=declaration.pk,
        )
    return declaration


def minors_without_alert(*, today: datetime.date):
    cutoff = adult_birth_date_cutoff(today)
    minors = Q(birth_date__gt=cutoff) | Q(birth_date__isnull=True, age_band__in=MINOR_AGE_BANDS)
    return DataSubject.objects.filter(minors, erased_at__isnull=True, minor_alert__isnull=True)


def minors_alert(*, today: datetime.date | None = None) -> int:
    """The daily job: tell Legal once about each person under 18 not yet alerted.

    New people and people newly flagged (a birth date or age band recorded later) are found
    alike; a person already alerted is never alerted again. One e-mail per run, no names.
    """
    today = today or timezone.localdate()
    job = core_services.job_run_start(job="dsr: people under 18 found")
    cutoff = adult_birth_date_cutoff(today)
    alerted = 0
    while True:
        with transaction.atomic():
            batch = list(
                minors_without_alert(today=today)
                # Lock the people only: the outer join to their alerts has no row to lock, and
                # PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("pk")
                .values_list("pk", "birth_date")[:ALERT_BATCH]
            )
            if not batch:
                break
            MinorAlert.objects.bulk_create(
                [
                    MinorAlert(
                        subject_id=pk,
                        reason=MinorAlert.Reason.BIRTH_DATE
                        if born and born > cutoff
                        else MinorAlert.Reason.AGE_BAND,
                    )
                    for pk, born in batch
                ],
                ignore_conflicts=True,
            )
            alerted += len(batch)
    if alerted:
        url = reverse("admin:dsr_minoralert_changelist")
        body = (
            f"{alerted} person(s) under 18 were found in the records today. The services are "
            "not intended for children under 18 (privacy policy): review them and decide "
            f"whether to erase their data: {url}"
        )
        transaction.on_commit(
            lambda: send_mail(
                f"People under 18 found: {alerted}",
                body,
                None,
                [settings.PRIVACYOPS_CONTROLLER["email"]],
                fail_silently=False,
            )
        )
    job.progress_done = alerted
    core_services.job_run_finish(run=job, summary={"alerted": alerted})
    return alerted


def child_erasure_preview(*, subject: DataSubject) -> tuple[registry.ErasureReport, str]:
    """What erasing this child's data would do, and the plan Legal approves."""
    _check_child(subject)
    report = registry.erase(subject, dry_run=True)
    return report, plan_fingerprint(report)


@transaction.atomic
def child_erasure_execute(
    *, subject: DataSubject, by, reason: str, plan: str, previewed_at: datetime.datetime
) -> ChildErasure:
    """Erase exactly the previewed plan on Legal's decision, with the reason recorded.

    Refuses without a reason, under a legal hold, when the data changed since the preview, and
    for a person already erased. Addresses go on the suppression list (salted hashes) first.
    """
    subject = DataSubject.objects.select_for_update().get(pk=subject.pk)
    _check_child(subject)
    if not reason.strip():
        raise FulfilmentError("Record Legal's reason for erasing this child's data.")
    report = registry.erase(subject, dry_run=True)
    if report.held_by:
        raise FulfilmentError(
            "A legal hold covers this person: nothing can be erased now ("
            + "; ".join(report.held_by)
            + ")."
        )
    if plan_fingerprint(report) != plan:
        raise FulfilmentError(
            "The data changed since the preview you approved: look at the new preview."
        )
    addresses = marketing.subject_emails(subject)
    identifiers = webhook_selectors.subject_identifiers(subject=subject, emails=addresses)
    marketing.suppression_add_for_subject(subject=subject, reason="erased")
    with journal.because("child's data erased on Legal's decision"):
        done = registry.erase(subject, dry_run=False)
    entries = certificate_entries(done)
    # The recipients erase too (by the identifiers they hold; no request to refer to).
    webhooks.publish(
        event_type=WebhookEvent.SUBJECT_ERASED, subject=subject, identifiers=identifiers
    )
    return ChildErasure.objects.create(
        subject=subject,
        reason=reason.strip(),
        previewed_at=previewed_at,
        executed_by=by,
        rows_deleted=sum(e["rows"] for e in entries if e["action"] == "delete rows"),
        values_erased=sum(sum(e["changed"].values()) for e in entries),
        rows_kept=sum(e["rows"] for e in entries if e["action"] == "keep"),
        addresses_suppressed=len(addresses),
        entries=entries,
    )


def _check_child(subject: DataSubject) -> None:
    if subject.erased_at is not None:
        raise FulfilmentError("This person's data was already erased.")
    if not subject.is_minor(timezone.localdate()):
        raise FulfilmentError("This person is not recorded as under 18.")
