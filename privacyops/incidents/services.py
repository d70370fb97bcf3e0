"""Business operations on the incident register. Every change leaves a timeline entry.

Views, admin actions and tasks call these; they hold no business rule themselves. Reporter
details never go into timeline entries, log lines or exceptions: those carry the reference.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone, translation

from privacyops.marketing.services import may_send
from privacyops.retention import services as retention
from privacyops.retention.models import LegalHold
from privacyops.subjects.models import Account
from privacyops.subjects.selectors import subject_for_email

from . import clock, letters, lifecycle, scope
from .lifecycle import State
from .models import AffectedData, Incident, IncidentEvent, Role

log = logging.getLogger(__name__)

# What a lawyer may edit in the register with `incident_facts_update` (the rest has services).
FACT_FIELDS = frozenset(
    {
        "title",
        "description",
        "kind",
        "started_at",
        "discovered_at",
        "subject_categories",
        "approx_subjects",
        "approx_records",
        "likely_consequences",
        "measures_taken",
        "measures_proposed",
        "handler",
    }
)


class IncidentError(ValueError):
    """A step the register refuses, with the reason in words a lawyer reads."""


def event_record(
    *, incident: Incident, kind: str, by=None, note: str = "", data: dict | None = None, **states
) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident, kind=kind, by=by, note=note, data=data or {}, **states
    )


def incident_facts(incident: Incident) -> lifecycle.Facts:
    processor_accounts = {
        account
        for accounts in incident.affected.filter(role=Role.PROCESSOR).values_list(
            "accounts", flat=True
        )
        for account in accounts
    }
    notified = set(incident.customer_notices.values_list("account_id", flat=True))
    roles = set(incident.affected.values_list("role", flat=True))
    return lifecycle.Facts(
        aware_recorded=incident.aware_at is not None,
        risk=incident.risk,
        authority_notified=incident.authority_notified_at is not None,
        customers_to_notify=len(processor_accounts - notified),
        subjects_informed=incident.subject_communications.filter(status="sent").exists(),
        art34_exception=bool(incident.art34_exception),
        clock_applies=clock_applies(incident, roles=roles),
    )


def clock_applies(incident: Incident, *, roles: set[str] | None = None) -> bool:
    """The authority clock runs unless every affected record is Customer-Generated Data
    (there the customer is the controller and we notify it instead, Art. 33(2))."""
    if roles is None:
        roles = set(incident.affected.values_list("role", flat=True))
    return roles != {Role.PROCESSOR}


@transaction.atomic
def incident_report(
    *,
    description: str,
    title: str = "",
    kind: str = Incident.Kind.VULNERABILITY,
    source: str = Incident.Source.PUBLIC_REPORT,
    reporter_name: str = "",
    reporter_email: str = "",
    started_at: datetime.datetime | None = None,
    discovered_at: datetime.datetime | None = None,
    by=None,
) -> Incident:
    """Record a report (public page or staff); a reporter with an address is acknowledged."""
    if not description.strip():
        raise IncidentError("Say what happened or what you found.")
    email = reporter_email.strip().lower()
    incident = Incident.objects.create(
        kind=kind,
        source=source,
        title=(title.strip() or " ".join(description.split())[:80])[:200],
        description=description.strip(),
        reporter_name=reporter_name.strip(),
        reporter_email=email,
        reporter_subject=subject_for_email(email),
        started_at=started_at,
        discovered_at=discovered_at,
    )
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.REPORTED,
        by=by,
        to_state=incident.state,
        data={"source": source, "kind": kind, "reporter_given": bool(email or reporter_name)},
    )
    if email and may_send(email, "transactional"):
        # In the language the report was made in (the public page's, else English).
        subject, body = letters.render(
            "acknowledge", {"incident": incident}, translation.get_language() or ""
        )
        letters.send_on_commit([letters.message(subject, body, [email])])
        event_record(
            incident=incident,
            kind=IncidentEvent.Kind.NOTE,
            note=f"Acknowledgement sent to the reporter: {subject}",
            data={"template": "acknowledge"},
        )
    log.info("incident %s reported through %s", incident.reference, source)
    return incident


@transaction.atomic
def incident_transition(
    *, incident: Incident, to: str, by=None, reason: str = "", by_system: bool = False
) -> Incident:
    """Move an incident to `to` if the transition table and the law allow it now."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    lifecycle.check_transition(
        incident.state, to, facts=incident_facts(incident), reason=reason, by_system=by_system
    )
    before = incident.state
    incident.state = to
    fields = ["state", "updated_at"]
    if to == State.CLOSED:
        incident.closed_at = timezone.now()
        fields.append("closed_at")
    elif before == State.CLOSED:
        incident.closed_at = None
        fields.append("closed_at")
    incident.save(update_fields=fields)
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.TRANSITION,
        by=by,
        note=reason,
        from_state=before,
        to_state=to,
    )
    return incident


