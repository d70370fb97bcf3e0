"""Writes to the record of processing: vendors with their agreements and transfers, the cookie
register, and the agreement-review reminders (a beat job)."""

import datetime
import hashlib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from privacyops.core import selectors as core_selectors
from privacyops.core import services as core_services

from . import selectors
from .models import TrackingIdentifier, Vendor

AGREEMENT_FOLDER = "processor-agreements"
REVIEW_JOB = "inventory: processor agreement reviews"


def agreement_directory() -> Path:
    path = Path(settings.PRIVATE_STORAGE_ROOT) / AGREEMENT_FOLDER
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def agreement_path(vendor: Vendor) -> Path | None:
    """Where the vendor's agreement lies in private storage (never reachable by URL)."""
    if not vendor.dpa_stored_as:
        return None
    path = agreement_directory() / Path(vendor.dpa_stored_as).name
    return path if path.is_file() else None


def _agreement_store(vendor: Vendor, upload) -> None:
    previous = vendor.dpa_stored_as
    stored_as = f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()[:10]}"
    digest = hashlib.sha256()
    target = agreement_directory() / stored_as
    with target.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    target.chmod(0o600)
    vendor.dpa_stored_as = stored_as
    vendor.dpa_filename = Path(upload.name).name[:200]
    vendor.dpa_sha256 = digest.hexdigest()
    # The new file is the agreement once the row says so; the old one goes only then, and a
    # rolled-back save leaves the new file unreferenced instead of losing the old one.
    if previous:
        transaction.on_commit(
            lambda: (agreement_directory() / Path(previous).name).unlink(missing_ok=True)
        )


@transaction.atomic
def vendor_save(*, vendor: Vendor, by=None, agreement=None) -> Vendor:
    """Validate and save a vendor; with `agreement` (an uploaded file), store it privately.

    Refuses (ValidationError, by field) a vendor whose data goes to a third country without a
    valid transfer mechanism, as `Vendor.clean` explains.
    """
    vendor.full_clean()
    if agreement is not None:
        _agreement_store(vendor, agreement)
    vendor.save()
    return vendor


@transaction.atomic
def vendors_list_publicly(*, vendors, listed: bool, by=None) -> tuple[list[Vendor], list[str]]:
    """Show (or stop showing) vendors on the public sub-processor page.

    Refuses to list a vendor whose record is unfinished (no destination, or a transfer without
    a valid mechanism): the public page must not name a transfer we cannot account for.
    Returns the vendors changed and, for each refused one, why.
    """
    changed, refused = [], []
    for vendor in Vendor.objects.select_for_update().filter(pk__in=[v.pk for v in vendors]):
        if vendor.listed_publicly == listed:
            continue
        problems = vendor.transfer_problems() if listed else {}
        if problems:
            refused.append(f"{vendor}: {' '.join(problems.values())}")
            continue
        vendor.listed_publicly = listed
        vendor.save(update_fields=["listed_publicly", "updated_at"])
        changed.append(vendor)
    return changed, refused


@transaction.atomic
def tracking_identifier_save(*, identifier: TrackingIdentifier, by=None) -> TrackingIdentifier:
    """Validate and save a register entry; the public declaration shows it at once."""
    identifier.full_clean()
    identifier.save()
    return identifier


def legal_addresses() -> list[str]:
    addresses = sorted(
        set(core_selectors.legal_staff().exclude(email="").values_list("email", flat=True))
    )
    return addresses or [settings.PRIVACYOPS_CONTROLLER["email"]]


def review_notice_days() -> int:
    return settings.INVENTORY_AGREEMENT_REVIEW_NOTICE_DAYS


def vendor_reviews_remind(*, today: datetime.date | None = None) -> int:
    """Tell Legal, once per review date, that a vendor's agreement is due for review (beat job).

    A vendor is reminded when its review date falls within INVENTORY_AGREEMENT_REVIEW_NOTICE_DAYS
    (or has passed) and it was not yet reminded of that date; a new review date earns a new
    reminder. Running twice sends nothing the second time.
    """
    today = today or timezone.localdate()
    job = core_services.job_run_start(job=REVIEW_JOB)
    due = selectors.vendors_due_for_review(today=today, days=review_notice_days()).filter(
        Q(review_reminded_for__isnull=True) | ~Q(review_reminded_for=F("dpa_next_review_on"))
    )
    reminded = 0
    for vendor_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            vendor = Vendor.objects.select_for_update().get(pk=vendor_id)
            if vendor.dpa_next_review_on is None or (
                vendor.review_reminded_for == vendor.dpa_next_review_on
            ):
                continue
            vendor.review_reminded_for = vendor.dpa_next_review_on
            vendor.save(update_fields=["review_reminded_for"])
            subject = (
                f"Processing agreement review due {vendor.dpa_next_review_on:%d %b %Y}: {vendor}"
            )
            body = (
                f"The data processing agreement with {vendor} ({vendor.service}) is due for "
                f"review on {vendor.dpa_next_review_on:%d %B %Y}. Review it against Art. 28(3), "
                "check its transfer safeguards, and record the next review date in the admin "
                "(Record of processing -> Vendors and processors)."
            )
            recipients = legal_addresses()
            transaction.on_commit(
                lambda s=subject, b=body, r=recipients: send_mail(
                    s, b, None, r, fail_silently=False
                )
            )
            reminded += 1
    job.progress_done = reminded
    core_services.job_run_finish(run=job, summary={"reminded": reminded})
    return reminded


def cookie_declaration_refresh() -> None:
    """Forget the cached declaration now and again after commit (a concurrent reader may have
    cached the old register between the write and the commit)."""
    selectors.cookie_declaration_forget()
    transaction.on_commit(selectors.cookie_declaration_forget)
