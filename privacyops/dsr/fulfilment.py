"""Doing what a privacy request asks: packages, erasure, rectification, restriction, objection.

Services over the personal-data registry (privacyops.core.registry), the lifecycle services
(services.py) and the letters (letters.py). Each writes the request's history in the same
transaction as the change it makes; messages leave only when that transaction commits.

- Access / portability: `access_package_request` queues a Celery build (JobRun progress); the
  file is stored under PRIVATE_STORAGE_ROOT and offered through a signed link that expires;
  every download is in the history (`access_package_open`, `access_package_download`).
- Erasure: `erasure_preview` shows model by model, field by field what would go and what is kept
  and why; `erasure_execute` applies exactly the preview Legal saw (it refuses when the data
  changed since), writes an ErasureCertificate and suppresses the e-mail addresses as hashes.
- Rectification (`subject_rectify`), restriction (`subject_restrict`), objection to direct
  marketing (`marketing_objection`), each creating the Art. 19 recipient notifications.
- Customer-Generated Data: `customer_data_forward`, `customer_instruction_record`,
  `customer_instruction_carry_out`.
- Completion: `completion_blockers` is asked by services.request_transition before a request
  becomes completed; the completion letter carries `completion_outcome`.
"""

import datetime
import hashlib
import json
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from privacyops.core import registry
from privacyops.core import services as core_services
from privacyops.core.models import JobRun
from privacyops.inventory.models import InformationCategory, ProcessingActivity
from privacyops.marketing import services as marketing
from privacyops.subjects.models import ContactPoint, CustomerDataset, DataSubject

from . import letters, packages, services
from .fulfilment_models import (
    AccessPackage,
    CustomerDataForward,
    ErasureCertificate,
    RecipientNotification,
    RequestOutcome,
    SubjectChange,
)
from .lifecycle import LifecycleError, State
from .models import PrivacyRequest, RequestEvent, RequestType

Kind = RequestEvent.Kind
PACKAGE_SALT = "privacyops.dsr.package"
PACKAGE_JOB = "dsr.access_package"
ACCESS_TYPES = frozenset({RequestType.ACCESS, RequestType.PORTABILITY})
OBJECTION_TYPES = frozenset({RequestType.OBJECTION, RequestType.MARKETING_OPT_OUT})
CGD = registry.CATEGORY_NAMES[registry.CUSTOMER_GENERATED_DATA]

# What legal may correct through a rectification: subject fields and primary contact points.
RECTIFIABLE_FIELDS = {
    "full_name": "name",
    "title": "title",
    "email": "e-mail address",
    "phone": "telephone number",
    "postal": "postal address",
}
_CONTACT_KINDS = {
    "email": ContactPoint.Kind.EMAIL,
    "phone": ContactPoint.Kind.PHONE,
    "postal": ContactPoint.Kind.POSTAL,
}


class FulfilmentError(services.RequestError):
    """A fulfilment step the rules do not allow now; the message says why."""


class CompletionBlocked(LifecycleError):
    """The request cannot be completed yet; the message lists what is missing."""


def _event(request: PrivacyRequest, *, by, note: str, kind: str = Kind.NOTE, **data):
    return RequestEvent.objects.create(request=request, kind=kind, by=by, note=note, data=data)


def _locked(request: PrivacyRequest) -> PrivacyRequest:
    return PrivacyRequest.objects.select_for_update().get(pk=request.pk)


def _require(request: PrivacyRequest, *, types=None, subject: bool = True) -> None:
    if types is not None and request.request_type not in types:
        raise FulfilmentError(
            f"{request.reference} is a request for {request.get_request_type_display()}; "
            "this step belongs to another kind of request."
        )
    if request.state != State.IN_PROGRESS:
        raise FulfilmentError(
            f"{request.reference} is {request.get_state_display().lower()}: this is done while "
            "the request is in progress (identity verified, not yet sent for approval)."
        )
    if subject and request.subject_id is None:
        raise FulfilmentError(
            f"{request.reference} is not matched to a data subject: match it first."
        )


# --- Access and portability -----------------------------------------------------------------


def _private_dir() -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / "access-packages"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def package_link_days() -> int:
    return getattr(settings, "PRIVACYOPS_DSR_PACKAGE_LINK_DAYS", 30)


