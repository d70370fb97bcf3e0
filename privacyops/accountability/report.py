"""The accountability report: the policy in force paragraph by paragraph, each promise with its
controls, their evidence computed now, and its status (kept / at risk / not operated)."""

import datetime
from collections import Counter

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core import controls
from privacyops.inventory import selectors as inventory_selectors

from .models import PolicyParagraph

INFORMATION = "information"
UNMARKED = "unmarked"
STATUS_LABELS = {
    **controls.STATUS_LABELS,
    INFORMATION: _("Information only"),
    UNMARKED: _("Not yet marked by Legal"),
}
STATUSES = [controls.KEPT, controls.AT_RISK, controls.NOT_OPERATED, INFORMATION, UNMARKED]


def paragraph_status(paragraph: PolicyParagraph, evidence: dict) -> str:
    if paragraph.kind == PolicyParagraph.Kind.INFORMATION:
        return INFORMATION
    if paragraph.kind == PolicyParagraph.Kind.UNMARKED:
        return UNMARKED
    return controls.combined_status([evidence[key].status for key in paragraph.control_keys])


def evidence_for_paragraphs(paragraphs, *, now: datetime.datetime) -> dict:
    """Each control any promise names, computed once."""
    keys = sorted(
        {
            key
            for p in paragraphs
            if p.kind != PolicyParagraph.Kind.INFORMATION
            for key in p.control_keys
        }
    )
    return {key: controls.evidence_for(key, now=now) for key in keys}


def _section(paragraph: PolicyParagraph, evidence: dict) -> dict:
    status = paragraph_status(paragraph, evidence)
    linked = []
    at_risk = []
    if paragraph.kind != PolicyParagraph.Kind.INFORMATION:
        for key in paragraph.control_keys:
            found = controls.control(key)
            title = found.title if found else key
            shown = evidence[key]
            linked.append(
                {
                    "key": key,
                    "title": title,
                    "app": found.app if found else "",
                    "status": shown.status,
                    "status_label": STATUS_LABELS[shown.status],
                    "computed_at": shown.computed_at,
                    "facts": shown.facts,
                }
            )
            at_risk += [{"control": title, "fact": fact} for fact in shown.at_risk_facts]
    return {
        "pk": paragraph.pk,
        "number": paragraph.number,
        "heading": paragraph.title,
        "text": paragraph.text,
        "kind": paragraph.kind,
        "kind_label": paragraph.get_kind_display(),
        "status": status,
        "status_label": STATUS_LABELS[status],
        "note": paragraph.note,
        "controls": linked,
        "at_risk": at_risk,
        "activities": [
            {
                "code": activity.code,
                "name": activity.name,
                "url": reverse("admin:inventory_processingactivity_change", args=[activity.pk]),
            }
            for activity in paragraph.activities.all()
        ],
        "admin_url": reverse("admin:accountability_policyparagraph_change", args=[paragraph.pk]),
    }


def report_build(*, now: datetime.datetime | None = None, version=None) -> dict:
    """Everything the page, the printable file and the JSON show, computed now."""
    now = now or timezone.now()
    if version is None:
        version = inventory_selectors.policy_version_in_force(on=timezone.localdate(now))
    paragraphs = (
        list(version.paragraphs.prefetch_related("activities").order_by("number"))
        if version
        else []
    )
    evidence = evidence_for_paragraphs(paragraphs, now=now)
    sections = [_section(paragraph, evidence) for paragraph in paragraphs]
    counts = Counter(section["status"] for section in sections)
    return {
        "company": settings.PRIVACYOPS_CONTROLLER["name"],
        "version": version,
        "generated_at": now,
        "sections": sections,
        "counts": {status: counts.get(status, 0) for status in STATUSES},
        "status_labels": STATUS_LABELS,
        "controls_used": len(evidence),
    }


def absolute(url: str) -> str:
    """An admin link that works from a file opened outside the site."""
    if not url or "://" in url:
        return url
    return settings.PRIVACYOPS_PUBLIC_URL.rstrip("/") + url


def report_html(data: dict) -> str:
    """The printable, self-contained HTML file (its stylesheet inline, print rules included)."""
    return render_to_string(
        "accountability/report.html", {"report": data, "base_url": absolute("")}
    )


def report_json(data: dict) -> dict:
    """The same report for machines: plain types only, links absolute."""
    version = data["version"]
    return {
        "company": data["company"],
        "policy_version": (
            {"version": version.version, "effective_from": version.effective_from.isoformat()}
            if version
            else None
        ),
        "generated_at": data["generated_at"].isoformat(),
        "counts": data["counts"],
        "paragraphs": [
            {
                "number": s["number"],
                "heading": s["heading"],
                "text": s["text"],
                "kind": s["kind"],
                "status": s["status"],
                "note": s["note"],
                "activities": [a["code"] for a in s["activities"]],
                "controls": [
                    {
                        "key": c["key"],
                        "title": str(c["title"]),
                        "app": c["app"],
                        "status": c["status"],
                        "computed_at": c["computed_at"].isoformat() if c["computed_at"] else None,
                        "facts": [
                            {**fact.as_dict(), "url": absolute(fact.url)} for fact in c["facts"]
                        ],
                    }
                    for c in s["controls"]
                ],
            }
            for s in data["sections"]
        ],
    }
