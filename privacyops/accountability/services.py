"""Writes of the accountability app: splitting a policy version, marking paragraphs, storing
and handing out reports. Each writes its AccountabilityEvent in the same transaction."""

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from privacyops.core import controls
from privacyops.inventory.models import PolicyVersion, ProcessingActivity
from privacyops.security.models import AccessLogEntry
from privacyops.security.services import access_log_record

from . import report, seed
from .models import AccountabilityEvent, AccountabilityReport, PolicyParagraph
from .paragraphs import default_heading, split_paragraphs

REPORT_FOLDER = "accountability-reports"
REPORT_JOB = "accountability.monthly_report"


def report_directory() -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / REPORT_FOLDER
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def unknown_control_keys(keys) -> list[str]:
    return [key for key in keys if controls.control(key) is None]


@transaction.atomic
def policy_split(*, version: PolicyVersion, by=None) -> list[PolicyParagraph]:
    """(Re-)split a version's full text into numbered paragraphs.

    A paragraph whose text is unchanged keeps Legal's marks, links and heading; a paragraph of
    the seeded policy text gets the seeded marks; any other starts "not yet marked".
    """
    version = PolicyVersion.objects.select_for_update().get(pk=version.pk)
    previous = {
        p.text: p for p in version.paragraphs.prefetch_related("activities").order_by("number")
    }
    kept = {
        text: (p.heading, p.kind, list(p.control_keys), list(p.activities.all()), p.note)
        for text, p in previous.items()
    }
    version.paragraphs.all().delete()
    created, reused, seeded = [], 0, 0
    activities = {a.code: a for a in ProcessingActivity.objects.all()}
    for number, text in enumerate(split_paragraphs(version.text), start=1):
        if text in kept:
            heading, kind, keys, linked, note = kept[text]
            reused += 1
        elif (mark := seed.mark_for(number, text)) is not None:
            heading, kind, keys, codes, note = mark
            linked = [activities[code] for code in codes if code in activities]
            seeded += 1
        else:
            heading, kind, keys, linked, note = (
                default_heading(text),
                PolicyParagraph.Kind.UNMARKED,
                [],
                [],
                "",
            )
        paragraph = PolicyParagraph.objects.create(
            version=version,
            number=number,
            heading=heading,
            text=text,
            kind=kind,
            control_keys=keys,
            note=note,
        )
        paragraph.activities.set(linked)
        created.append(paragraph)
    AccountabilityEvent.objects.create(
        kind=AccountabilityEvent.Kind.SPLIT,
        by=by,
        version=version,
        detail={
            "paragraphs": len(created),
            "marks_kept": reused,
            "seeded_marks": seeded,
            "replaced": len(previous),
        },
    )
    return created


@transaction.atomic
def paragraph_save(*, paragraph: PolicyParagraph, by, changed: list[str]) -> PolicyParagraph:
    """Save Legal's correction or marking of a paragraph (the admin form already set the
    fields); refuses control keys no app registers."""
    unknown = unknown_control_keys(paragraph.control_keys)
    if unknown:
        raise ValidationError({"control_keys": f"Unknown controls: {', '.join(unknown)}"})
    paragraph.save()
    AccountabilityEvent.objects.create(
        kind=AccountabilityEvent.Kind.MARKED,
        by=by,
        version=paragraph.version,
        detail={"paragraph": paragraph.number, "changed": sorted(changed)},
    )
    return paragraph


def report_store(*, by=None, job_run=None, now=None) -> AccountabilityReport:
    """Compute the report now, write its HTML into private storage and record it."""
    now = now or timezone.now()
    data = report.report_build(now=now)
    html = report.report_html(data).encode("utf-8")
    stored_as = f"{uuid.uuid4().hex}.html"
    target = report_directory() / stored_as
    target.write_bytes(html)
    target.chmod(0o600)
    counts = data["counts"]
    try:
        with transaction.atomic():
            saved = AccountabilityReport.objects.create(
                generated_at=now,
                policy_version=data["version"],
                generated_by=by,
                job_run=job_run,
                stored_as=stored_as,
                filename=f"accountability-report-{timezone.localtime(now):%Y-%m-%d-%H%M}.html",
                size_bytes=len(html),
                sha256=hashlib.sha256(html).hexdigest(),
                promises_kept=counts[controls.KEPT],
                promises_at_risk=counts[controls.AT_RISK],
                promises_not_operated=counts[controls.NOT_OPERATED],
                paragraphs=len(data["sections"]),
            )
            AccountabilityEvent.objects.create(
                kind=AccountabilityEvent.Kind.STORED,
                by=by,
                version=data["version"],
                detail={"report": saved.pk, "sha256": saved.sha256},
            )
    except Exception:
        target.unlink(missing_ok=True)
        raise
    return saved


def report_path(stored: AccountabilityReport) -> Path | None:
    path = report_directory() / Path(stored.stored_as).name
    return path if path.is_file() else None


@transaction.atomic
def report_download(*, stored: AccountabilityReport, by, request=None) -> Path | None:
    """The stored file for a member of staff, written to the access log; None if missing."""
    path = report_path(stored)
    if path is None:
        return None
    access_log_record(user=by, action=AccessLogEntry.Action.EXPORTED, obj=stored, request=request)
    AccountabilityEvent.objects.create(
        kind=AccountabilityEvent.Kind.DOWNLOADED,
        by=by,
        version=stored.policy_version,
        detail={"report": stored.pk},
    )
    return path