@transaction.atomic
def incident_record_awareness(*, incident: Incident, aware_at: datetime.datetime, by) -> Incident:
    """Record when the company became aware: the start of the 72-hour clock (Art. 33(1)).

    Legal records it at triage; it may be corrected until the authority is notified, and
    every recording stays in the timeline with who did it and when.
    """
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if incident.state in (State.REPORTED, State.NOT_A_BREACH, State.CLOSED):
        raise IncidentError("Awareness is recorded at triage (take the incident into triage).")
    if incident.authority_notified_at is not None:
        raise IncidentError("The authority was already notified; the clock cannot be moved.")
    if aware_at > timezone.now():
        raise IncidentError("The company cannot have become aware in the future.")
    previous = incident.aware_at
    incident.aware_at = aware_at
    incident.aware_recorded_by = by
    incident.aware_recorded_at = timezone.now()
    incident.authority_deadline = clock.notification_deadline(aware_at)
    incident.save(
        update_fields=[
            "aware_at",
            "aware_recorded_by",
            "aware_recorded_at",
            "authority_deadline",
            "updated_at",
        ]
    )
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.AWARENESS,
        by=by,
        note=f"Aware at {timezone.localtime(aware_at):%Y-%m-%d %H:%M %Z}; notify the "
        f"authority by {timezone.localtime(incident.authority_deadline):%Y-%m-%d %H:%M %Z}.",
        data={
            "aware_at": aware_at.isoformat(),
            "deadline": incident.authority_deadline.isoformat(),
            "previous": previous.isoformat() if previous else None,
        },
    )
    return incident


@transaction.atomic
def incident_facts_update(*, incident: Incident, by, changes: dict) -> Incident:
    """Change the register's facts; the timeline names the fields that changed."""
    unknown = set(changes) - FACT_FIELDS
    if unknown:
        raise IncidentError(f"These are not edited here: {', '.join(sorted(unknown))}.")
    changed = [name for name, value in changes.items() if getattr(incident, name) != value]
    for name in changed:
        setattr(incident, name, changes[name])
    if changed:
        incident.save(update_fields=[*changed, "updated_at"])
        event_record(
            incident=incident,
            kind=IncidentEvent.Kind.FACTS,
            by=by,
            note="Changed: "
            + ", ".join(str(Incident._meta.get_field(n).verbose_name) for n in changed),
            data={"fields": changed},
        )
    return incident


@transaction.atomic
def incident_data_elements_set(*, incident: Incident, by, elements) -> Incident:
    elements = list(elements)
    incident.data_elements.set(elements)
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.FACTS,
        by=by,
        note="Categories of personal data: " + (", ".join(e.name for e in elements) or "none"),
        data={"data_elements": [e.code for e in elements]},
    )
    return incident


@transaction.atomic
def incident_assess_risk(*, incident: Incident, risk: str, reasoning: str, by) -> Incident:
    """Record the risk assessment (no risk / risk / high risk) and why."""
    if risk not in Incident.Risk.values:
        raise IncidentError("Choose no risk, risk or high risk.")
    if not reasoning.strip():
        raise IncidentError("Give the reasoning for the risk assessment.")
    incident.risk, incident.risk_reasoning = risk, reasoning.strip()
    incident.risk_assessed_by, incident.risk_assessed_at = by, timezone.now()
    incident.save(
        update_fields=[
            "risk",
            "risk_reasoning",
            "risk_assessed_by",
            "risk_assessed_at",
            "updated_at",
        ]
    )
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.RISK,
        by=by,
        note=f"{incident.get_risk_display()}: {incident.risk_reasoning}",
        data={"risk": risk},
    )
    return incident


