"""Writes of the accountability app: splitting a policy version, marking paragraphs, storing
and handing out reports. Each writes its AccountabilityEvent in the same transaction."""

import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
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
RENUMBER_OFFSET = 100_000  # above any paragraph number


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


def _shift_after(version, number: int, by: int) -> None:
    """Move the numbers of the paragraphs after `number` by `by` (either way), in two steps so
    that no two rows share a number on the way (the unique constraint is checked per row)."""
    later = PolicyParagraph.objects.filter(version=version, number__gt=number)
    later.update(number=F("number") + RENUMBER_OFFSET)
    PolicyParagraph.objects.filter(version=version, number__gt=RENUMBER_OFFSET).update(
        number=F("number") - RENUMBER_OFFSET + by
    )


@transaction.atomic
def paragraph_save(*, paragraph: PolicyParagraph, by, changed: list[str]) -> PolicyParagraph:
    """Save Legal's correction or marking of a paragraph (the admin form already set the
    fields); refuses control keys no app registers.

    Correcting the split: a line break in the text splits the paragraph there; what follows
    becomes the next paragraph(s), not yet marked, and the numbers after them move up.
    """
    unknown = unknown_control_keys(paragraph.control_keys)
    if unknown:
        raise ValidationError({"control_keys": f"Unknown controls: {', '.join(unknown)}"})
    parts = split_paragraphs(paragraph.text)
    if not parts:
        raise ValidationError({"text": "A paragraph needs its text."})
    paragraph.text = parts[0]
    paragraph.save()
    if len(parts) > 1:
        _shift_after(paragraph.version, paragraph.number, len(parts) - 1)
        for offset, text in enumerate(parts[1:], start=1):
            PolicyParagraph.objects.create(
                version=paragraph.version,
                number=paragraph.number + offset,
                heading=default_heading(text),
                text=text,
            )
    AccountabilityEvent.objects.create(
        kind=AccountabilityEvent.Kind.MARKED,
        by=by,
        version=paragraph.version,
        detail={
            "paragraph": paragraph.number,
            "changed": sorted(changed),
            "split_into": len(parts),
        },
    )
    return paragraph


@transaction.atomic
def paragraphs_merge(*, paragraphs, by) -> PolicyParagraph:
    """Merge paragraphs of one version that the split separated wrongly into the first of
    them (its marks kept, the others' texts appended); the numbers after close up."""
    chosen = list(
        PolicyParagraph.objects.select_for_update()
        .filter(pk__in=[p.pk for p in paragraphs])
        .order_by("number")
    )
    if len(chosen) < 2 or len({p.version_id for p in chosen}) > 1:
        raise ValidationError("Choose two or more paragraphs of the same policy version.")
    first, rest = chosen[0], chosen[1:]
    first.text = " ".join(p.text for p in chosen)
    first.save(update_fields=["text", "updated_at"])
    merged = [p.number for p in rest]
    for paragraph in reversed(rest):
        number = paragraph.number
        paragraph.delete()
        _shift_after(first.version, number, -1)
    AccountabilityEvent.objects.create(
        kind=AccountabilityEvent.Kind.MARKED,
        by=by,
        version=first.version,
        detail={"paragraph": first.number, "merged": merged},
    )
    return first


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
