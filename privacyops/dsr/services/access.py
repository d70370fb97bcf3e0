"""Access and portability: the package, built by a task, offered by a signed link."""

import datetime
import hashlib
import os
import secrets
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext

from privacyops.core import services as core_services
from privacyops.core.models import JobRun
from privacyops.core.signed_links import signed_payload
from privacyops.security.models import AccessLogEntry
from privacyops.security.services import access_log_record

from .. import packages
from ..models import AccessPackage, PrivacyRequest, RequestEvent
from .errors import FulfilmentError, PackageUnavailable
from .events import request_event_record, request_locked
from .fulfilment import ACCESS_TYPES, fulfilment_step_check

Kind = RequestEvent.Kind
PACKAGE_SALT = "privacyops.dsr.package"
PACKAGE_JOB = "dsr.access_package"
PACKAGE_FOLDER = "access-packages"


def _private_dir() -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / PACKAGE_FOLDER
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def package_link_days() -> int:
    return settings.PRIVACYOPS_DSR_PACKAGE_LINK_DAYS


def package_build_lease_seconds() -> int:
    """How long a build may go without recording a step before the sweep takes it for dead."""
    return settings.PRIVACYOPS_DSR_PACKAGE_BUILD_LEASE_SECONDS


@transaction.atomic
def access_package_request(*, request: PrivacyRequest, by) -> AccessPackage:
    """Queue the build of the requester's package; a Celery task builds it (see the JobRun)."""
    request = request_locked(request)
    fulfilment_step_check(request, types=ACCESS_TYPES)
    if request.access_packages.filter(
        status__in=[AccessPackage.Status.QUEUED, AccessPackage.Status.BUILDING]
    ).exists():
        raise FulfilmentError("A package for this request is already being built.")
    package = AccessPackage.objects.create(request=request, requested_by=by)
    request_event_record(
        request=request,
        kind=Kind.PACKAGE_REQUESTED,
        by=by,
        note=f"Access package #{package.pk} requested.",
        package=package.pk,
    )
    from ..tasks import access_package_build_task

    transaction.on_commit(lambda: access_package_build_task.delay(package.pk))
    return package


