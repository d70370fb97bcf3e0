"""Controls the privacy-request app operates (privacyops.core.controls)."""

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacyops.core import controls

from . import selectors, statistics

REMINDER_JOB = "dsr.reminders"
CHILDREN_JOB = "dsr: people under 18 found"
DAILY = datetime.timedelta(hours=24)
ON_TIME_TARGET = 1.0  # every request answered within its legal deadline


@controls.register_control(
    key="dsr.reminder-job",
    title="Deadline reminders and escalations run every day",
    app="dsr",
    description="The daily job reminds assignees 7 and 2 days before a request is due and "
    "escalates overdue requests to Legal.",
)
def reminder_job(now: datetime.datetime) -> controls.Evidence:
    return controls.Evidence.of(
        [
            controls.job_ran_within(
                job=REMINDER_JOB, what=_("The reminder job"), within=DAILY, now=now
            )
        ]
    )


@controls.register_control(
    key="dsr.children-alert",
    title="Legal is told about requesters and people under 18",
    app="dsr",
    description="The daily alert about people under 18 (by birth date or age band) runs.",
)
def children_alert(now: datetime.datetime) -> controls.Evidence:
    return controls.Evidence.of(
        [
            controls.job_ran_within(
                job=CHILDREN_JOB, what=_("The under-18 alert"), within=DAILY, now=now
            )
        ]
    )


@controls.register_control(
    key="dsr.requests-answered-in-time",
    title="Privacy requests are answered within the legal deadline",
    app="dsr",
    description="No open request is past its due date; response times over 12 months.",
)
def requests_answered_in_time(now: datetime.datetime) -> controls.Evidence:
    requests = reverse("admin:dsr_privacyrequest_changelist")
    today = timezone.localdate(now)
    overdue = selectors.overdue(today=today).count()
    times = statistics.response_times(since=now - datetime.timedelta(days=365), until=now)
    facts = [
        controls.Fact(
            ngettext("%(n)d request overdue.", "%(n)d requests overdue.", overdue) % {"n": overdue},
            f"{requests}?view=open",
            at_risk=overdue > 0,
        )
    ]
    if times.count:
        share = times.on_time_share or 0
        facts.append(
            controls.Fact(
                _(
                    "%(count)d requests answered over 12 months: median %(median)g days, "
                    "mean %(mean).1f days to answer; %(on_time)d of %(count)d (%(pct)d%%) "
                    "within the legal deadline."
                )
                % {
                    "count": times.count,
                    "median": times.median_days,
                    "mean": times.mean_days,
                    "on_time": times.on_time,
                    "pct": round(100 * share),
                },
                reverse("admin:dsr_requestoutcome_changelist"),
                at_risk=share < ON_TIME_TARGET,
            )
        )
    else:
        facts.append(controls.Fact(_("No request was answered over the last 12 months.")))
    return controls.Evidence.of(facts)