@transaction.atomic
def access_package_request(*, request: PrivacyRequest, by) -> AccessPackage:
    """Queue the build of the requester's package; a Celery task builds it (see the JobRun)."""
    request = _locked(request)
    _require(request, types=ACCESS_TYPES)
    if request.access_packages.filter(
        status__in=[AccessPackage.Status.QUEUED, AccessPackage.Status.BUILDING]
    ).exists():
        raise FulfilmentError("A package for this request is already being built.")
    package = AccessPackage.objects.create(request=request, requested_by=by)
    _event(request, by=by, note=f"Access package #{package.pk} requested.", package=package.pk)
    from .tasks import access_package_build_task

    transaction.on_commit(lambda: access_package_build_task.delay(package.pk))
    return package


def access_package_build(*, package_id: int, worker: str = "") -> AccessPackage:
    """Build and store the package (idempotent: a package already built is left as it is).

    Steps are recorded as JobRun progress: collect from the registry, write the file privately,
    offer it. A failure marks the package failed and the run failed, with the reason.
    """
    with transaction.atomic():
        package = AccessPackage.objects.select_for_update().get(pk=package_id)
        if package.status in (AccessPackage.Status.READY, AccessPackage.Status.EXPIRED):
            return package
        run = core_services.job_run_start(job=PACKAGE_JOB, total=3, worker=worker)
        run.summary = {"package": package.pk, "request": package.request.reference}
        run.save(update_fields=["summary"])
        package.status = AccessPackage.Status.BUILDING
        package.job_run = run
        package.save(update_fields=["status", "job_run"])
    request = package.request
    try:
        built = packages.access_package_build(subject=request.subject, reference=request.reference)
        core_services.job_run_progress(run=run, done=1)
        stored_as = f"{request.pk}-{package.pk}-{secrets.token_hex(8)}.zip"
        target = _private_dir() / stored_as
        partial = target.with_suffix(".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(built.content)
        partial.replace(target)
        core_services.job_run_progress(run=run, done=2)
        with transaction.atomic():
            package = AccessPackage.objects.select_for_update().get(pk=package_id)
            now = timezone.now()
            package.status = AccessPackage.Status.READY
            package.built_at = now
            package.expires_at = now + datetime.timedelta(days=package_link_days())
            package.stored_as = stored_as
            package.filename = built.filename
            package.size_bytes = len(built.content)
            package.sha256 = hashlib.sha256(built.content).hexdigest()
            package.records = built.categories
            package.link_nonce = secrets.token_hex(8)
            package.save()
            counts = ", ".join(f"{n} in {name}" for name, n in built.categories.items())
            _event(
                request,
                by=None,
                note=f"Access package #{package.pk} built ({counts or 'no records'}); "
                f"offered until {package.expires_at:%d %b %Y}.",
                package=package.pk,
                records=built.categories,
                sha256=package.sha256,
            )
            run.progress_done = 3
            core_services.job_run_finish(
                run=run,
                summary={**run.summary, "records": built.categories, "bytes": package.size_bytes},
                detail=f"Package for {request.reference} built and stored privately.",
            )
    except Exception as error:
        AccessPackage.objects.filter(pk=package_id).update(
            status=AccessPackage.Status.FAILED, error=repr(error)
        )
        core_services.job_run_finish(
            run=run, status=JobRun.Status.FAILED, detail=f"Build failed: {error!r}"
        )
        raise
    return package


def access_package_link(*, package: AccessPackage, base_url: str = "") -> str:
    """The signed link the requester downloads the package with (valid until it expires)."""
    token = signing.dumps({"p": package.pk, "n": package.link_nonce}, salt=PACKAGE_SALT)
    base = (base_url or getattr(settings, "PRIVACYOPS_PUBLIC_URL", "")).rstrip("/")
    return f"{base}/privacy/package/{token}/"


class PackageUnavailable(FulfilmentError):
    pass


def access_package_for_token(token: str) -> AccessPackage:
    """The package a link points to, if the link is genuine and the package still offered."""
    max_age = datetime.timedelta(days=package_link_days())
    try:
        payload = signing.loads(token, salt=PACKAGE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise PackageUnavailable("This download link has expired.") from None
    except signing.BadSignature:
        raise PackageUnavailable("This download link is not valid.") from None
    package = AccessPackage.objects.filter(pk=payload.get("p")).select_related("request").first()
    if package is None or not package.link_nonce or package.link_nonce != payload.get("n"):
        raise PackageUnavailable("This download link is not valid.")
    if not package.is_available:
        raise PackageUnavailable(
            "This package is no longer available. Please ask us for a new copy."
        )
    return package


def _package_path(package: AccessPackage) -> Path:
    return _private_dir() / package.stored_as


@transaction.atomic
def access_package_download(*, package: AccessPackage, by=None, via: str = "") -> Path:
    """Record one download of the package in the request's history; return the file's path."""
    if not package.is_available or not _package_path(package).exists():
        raise PackageUnavailable("This package is no longer available.")
    AccessPackage.objects.filter(pk=package.pk).update(downloads=F("downloads") + 1)
    who = "the requester (signed link)" if by is None else str(by)
    services.request_record_download(
        request=package.request,
        by=by,
        what=f"Access package #{package.pk} downloaded by {who}{f' from {via}' if via else ''}.",
    )
    return _package_path(package)


def access_package_open(*, token: str, via: str = "") -> tuple[AccessPackage, Path]:
    """The requester opened the signed link and asked for the file."""
    package = access_package_for_token(token)
    return package, access_package_download(package=package, via=via)


def access_packages_expire(*, now: datetime.datetime | None = None, worker: str = "") -> JobRun:
    """Delete the files of packages whose link expired (idempotent, one package per commit)."""
    now = now or timezone.now()
    due = AccessPackage.objects.filter(status=AccessPackage.Status.READY, expires_at__lte=now)
    run = core_services.job_run_start(job="dsr.expire_packages", total=due.count(), worker=worker)
    done = 0
    for package_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            package = AccessPackage.objects.select_for_update().get(pk=package_id)
            if package.status != AccessPackage.Status.READY:
                continue
            _discard_file(package, reason="The download link expired")
            done += 1
        core_services.job_run_progress(run=run, done=done)
    return core_services.job_run_finish(run=run, summary={"expired": done})


def _discard_file(package: AccessPackage, *, reason: str) -> None:
    if package.stored_as:
        _package_path(package).unlink(missing_ok=True)
    package.status = AccessPackage.Status.EXPIRED
    package.link_nonce = ""
    package.save(update_fields=["status", "link_nonce"])
    _event(package.request, by=None, note=f"Access package #{package.pk} deleted: {reason}.")


# --- Recipients (GDPR Art. 19) --------------------------------------------------------------


def categories_held(subject) -> list[str]:
    """Information categories (names) of which the registry holds rows for this subject."""
    held = set()
    for registration in registry.registrations():
        name = registry.CATEGORY_NAMES[registration.category]
        if name not in held and registration.rows_of(subject).exists():
            held.add(name)
    return sorted(held)


def recipients_of(category_names) -> dict:
    """Recipient category -> names of the activities through which it received that data."""
    activities = (
        ProcessingActivity.objects.filter(
            is_active=True,
            data_elements__category__in=InformationCategory.objects.filter(
                name__in=list(category_names)
            ),
        )
        .distinct()
        .prefetch_related("recipients")
        .order_by("name")
    )
    found: dict = {}
    for activity in activities:
        for recipient in activity.recipients.all():
            found.setdefault(recipient, []).append(activity.name)
    return found


def recipient_notifications_create(
    *, request: PrivacyRequest, operation: str, categories, by=None
) -> list[RecipientNotification]:
    """One notification task per recipient the record of processing says received the data.

    Customer-Generated Data is the customer's: its recipients are the customer's business.
    """
    categories = sorted(set(categories) - {CGD})
    created = []
    for recipient, activities in recipients_of(categories).items():
        notice, new = RecipientNotification.objects.get_or_create(
            request=request,
            operation=operation,
            recipient=recipient,
            defaults={"categories": categories, "activities": activities},
        )
        if new:
            created.append(notice)
    if created:
        names = "; ".join(n.recipient.name for n in created)
        _event(
            request,
            by=by,
            note=f"Recipients to notify of the {operation} (Art. 19): {names}.",
            recipients=[n.recipient.code for n in created],
        )
    return created


@transaction.atomic
def recipient_notification_mark(
    *, notification: RecipientNotification, status: str, note: str, by
) -> RecipientNotification:
    """Mark a notification sent, or impossible / disproportionate with the justification."""
    if status not in (RecipientNotification.Status.SENT, RecipientNotification.Status.IMPOSSIBLE):
        raise FulfilmentError("Mark a notification as sent or as impossible.")
    if status == RecipientNotification.Status.IMPOSSIBLE and not note.strip():
        raise FulfilmentError("Say why notifying this recipient is impossible or disproportionate.")
    notification = RecipientNotification.objects.select_for_update().get(pk=notification.pk)
    if not notification.request.is_open:
        raise FulfilmentError("The request is closed.")
    notification.status = status
    notification.note = note.strip()
    notification.decided_at = timezone.now()
    notification.decided_by = by
    notification.save()
    _event(
        notification.request,
        by=by,
        note=f"Recipient {notification.recipient.name}: {notification.get_status_display()}."
        + (f" {notification.note}" if notification.note else ""),
        recipient=notification.recipient.code,
        status=status,
    )
    return notification


# --- Erasure --------------------------------------------------------------------------------


def plan_fingerprint(report: registry.ErasureReport) -> str:
    """A fingerprint of what an erasure would do: the preview Legal approves is this plan."""
    # Rows kept are not part of what is done (the request's own history grows meanwhile).
    plan = {
        "held_by": report.held_by,
        "entries": [
            [e.model, e.action, e.kept_because]
            if e.action == "keep"
            else [e.model, e.action, e.rows, e.fields, e.changed]
            for e in report.entries
        ],
    }
    return hashlib.sha256(json.dumps(plan, sort_keys=True).encode()).hexdigest()


def erasure_preview(*, request: PrivacyRequest, by) -> tuple[registry.ErasureReport, str]:
    """The dry run: model by model and field by field, what would go and what is kept and why."""
    _require(request, types={RequestType.ERASURE})
    report = registry.erase(request.subject, dry_run=True)
    fingerprint = plan_fingerprint(report)
    with transaction.atomic():
        _event(
            request,
            by=by,
            note="Erasure preview shown"
            + (" (legal hold: nothing can be erased)" if report.held_by else "")
            + ".",
            plan=fingerprint,
            held_by=report.held_by,
        )
    return report, fingerprint


def _previewed_at(request: PrivacyRequest, plan: str):
    event = request.events.filter(kind=Kind.NOTE, data__plan=plan).order_by("-at").first()
    return event.at if event else None


def _certificate_entries(report: registry.ErasureReport) -> list[dict]:
    return [
        {
            "model": e.model,
            "title": e.title,
            "category": e.category,
            "action": e.action,
            "rows": e.rows,
            "fields": e.fields,
            "changed": e.changed,
            "kept_because": e.kept_because,
        }
        for e in report.entries
        if e.rows
    ]


@transaction.atomic
def erasure_execute(*, request: PrivacyRequest, by, plan: str) -> ErasureCertificate:
    """Erase exactly what the preview `plan` showed; refuse when anything changed since.

    Refuses under a legal hold (nothing may be erased: refuse the request citing Art. 17(3)(e)
    or wait for the release). Every e-mail address of the person goes on the suppression list
    as a salted hash first, so marketing can never add the person back. The certificate names
    what was erased, when, by whom and how much, and no erased value.
    """
    request = _locked(request)
    _require(request, types={RequestType.ERASURE})
    if request.erasure_certificates.exists():
        raise FulfilmentError("This request's erasure was already carried out.")
    subject = request.subject
    report = registry.erase(subject, dry_run=True)
    if report.held_by:
        raise FulfilmentError(
            "A legal hold covers this person: nothing can be erased now ("
            + "; ".join(report.held_by)
            + "). Refuse the request citing GDPR Art. 17(3)(e), or wait for the release."
        )
    previewed_at = _previewed_at(request, plan)
    if plan_fingerprint(report) != plan or previewed_at is None:
        raise FulfilmentError(
            "The data changed since the preview you approved (or no preview was shown): "
            "look at the new preview and confirm again."
        )
    # Before the rows go: afterwards the addresses are gone (marketing keeps only hashes).
    addresses = marketing.subject_emails(subject)
    marketing.suppression_add_for_subject(subject=subject, reason="erased")
    if request.requester_email:
        addresses.add(marketing.normalise_email(request.requester_email))
        marketing.suppression_add(email=request.requester_email, reason="erased")
    for package in AccessPackage.objects.filter(
        request__subject=subject, status=AccessPackage.Status.READY
    ):
        _discard_file(package, reason="the person's data was erased")

    erased_categories = {e.category for e in report.entries if e.action != "keep" and e.rows}
    done = registry.erase(subject, dry_run=False)
    entries = _certificate_entries(done)
    certificate = ErasureCertificate.objects.create(
        request=request,
        subject=subject,
        previewed_at=previewed_at,
        executed_by=by,
        rows_deleted=sum(e["rows"] for e in entries if e["action"] == "delete rows"),
        values_erased=sum(sum(e["changed"].values()) for e in entries),
        rows_kept=sum(e["rows"] for e in entries if e["action"] == "keep"),
        addresses_suppressed=len(addresses),
        entries=entries,
    )
    _event(
        request,
        by=by,
        note=f"Erasure carried out (certificate #{certificate.pk}): "
        f"{certificate.rows_deleted} rows deleted, {certificate.values_erased} values erased, "
        f"{certificate.rows_kept} rows kept with their reasons; "
        f"{certificate.addresses_suppressed} address(es) suppressed as salted hashes.",
        certificate=certificate.pk,
    )
    recipient_notifications_create(
        request=request,
        operation=RecipientNotification.Operation.ERASURE,
        categories=erased_categories,
        by=by,
    )
    return certificate


# --- Rectification --------------------------------------------------------------------------


def subject_details(subject: DataSubject) -> dict[str, str]:
    """The current values of the details a rectification may correct."""
    details = {"full_name": subject.full_name, "title": subject.title}
    for name, kind in _CONTACT_KINDS.items():
        point = _primary(subject, kind)
        details[name] = point.value if point else ""
    return details


def _primary(subject: DataSubject, kind: str) -> ContactPoint | None:
    return (
        ContactPoint.objects.filter(subject=subject, kind=kind)
        .order_by("-is_primary", "pk")
        .first()
    )


@transaction.atomic
def subject_rectify(
    *, request: PrivacyRequest, by, changes: dict[str, str], note: str = ""
) -> list[SubjectChange]:
    """Correct the subject's details; each change goes into the history and the change log.

    `changes` maps RECTIFIABLE_FIELDS to new values; unchanged values record nothing.
    """
    request = _locked(request)
    _require(request, types={RequestType.RECTIFICATION})
    unknown = set(changes) - set(RECTIFIABLE_FIELDS)
    if unknown:
        raise FulfilmentError(f"Not a detail that can be corrected here: {', '.join(unknown)}.")
    subject = DataSubject.objects.select_for_update().get(pk=request.subject_id)
    before = subject_details(subject)
    made = []
    for name, value in changes.items():
        value = (value or "").strip()
        if name == "email":
            value = value.lower()
        if value == before[name]:
            continue
        if name in _CONTACT_KINDS:
            point = _primary(subject, _CONTACT_KINDS[name])
            if point and value:
                point.value = value
                point.save(update_fields=["value"])
            elif point:
                point.delete()
            else:
                ContactPoint.objects.create(
                    subject=subject, kind=_CONTACT_KINDS[name], value=value, is_primary=True
                )
        else:
            setattr(subject, name, value)
            subject.save(update_fields=[name])
        made.append(
            SubjectChange.objects.create(
                subject=subject,
                request=request,
                field=name,
                old_value=before[name],
                new_value=value,
                changed_by=by,
            )
        )
    if not made:
        return []
    _event(
        request,
        by=by,
        note="Rectified: "
        + "; ".join(
            f"{RECTIFIABLE_FIELDS[c.field]} {c.old_value or '(empty)'!r} → "
            f"{c.new_value or '(empty)'!r}"
            for c in made
        )
        + (f". {note.strip()}" if note.strip() else "."),
        changes=[{"field": c.field, "old": c.old_value, "new": c.new_value} for c in made],
    )
    recipient_notifications_create(
        request=request,
        operation=RecipientNotification.Operation.RECTIFICATION,
        categories=[registry.CATEGORY_NAMES[registry.PERSONAL_INFORMATION]],
        by=by,
    )
    return made


# --- Restriction and objection --------------------------------------------------------------


@transaction.atomic
def subject_restrict(*, request: PrivacyRequest, by, note: str = "") -> DataSubject:
    """Mark the subject's processing as restricted (GDPR Art. 18): storage only from now on.

    Jobs and exports skip a restricted subject; its recipients are to be notified.
    """
    request = _locked(request)
    _require(request, types={RequestType.RESTRICTION})
    subject = DataSubject.objects.select_for_update().get(pk=request.subject_id)
    if subject.processing_restricted_at is not None:
        raise FulfilmentError(
            f"Processing is already restricted since {subject.processing_restricted_at:%d %b %Y}."
        )
    subject.processing_restricted_at = timezone.now()
    subject.save(update_fields=["processing_restricted_at"])
    SubjectChange.objects.create(
        subject=subject,
        request=request,
        field="processing_restricted_at",
        old_value="",
        new_value=subject.processing_restricted_at.isoformat(),
        changed_by=by,
    )
    _event(
        request,
        by=by,
        note="Processing restricted (Art. 18): storage only."
        + (f" {note.strip()}" if note.strip() else ""),
    )
    recipient_notifications_create(
        request=request,
        operation=RecipientNotification.Operation.RESTRICTION,
        categories=categories_held(subject),
        by=by,
    )
    return subject


@transaction.atomic
def subject_restriction_lift(*, subject: DataSubject, by, reason: str, request=None) -> DataSubject:
    """Lift a restriction (the person must have been told before, Art. 18(3)); say why."""
    if not reason.strip():
        raise FulfilmentError("Say why the restriction is lifted (and that the person was told).")
    subject = DataSubject.objects.select_for_update().get(pk=subject.pk)
    if subject.processing_restricted_at is None:
        raise FulfilmentError("Processing of this person's data is not restricted.")
    old = subject.processing_restricted_at.isoformat()
    subject.processing_restricted_at = None
    subject.save(update_fields=["processing_restricted_at"])
    SubjectChange.objects.create(
        subject=subject,
        request=request,
        field="processing_restricted_at",
        old_value=old,
        new_value="",
        changed_by=by,
    )
    if request is not None:
        _event(request, by=by, note=f"Restriction lifted: {reason.strip()}")
    return subject


@transaction.atomic
def marketing_objection(*, request: PrivacyRequest, by):
    """An objection to direct marketing always succeeds: every channel, at once (Art. 21(3))."""
    request = _locked(request)
    if request.request_type not in OBJECTION_TYPES:
        raise FulfilmentError("Only an objection or a marketing opt-out is recorded this way.")
    if not request.is_open:
        raise FulfilmentError("The request is closed.")
    if not (request.subject_id or request.requester_email):
        raise FulfilmentError("Match a data subject or give the requester's e-mail address.")
    opt_out = marketing.marketing_objection_record(
        email=request.requester_email,
        subject=request.subject,
        source=f"privacy request {request.reference}",
        by=by,
    )
    _event(
        request,
        by=by,
        note="Objection to direct marketing recorded: opted out of every marketing channel "
        "(Art. 21(3)).",
        opt_out=opt_out.pk,
    )
    return opt_out


def objection_recorded(request: PrivacyRequest) -> bool:
    return request.events.filter(kind=Kind.NOTE, data__has_key="opt_out").exists()


# --- Customer-Generated Data ----------------------------------------------------------------


def customer_data_of(subject) -> dict:
    """Account -> the customer datasets (Customer-Generated Data) the subject is known in."""
    found: dict = {}
    if subject is None:
        return found
    for dataset in CustomerDataset.objects.filter(subjects=subject).select_related("account"):
        found.setdefault(dataset.account, []).append(dataset)
    return found


@transaction.atomic
def customer_data_forward(*, request: PrivacyRequest, by) -> list[CustomerDataForward]:
    """Forward the request to each customer whose hosted data holds the person; tell the
    requester. Nothing in that data changes until the customer's instruction is recorded."""
    request = _locked(request)
    if not request.is_open:
        raise FulfilmentError("The request is closed.")
    held = customer_data_of(request.subject)
    if not held:
        raise FulfilmentError("No Customer-Generated Data is known for this person.")
    made = []
    for account, datasets in held.items():
        forward, new = CustomerDataForward.objects.get_or_create(
            request=request,
            account=account,
            defaults={"forwarded_by": by, "sent_to": account.license_holder_email},
        )
        if not new:
            continue
        forward.datasets.set(datasets)
        letters.letter_send(
            request=request,
            key="redirect_customer",
            by=by,
            to=[account.license_holder_email],
            context={"account": account, "datasets": datasets},
        )
        made.append(forward)
    if made:
        _event(
            request,
            by=by,
            note="Forwarded to the customer(s) that control the hosted data: "
            + "; ".join(f.account.company_name for f in made)
            + ".",
            forwards=[f.pk for f in made],
        )
        letters.letter_send(
            request=request,
            key="redirect",
            by=by,
            context={"forwarded_to": [f.account for f in made]},
        )
    return made


@transaction.atomic
def customer_instruction_record(
    *,
    forward: CustomerDataForward,
    instruction: str,
    text: str,
    by,
    received_at: datetime.datetime | None = None,
) -> CustomerDataForward:
    """Record what the customer (the controller) instructed about its data, as received."""
    if instruction not in CustomerDataForward.Instruction.values:
        raise FulfilmentError("Choose the customer's instruction.")
    if not text.strip():
        raise FulfilmentError("Copy the customer's instruction as received.")
    forward = CustomerDataForward.objects.select_for_update().get(pk=forward.pk)
    if forward.carried_out_at:
        raise FulfilmentError("The customer's instruction was already carried out.")
    forward.instruction = instruction
    forward.instruction_text = text.strip()
    forward.instruction_received_at = received_at or timezone.now()
    forward.instruction_recorded_by = by
    forward.save()
    _event(
        forward.request,
        by=by,
        note=f"Instruction of {forward.account.company_name} recorded: "
        f"{forward.get_instruction_display()}. {forward.instruction_text}",
        forward=forward.pk,
        instruction=instruction,
    )
    return forward


@transaction.atomic
def customer_instruction_carry_out(*, forward: CustomerDataForward, by) -> CustomerDataForward:
    """Act on the customer's recorded instruction, and only on it."""
    forward = CustomerDataForward.objects.select_for_update().get(pk=forward.pk)
    if not forward.instruction:
        raise FulfilmentError(
            "Nothing in Customer-Generated Data is touched without the customer's recorded "
            "instruction: record it first."
        )
    if forward.carried_out_at:
        raise FulfilmentError("Already carried out.")
    subject = forward.request.subject
    removed = 0
    if forward.instruction == CustomerDataForward.Instruction.REMOVE and subject is not None:
        for dataset in forward.datasets.all():
            if dataset.subjects.filter(pk=subject.pk).exists():
                dataset.subjects.remove(subject)
                removed += 1
    forward.carried_out_at = timezone.now()
    forward.save(update_fields=["carried_out_at"])
    _event(
        forward.request,
        by=by,
        note=f"Instruction of {forward.account.company_name} carried out: "
        f"{forward.get_instruction_display()}"
        + (f" ({removed} dataset(s) no longer list the person)." if removed else "."),
        forward=forward.pk,
    )
    return forward


# --- Completion -----------------------------------------------------------------------------


def _ready_package(request: PrivacyRequest) -> AccessPackage | None:
    return (
        request.access_packages.filter(status=AccessPackage.Status.READY)
        .order_by("-built_at")
        .first()
    )


def completion_blockers(request: PrivacyRequest) -> list[str]:
    """What still stands between this request and its completion (empty: it may complete)."""
    blockers = []
    kind = request.request_type
    if kind in ACCESS_TYPES:
        package = _ready_package(request)
        if package is None or not package.is_available:
            blockers.append("Build the access package first.")
    elif kind == RequestType.ERASURE and not request.erasure_certificates.exists():
        blockers.append("Carry out the erasure first (or refuse the request with the reason).")
    elif kind == RequestType.RESTRICTION and not (
        request.subject_id and request.subject.processing_restricted_at
    ):
        blockers.append("Restrict the processing first.")
    elif kind in OBJECTION_TYPES and not objection_recorded(request):
        blockers.append("Record the objection to direct marketing first.")
    pending = request.recipient_notifications.filter(status=RecipientNotification.Status.PENDING)
    names = [n.recipient.name for n in pending.select_related("recipient")]
    if names:
        blockers.append(
            "Mark each recipient notification (Art. 19) as sent or impossible: "
            + "; ".join(names)
            + "."
        )
    return blockers


def completion_check(request: PrivacyRequest) -> None:
    """Called by services.request_transition before a request becomes completed."""
    blockers = completion_blockers(request)
    if blockers:
        raise CompletionBlocked(
            f"{request.reference} cannot be completed yet: " + " ".join(blockers)
        )


def completion_outcome(request: PrivacyRequest, *, with_link: bool = True) -> str:
    """The part of the completion letter that says what was done (and the package link)."""
    lines = []
    kind = request.request_type
    if kind in ACCESS_TYPES:
        package = _ready_package(request)
        if package:
            lines.append(
                "Your personal data is ready. Download it (a ZIP file with a readable summary, "
                "a machine-readable JSON file and a CSV file per category) from this link "
                f"until {package.expires_at:%d %B %Y}:\n\n"
                + (access_package_link(package=package) if with_link else "[link]")
            )
    elif kind == RequestType.ERASURE:
        certificate = request.erasure_certificates.order_by("-executed_at").first()
        if certificate:
            lines.append(
                f"We erased your personal data on {certificate.executed_at:%d %B %Y}: "
                f"{certificate.rows_deleted} records deleted and {certificate.values_erased} "
                "details blanked, masked or replaced by a one-way fingerprint."
            )
            kept = [e for e in certificate.entries if e["action"] == "keep"]
            if kept:
                lines.append("We keep the following, for the reason given:")
                lines += [f"- {e['title']}: {e['kept_because']}" for e in kept]
            lines.append(
                "Your e-mail address is kept only as a one-way fingerprint on our suppression "
                "list, so that we never send you marketing again."
            )
    elif kind == RequestType.RECTIFICATION:
        changes = request.subject_changes.order_by("changed_at", "pk")
        if changes:
            lines.append("We corrected:")
            lines += [
                f"- {RECTIFIABLE_FIELDS.get(c.field, c.field)}: now {c.new_value or '(removed)'}"
                for c in changes
            ]
        else:
            lines.append("We checked your details and found nothing to correct.")
    elif kind == RequestType.RESTRICTION and request.subject_id:
        since = request.subject.processing_restricted_at
        if since:
            lines.append(
                f"Since {since:%d %B %Y} we only store your data and do not otherwise use it. "
                "We will tell you before the restriction is lifted."
            )
    elif kind in OBJECTION_TYPES:
        lines.append(
            "You will no longer receive marketing from us by any channel. Messages about your "
            "contract and legally required notices are not affected."
        )
    notified = request.recipient_notifications.filter(
        status=RecipientNotification.Status.SENT
    ).select_related("recipient")
    if notified:
        lines.append(
            "We informed the recipients of your data: "
            + "; ".join(sorted({n.recipient.name for n in notified}))
            + "."
        )
    forwards = request.customer_forwards.select_related("account")
    if forwards:
        lines.append(
            "The part of your request about data we host for our customer(s) "
            + ", ".join(f.account.company_name for f in forwards)
            + " was forwarded to them: they decide about that data."
        )
    return "\n\n".join(lines)


def outcome_record(request: PrivacyRequest) -> RequestOutcome:
    """Record how fast the request was answered (called when it is completed)."""
    completed_at = request.closed_at or timezone.now()
    completed_on = timezone.localdate(completed_at)
    outcome, _ = RequestOutcome.objects.update_or_create(
        request=request,
        defaults={
            "request_type": request.request_type,
            "received_at": request.received_at,
            "completed_at": completed_at,
            "response_days": max(0, (completed_on - request.received_on).days),
            "paused_days": request.paused_days,
            "due_date": request.due_date,
            "on_time": completed_on <= request.due_date,
            "summary": completion_outcome(request, with_link=False),
        },
    )
    return outcome
