"""The access package a requester receives (GDPR Art. 15 and Art. 20).

A ZIP with everything the registry holds about the subject: `personal-data.json`
(machine-readable, the portability copy), one CSV per information category, and `summary.html`,
a readable letter that also answers Art. 15(1): purposes, recipients, retention, sources and
the requester's rights. Built from the registry and the record of processing only, so a newly
registered model appears in every package without an edit here.
"""

import csv
import io
import json
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from privacyops.core import registry
from privacyops.core.spreadsheets import cell_safe
from privacyops.disclosures.selectors import disclosures_for_access_package
from privacyops.inventory.models import InformationCategory, ProcessingActivity
from privacyops.inventory.selectors import (
    policy_versions_between,
    transfer_safeguards_for,
    vendors_for,
)
from privacyops.security.models import AccessLogEntry
from privacyops.security.services import access_log_record

RIGHTS = [
    ("Rectification (Art. 16)", "Ask us to correct inaccurate or incomplete data."),
    ("Erasure (Art. 17)", "Ask us to delete your data where no reason to keep it remains."),
    ("Restriction (Art. 18)", "Ask us to keep but no longer use your data."),
    ("Portability (Art. 20)", "Receive the data you gave us in a machine-readable form."),
    (
        "Objection (Art. 21)",
        "Object to processing based on legitimate interests; an objection to direct marketing "
        "always succeeds.",
    ),
    (
        "Complaint (Art. 77)",
        "Complain to a supervisory authority, in Bulgaria the Commission for Personal Data "
        "Protection (www.cpdp.bg), or the authority where you live or work.",
    ),
]


@dataclass
class AccessPackage:
    filename: str
    content: bytes
    categories: dict[str, int]  # category name -> number of records


def _csv_for(category: dict[str, list[dict]]) -> str:
    columns: list[str] = ["record type"]
    for rows in category.values():
        for row in rows:
            columns += [key for key in row if key not in columns]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    for title, rows in category.items():
        for row in rows:
            # The requester opens this in a spreadsheet: text typed by anyone is no formula.
            writer.writerow(
                {"record type": title}
                | {
                    k: cell_safe(json.dumps(v) if isinstance(v, dict | list) else v)
                    for k, v in row.items()
                }
            )
    return out.getvalue()


def processing_explained(category_names: list[str]) -> list[ProcessingActivity]:
    """The processing activities that touch the categories of data held (Art. 15(1)(a)-(h))."""
    codes = InformationCategory.objects.filter(name__in=category_names).values("pk")
    return list(
        ProcessingActivity.objects.filter(is_active=True, data_elements__category__in=codes)
        .distinct()
        .prefetch_related("purposes", "recipients", "sources")
        .order_by("name")
    )


def recipients_and_history(*, subject, category_names: list[str]) -> dict:
    """Art. 15(1)(c) and 15(2), and the policies: the vendors the data went to, the safeguards
    of transfers outside the EEA, the disclosures Legal did not withhold, and the privacy-policy
    versions in force since the subject's data was first recorded. JSON-ready."""
    today = timezone.localdate()
    first = timezone.localdate(subject.created_at) if subject.created_at else today
    vendors = vendors_for(category_names) if category_names else []
    return {
        "recipients": [
            {
                "recipient": v.name,
                "recipient_category": v.recipient_category.name,
                "service": v.service,
                "country": v.country,
            }
            for v in vendors
        ],
        "transfer_safeguards": transfer_safeguards_for(category_names) if category_names else [],
        "disclosures": disclosures_for_access_package(subject=subject),
        "policy_versions": [
            {
                "version": p.version,
                "effective_from": p.effective_from.isoformat(),
                "url": p.url,
            }
            for p in policy_versions_between(start=first, end=today)
        ],
    }


def access_package_build(*, subject, reference: str = "") -> AccessPackage:
    data = registry.personal_data_for(subject)
    held = {name: rows for name, rows in data["categories"].items() if rows}
    data["article_15"] = recipients_and_history(subject=subject, category_names=list(held))
    counts = {name: sum(len(r) for r in rows.values()) for name, rows in held.items()}
    generated = timezone.now()
    summary = render_to_string(
        "dsr/access_package_summary.html",
        {
            "subject": subject,
            "reference": reference,
            "generated": generated,
            "controller": settings.PRIVACYOPS_CONTROLLER,
            "held": held,
            "counts": counts,
            "activities": processing_explained(list(held)),
            "article_15": data["article_15"],
            "rights": RIGHTS,
        },
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("personal-data.json", json.dumps(data, indent=2, ensure_ascii=False))
        for name, rows in held.items():
            archive.writestr(f"{slugify(name)}.csv", _csv_for(rows))
        archive.writestr("summary.html", summary)
    stamp = generated.strftime("%Y%m%d")
    access_log_record(  # need-to-know evidence: a full copy of someone's data was made
        user=None,
        action=AccessLogEntry.Action.PACKAGE_BUILT,
        object_type="dsr.accesspackage",
        object_repr=f"access package {reference or subject.pk}",
        subject=subject,
        detail={"reference": reference, "categories": counts},
    )
    return AccessPackage(
        filename=f"personal-data-{reference or subject.pk}-{stamp}.zip",
        content=buffer.getvalue(),
        categories=counts,
    )
