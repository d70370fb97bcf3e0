"""Controls: named checks that show a promise of the privacy policy is kept.

The registry pattern again (like `dashboard.py` and `registry.py`): each app registers the
controls it operates in its own `controls.py`, imported from its AppConfig.ready; core never
imports them. A control computes **evidence** from the database now: a status (kept / at risk)
and facts written as sentences with their numbers, each with a link to the admin page where
somebody acts on it.

    @controls.register_control(key="dsr.requests-answered-in-time", title=..., app="dsr")
    def requests_answered_in_time(now) -> controls.Evidence:
        ...
        return controls.Evidence.of(facts, at_risk=overdue > 0)
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

logger = logging.getLogger(__name__)

KEPT = "kept"
AT_RISK = "at_risk"
NOT_OPERATED = "not_operated"  # a promise no control operates; no control answers this
STATUS_LABELS = {
    KEPT: _("Kept"),
    AT_RISK: _("At risk"),
    NOT_OPERATED: _("Not operated"),
}


@dataclass(frozen=True)
class Fact:
    """One sentence of evidence. `at_risk` marks the sentence that makes the control at risk."""

    text: str
    url: str = ""
    at_risk: bool = False

    def as_dict(self) -> dict:
        return {"text": str(self.text), "url": self.url, "at_risk": self.at_risk}


@dataclass
class Evidence:
    status: str
    facts: list[Fact] = field(default_factory=list)
    computed_at: datetime.datetime | None = None

    @classmethod
    def of(cls, facts: list[Fact]) -> "Evidence":
        """Kept, unless one of the facts is marked at risk."""
        return cls(status=AT_RISK if any(f.at_risk for f in facts) else KEPT, facts=facts)

    @property
    def at_risk_facts(self) -> list[Fact]:
        return [fact for fact in self.facts if fact.at_risk]

    def as_dict(self) -> dict:
        return {
            "status": self.status,
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "facts": [fact.as_dict() for fact in self.facts],
        }


EvidenceBuilder = Callable[[datetime.datetime], Evidence]


@dataclass(frozen=True)
class Control:
    key: str
    title: str
    app: str
    compute: EvidenceBuilder
    description: str = ""


_controls: dict[str, Control] = {}


def register_control(*, key: str, title: str, app: str, description: str = ""):
    """Decorator: register a function of `now` returning Evidence under a stable key."""

    def decorate(builder: EvidenceBuilder) -> EvidenceBuilder:
        _controls[key] = Control(
            key=key, title=title, app=app, compute=builder, description=description
        )
        return builder

    return decorate


def all_controls() -> list[Control]:
    return sorted(_controls.values(), key=lambda control: control.key)


def control(key: str) -> Control | None:
    return _controls.get(key)


def choices() -> list[tuple[str, str]]:
    return [(c.key, f"{c.key} — {c.title}") for c in all_controls()]


def evidence_for(key: str, *, now: datetime.datetime | None = None) -> Evidence:
    """The control's evidence now. A control that is unknown or fails is at risk, saying so:
    evidence that cannot be computed is no evidence."""
    now = now or timezone.now()
    found = _controls.get(key)
    if found is None:
        evidence = Evidence(
            AT_RISK, [Fact(_("No control is registered under this key."), at_risk=True)]
        )
    else:
        try:
            evidence = found.compute(now)
        except Exception:  # the report must still be produced, with this control at risk
            logger.exception("Control %s could not compute its evidence", key)
            evidence = Evidence(
                AT_RISK,
                [Fact(_("The evidence could not be computed (see the log)."), at_risk=True)],
            )
    evidence.computed_at = now
    return evidence


def combined_status(statuses: list[str]) -> str:
    """A promise's status from its controls' statuses: none → not operated."""
    if not statuses:
        return NOT_OPERATED
    return AT_RISK if AT_RISK in statuses else KEPT


def job_ran_within(
    *, job: str, what: str, within: datetime.timedelta, now: datetime.datetime
) -> Fact:
    """A fact saying when a scheduled job last succeeded; at risk unless within `within`."""
    from django.urls import reverse

    from .models import JobRun

    url = reverse("admin:core_jobrun_changelist") + "?" + urlencode({"job": job})
    last = (
        JobRun.objects.filter(job=job, status=JobRun.Status.SUCCEEDED)
        .order_by("-started_at")
        .first()
    )
    hours = round(within.total_seconds() / 3600)
    if last is None:
        return Fact(_("%(what)s has never run.") % {"what": what}, url, at_risk=True)
    ago = max(0, int((now - last.started_at).total_seconds() // 3600))
    late = now - last.started_at > within
    text = (
        _("%(what)s last ran %(ago)d h ago: not within the last %(hours)d hours.")
        if late
        else _("%(what)s ran %(ago)d h ago (within the last %(hours)d hours).")
    )
    return Fact(text % {"what": what, "ago": ago, "hours": hours}, url, at_risk=late)


# --- Core's own controls ---------------------------------------------------------------------

HEARTBEAT_WITHIN = datetime.timedelta(minutes=15)


@register_control(
    key="core.periodic-reviews",
    title="Practices are reviewed periodically",
    app="core",
    description="Every review schedule Legal set is kept: no review is past its due date.",
)
def periodic_reviews(now: datetime.datetime) -> Evidence:
    from django.urls import reverse

    from . import reviews
    from .models import ReviewSchedule

    today = timezone.localdate(now)
    url = reverse("admin:core_review_changelist")
    facts = []
    for schedule in ReviewSchedule.objects.order_by("area", "pk"):
        last = reviews.last_completed(area=schedule.area)
        facts.append(
            Fact(
                _("%(title)s: last completed %(last)s; next due %(next)s.")
                % {
                    "title": schedule.title,
                    "last": f"{last.completed_at:%d %b %Y}" if last else _("never"),
                    "next": f"{schedule.next_due_on:%d %b %Y}",
                },
                reverse("admin:core_reviewschedule_change", args=[schedule.pk]),
            )
        )
    if not facts:
        facts.append(Fact(_("No review schedule is set."), url, at_risk=True))
    overdue = reviews.reviews_overdue(today=today).count()
    facts.append(
        Fact(
            ngettext("%(n)d review overdue.", "%(n)d reviews overdue.", overdue) % {"n": overdue},
            f"{url}?state__exact=open",
            at_risk=overdue > 0,
        )
    )
    return Evidence.of(facts)


@register_control(
    key="core.scheduled-jobs",
    title="Scheduled jobs run",
    app="core",
    description="A worker answered beat's heartbeat within the last 15 minutes.",
)
def scheduled_jobs(now: datetime.datetime) -> Evidence:
    from django.urls import reverse

    from . import selectors

    beat = selectors.last_heartbeat()
    url = reverse("admin:core_jobrun_changelist")
    if beat is None:
        return Evidence.of([Fact(_("No worker heartbeat recorded yet."), url, at_risk=True)])
    minutes = max(0, int((now - beat.started_at).total_seconds() // 60))
    return Evidence.of(
        [
            Fact(
                _("Last worker heartbeat %(minutes)d minutes ago.") % {"minutes": minutes},
                url,
                at_risk=now - beat.started_at > HEARTBEAT_WITHIN,
            )
        ]
    )
