"""Reads that encode a rule of the register."""

from django.db.models import Q

from .lifecycle import BREACH_STATES, OPEN, State
from .models import AffectedData, Incident, Role


def open_incidents():
    return Incident.objects.filter(state__in=list(OPEN))


def clock_running():
    """Incidents whose authority clock runs: awareness recorded, the authority not yet notified,
    a risk not ruled out, and not only Customer-Generated Data affected (Art. 33(2) instead)."""
    controller = AffectedData.objects.filter(role=Role.CONTROLLER).values("incident_id")
    processor = AffectedData.objects.filter(role=Role.PROCESSOR).values("incident_id")
    return (
        Incident.objects.filter(
            state__in=[s for s in OPEN if s not in (State.REPORTED, State.NOT_A_BREACH)],
            aware_at__isnull=False,
            authority_notified_at__isnull=True,
        )
        .exclude(risk=Incident.Risk.NO_RISK)
        .exclude(Q(pk__in=processor) & ~Q(pk__in=controller))
    )


def past_authority_deadline(*, now):
    """Incidents whose authority clock runs past its 72-hour deadline (the control "breach
    clock" and the privacy doctor ask this)."""
    return clock_running().filter(authority_deadline__lt=now)


def breaches():
    """The Art. 33(5) register: every personal-data breach, notified or not."""
    return Incident.objects.filter(
        Q(state__in=list(BREACH_STATES)) | Q(state=State.CLOSED, aware_at__isnull=False)
    )
