"""Demo data: a vulnerability report awaiting triage and a breach whose clock runs (idempotent)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from privacyops.core.demo import register_demo
from privacyops.subjects.models import Account

from . import services
from .lifecycle import State
from .models import Incident

REPORT_TITLE = "Demo: password reset link does not expire"
BREACH_TITLE = "Demo: CRM export sent to the wrong customer"


@register_demo("incidents")
def load() -> str:
    legal, _ = get_user_model().objects.get_or_create(
        username="legal", defaults={"is_staff": True, "email": "legal@infoserv.eu"}
    )
    made = 0
    if not Incident.objects.filter(title=REPORT_TITLE).exists():
        services.incident_report(
            title=REPORT_TITLE,
            description="A reset link from last month still opened the reset form.",
            reporter_email="researcher@example.org",
        )
        made += 1
    if not Incident.objects.filter(title=BREACH_TITLE).exists():
        incident = services.incident_report(
            title=BREACH_TITLE,
            kind=Incident.Kind.INCIDENT,
            source=Incident.Source.STAFF,
            description="A support engineer attached one customer's contact export to an "
            "e-mail to another customer.",
            by=legal,
        )
        services.incident_transition(incident=incident, to=State.TRIAGE, by=legal)
        services.incident_record_awareness(
            incident=incident, aware_at=timezone.now() - datetime.timedelta(hours=54), by=legal
        )
        account = Account.objects.order_by("pk").first()
        if account is not None:
            services.incident_scope_record(incident=incident, by=legal, account=account)
        services.incident_transition(incident=incident, to=State.BREACH_CONFIRMED, by=legal)
        made += 1
    return f"{made} incident(s) added, {Incident.objects.count()} in the register"