def access_package_build(*, package_id: int, worker: str = "") -> AccessPackage:
    """Build and store the package (idempotent: a package already built is left as it is).

    Steps are recorded as JobRun progress: collect from the registry, write the file privately,
    offer it. A failure marks the package failed and the run failed, with the reason. A
    package found being built is one whose worker died mid-build (the task is delivered again,
    acks_late): it is marked failed, its partial file removed and the failure written in the
    request's history, for Legal to build it again; it is not rebuilt behind their back.
    """
    with transaction.atomic():
        package = AccessPackage.objects.select_for_update().get(pk=package_id)
        if package.status in (
            AccessPackage.Status.READY,
            AccessPackage.Status.EXPIRED,
            AccessPackage.Status.FAILED,
        ):
            return package
        if package.status == AccessPackage.Status.BUILDING:
            return _access_package_lost(package, why="its task was delivered again")
        run = core_services.job_run_start(job=PACKAGE_JOB, total=3, worker=worker)
        run.summary = {"package": package.pk, "request": package.request.reference}
        _build_step(run, done=0)
        package.status = AccessPackage.Status.BUILDING
        package.job_run = run
        package.save(update_fields=["status", "job_run"])
    request = package.request
    try:
        built = packages.access_package_build(subject=request.subject, reference=request.reference)
        _build_step(run, done=1)
        stored_as = f"{request.pk}-{package.pk}-{secrets.token_hex(8)}.zip"
        target = _private_dir() / stored_as
        partial = target.with_suffix(".part")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as stream:
            stream.write(built.content)
        partial.replace(target)
        _build_step(run, done=2)
        with transaction.atomic():
            package = AccessPackage.objects.select_for_update().get(pk=package_id)
            if package.status != AccessPackage.Status.BUILDING or package.job_run_id != run.pk:
                # The sweep took this build for dead (a step slower than the lease) and Legal
                # was told it failed: what it wrote is not offered behind their back.
                target.unlink(missing_ok=True)
                return package
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
            request_event_record(
                request=request,
                kind=Kind.PACKAGE_BUILT,
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
        AccessPackage.objects.filter(pk=package_id, status=AccessPackage.Status.BUILDING).update(
            status=AccessPackage.Status.FAILED, error=repr(error)
        )
        _partial_files_remove(package)
        core_services.job_run_finish(
            run=run, status=JobRun.Status.FAILED, detail=f"Build failed: {error!r}"
        )
        raise
    return package


def _partial_files_remove(package: AccessPackage) -> None:
    """The files a build that never finished wrote: a partial one, or the whole file whose
    name the package never recorded (the worker died between writing and recording it)."""
    for partial in _private_dir().glob(f"{package.request_id}-{package.pk}-*"):
        if partial.name != package.stored_as:
            partial.unlink(missing_ok=True)


def _build_step(run: JobRun, *, done: int) -> None:
    """Record a step of the build and when it was reached: the sweep judges a build by its
    last step (`last_step_at` in the run's summary), not by when it started."""
    run.summary = {**run.summary, "last_step_at": timezone.now().isoformat()}
    run.progress_done = done
    run.save(update_fields=["progress_done", "summary"])


def _access_package_lost(package: AccessPackage, *, why: str) -> AccessPackage:
    """The build's worker was lost (the caller holds the package's lock)."""
    _partial_files_remove(package)
    package.status = AccessPackage.Status.FAILED
    package.error = f"The worker building the package stopped mid-build (killed or lost): {why}."
    package.save(update_fields=["status", "error"])
    if package.job_run_id:
        JobRun.objects.filter(pk=package.job_run_id, status=JobRun.Status.RUNNING).update(
            status=JobRun.Status.INTERRUPTED,
            finished_at=timezone.now(),
            detail=f"The worker stopped mid-build ({why}); the package was marked failed.",
        )
    request_event_record(
        request=package.request,
        kind=Kind.NOTE,
        by=None,
        note=f"Access package #{package.pk} failed: the worker building it stopped mid-build "
        f"({why}). Nothing was offered; build the package again.",
        package=package.pk,
    )
    return package


def _last_step_at(package: AccessPackage) -> datetime.datetime:
    run = package.job_run
    if run is None:  # the run's record was purged: only the request date is left
        return package.requested_at
    stamp = run.summary.get("last_step_at") if isinstance(run.summary, dict) else None
    return datetime.datetime.fromisoformat(stamp) if stamp else run.started_at


def access_package_builds_sweep(
    *, now: datetime.datetime | None = None, worker: str = ""
) -> JobRun:
    """Mark failed every package build that recorded no step within the lease
    (`PRIVACYOPS_DSR_PACKAGE_BUILD_LEASE_SECONDS`): its worker died with it.

    A whole worker killed (machine lost, the process group SIGKILLed) leaves the build's
    message unacknowledged in the broker until the visibility timeout, an hour or more; Legal
    sees the failure within minutes instead, in the request's history, with the unfinished file
    removed, and can build the package again. When the old message is delivered later, the
    build finds its package failed and does nothing. A package still queued is left alone:
    no worker has taken it yet.
    """
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=package_build_lease_seconds())
    since = now - lease
    candidates = list(
        AccessPackage.objects.filter(status=AccessPackage.Status.BUILDING)
        .filter(
            Q(job_run__started_at__lte=since) | Q(job_run__isnull=True, requested_at__lte=since)
        )
        .values_list("pk", flat=True)
    )
    run = core_services.job_run_start(
        job="dsr.sweep_package_builds", total=len(candidates), worker=worker
    )
    failed = []
    why = f"no step recorded in {package_build_lease_seconds()} seconds"
    for done, package_id in enumerate(candidates, start=1):
        with transaction.atomic():
            package = (
                AccessPackage.objects.select_for_update(of=("self",))
                .select_related("job_run")
                .get(pk=package_id)
            )
            if package.status == AccessPackage.Status.BUILDING and _last_step_at(package) <= since:
                _access_package_lost(package, why=why)
                failed.append(package.pk)
        core_services.job_run_progress(run=run, done=done)
    return core_services.job_run_finish(
        run=run,
        summary={"failed": failed, "lease_seconds": package_build_lease_seconds()},
        detail=f"{len(failed)} package build(s) without progress marked failed." if failed else "",
    )