@transaction.atomic
def incident_scope_record(
    *,
    incident: Incident,
    by,
    account=None,
    data_element=None,
    window_start: datetime.datetime | None = None,
    window_end: datetime.datetime | None = None,
) -> list[AffectedData]:
    """Count the affected data for one scope and add it to the register (Art. 33(3)(a)).

    The register's approximate numbers become the counted ones: all affected records, and the
    distinct people behind them.
    """
    if window_start and window_end and window_end <= window_start:
        raise IncidentError("The time window must end after it starts.")
    wanted = scope.Scope(
        account=account, data_element=data_element, window_start=window_start, window_end=window_end
    )
    result = scope.scope_count(wanted)
    rows = AffectedData.objects.bulk_create(
        AffectedData(
            incident=incident,
            registration=row.registration,
            title=row.title,
            category=row.category,
            role=row.role,
            account=account,
            data_element=data_element,
            window_start=window_start,
            window_end=window_end,
            records=row.records,
            subjects=row.subjects,
            accounts=row.accounts,
        )
        for row in result.rows
    )
    incident_totals_refresh(incident=incident)
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.SCOPE,
        by=by,
        note=f"Counted {result.records} records in {len(rows)} kinds of record.",
        data={
            "account": account.pk if account else None,
            "data_element": data_element.code if data_element else None,
            "window": [
                window_start.isoformat() if window_start else None,
                window_end.isoformat() if window_end else None,
            ],
            "rows": {row.registration: row.records for row in result.rows},
            "skipped": result.skipped,
        },
    )
    return rows


def incident_totals_refresh(*, incident: Incident) -> Incident:
    records = sum(incident.affected.values_list("records", flat=True))
    people = scope.affected_subjects(incident, role=None).count()
    incident.approx_records, incident.approx_subjects = records, people
    incident.save(update_fields=["approx_records", "approx_subjects", "updated_at"])
    return incident


@transaction.atomic
def incident_legal_hold_place(
    *, incident: Incident, by, until: datetime.date | None = None
) -> list:
    """Place a legal hold (evidence) on every account the affected data belongs to, in one step;
    accounts already held for this incident are skipped. People without an account (visitors)
    are not held one by one: count the scope by account to hold what matters as evidence."""
    accounts = sorted(
        {a for ids in incident.affected.values_list("accounts", flat=True) for a in ids}
        | set(incident.affected.exclude(account=None).values_list("account_id", flat=True))
    )
    if not accounts:
        raise IncidentError("Count the affected data first: the hold covers its accounts.")
    matter = f"Incident {incident.reference}"
    held = set(
        LegalHold.objects.filter(matter=matter, released_at__isnull=True).values_list(
            "account_id", flat=True
        )
    )
    reason = f"Evidence of security incident {incident.reference} (GDPR Art. 33(5))."
    holds = [
        retention.legal_hold_place(
            by=by, matter=matter, reason=reason, account=account, ends_on=until
        )
        for account in Account.objects.filter(pk__in=accounts).exclude(pk__in=held)
    ]
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.LEGAL_HOLD,
        by=by,
        note=f"Legal hold placed on {len(holds)} account(s) ({len(held)} already held).",
        data={"holds": [hold.pk for hold in holds]},
    )
    return holds


@transaction.atomic
def incident_art34_exception_record(
    *, incident: Incident, exception: str, reason: str, by
) -> Incident:
    """Record why the people affected are not told individually (Art. 34(3))."""
    if exception not in Incident.Art34Exception.values:
        raise IncidentError("Choose the Art. 34(3) point that applies.")
    if not reason.strip():
        raise IncidentError("Say why the exception applies.")
    incident.art34_exception, incident.art34_exception_reason = exception, reason.strip()
    incident.save(update_fields=["art34_exception", "art34_exception_reason", "updated_at"])
    event_record(
        incident=incident,
        kind=IncidentEvent.Kind.ART34_EXCEPTION,
        by=by,
        note=f"{incident.get_art34_exception_display()}: {incident.art34_exception_reason}",
        data={"exception": exception},
    )
    return incident