def access_package_link(*, package: AccessPackage, base_url: str = "") -> str:
    """The signed link the requester downloads the package with (valid until it expires)."""
    token = signing.dumps({"p": package.pk, "n": package.link_nonce}, salt=PACKAGE_SALT)
    base = (base_url or settings.PRIVACYOPS_PUBLIC_URL).rstrip("/")
    return f"{base}/privacy/package/{token}/"


def access_package_for_token(token: str) -> AccessPackage:
    """The package a link points to, if the link is genuine and the package still offered."""
    max_age = datetime.timedelta(days=package_link_days())
    try:
        payload = signed_payload(
            token, salt=PACKAGE_SALT, max_age=max_age, shape={"p": int, "n": str}
        )
    except signing.SignatureExpired:
        raise PackageUnavailable(gettext("This download link has expired.")) from None
    except signing.BadSignature:
        raise PackageUnavailable(gettext("This download link is not valid.")) from None
    package = AccessPackage.objects.filter(pk=payload.get("p")).select_related("request").first()
    if package is None or not package.link_nonce or package.link_nonce != payload.get("n"):
        raise PackageUnavailable(gettext("This download link is not valid."))
    if not package.is_available:
        raise PackageUnavailable(
            gettext("This package is no longer available. Please ask us for a new copy.")
        )
    return package


def package_path(package: AccessPackage) -> Path:
    """Where the package's file lies in private storage (never reachable by URL)."""
    return _private_dir() / package.stored_as


@transaction.atomic
def access_package_download(*, package: AccessPackage, by=None, via: str = "") -> Path:
    """Record one download of the package in the request's history; return the file's path."""
    if not package.is_available or not package_path(package).exists():
        raise PackageUnavailable(gettext("This package is no longer available."))
    AccessPackage.objects.filter(pk=package.pk).update(downloads=F("downloads") + 1)
    who = "the requester (signed link)" if by is None else str(by)
    request = package.request
    what = f"Access package #{package.pk} downloaded by {who}{f' from {via}' if via else ''}."
    request_event_record(
        request=request, kind=Kind.PACKAGE_DOWNLOADED, by=by, note=what, package=package.pk
    )
    access_log_record(
        user=by,
        action=AccessLogEntry.Action.PACKAGE_DOWNLOADED,
        obj=request,
        subject=request.subject,
        detail={"what": what},
    )
    return package_path(package)


def access_package_open(*, token: str, via: str = "", by=None) -> tuple[AccessPackage, Path]:
    """Someone with the signed link asked for the file: the requester, or (`by`) a member of
    staff signed in to the admin, who is then named in the history instead."""
    package = access_package_for_token(token)
    return package, access_package_download(package=package, by=by, via=via)


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
            access_package_discard(package, reason="The download link expired")
            done += 1
        core_services.job_run_progress(run=run, done=done)
    return core_services.job_run_finish(run=run, summary={"expired": done})


def access_package_discard(package: AccessPackage, *, reason: str) -> None:
    """Delete the package's file and withdraw its link (the caller holds the package's lock);
    the reason goes into the request's history."""
    if package.stored_as:
        package_path(package).unlink(missing_ok=True)
    package.status = AccessPackage.Status.EXPIRED
    package.link_nonce = ""
    package.save(update_fields=["status", "link_nonce"])
    request_event_record(
        request=package.request,
        kind=Kind.PACKAGE_DELETED,
        by=None,
        note=f"Access package #{package.pk} deleted: {reason}.",
        package=package.pk,
    )
