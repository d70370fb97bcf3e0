"""Controls the retention app operates (privacyops.core.controls)."""

import datetime

from django.db.models import OuterRef, Subquery, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacyops.core import controls

from . import selectors
from .models import PurgeRun

# The purge runs nightly (beat "Retention purge (every active rule)"); two hours of grace.
RUN_WITHIN = datetime.timedelta(hours=26)
FINISHED = [PurgeRun.Status.SUCCEEDED, PurgeRun.Status.REVIEW_OPENED]


@controls.register_control(
    key="retention.purge-on-schedule",
    title="Information is disposed of when its retention period ends",
    app="retention",
    description="Every active retention rule ran within the last 26 hours (nightly job).",
)
def purge_on_schedule(now: datetime.datetime) -> controls.Evidence:
    runs_url = reverse("admin:retention_purgerun_changelist")
    rules = list(selectors.rules_active())
    last_runs = PurgeRun.objects.filter(rule=OuterRef("pk"), status__in=FINISHED).order_by(
        "-started_at"
    )
    latest = dict(
        selectors.rules_active()
        .annotate(last=Subquery(last_runs.values("started_at")[:1]))
        .values_list("code", "last")
    )
    late = [rule for rule in rules if not latest[rule.code] or now - latest[rule.code] > RUN_WITHIN]
    facts = []
    if not rules:
        facts.append(controls.Fact(_("No retention rule is active."), runs_url, at_risk=True))
    elif late:
        facts.append(
            controls.Fact(
                _("%(n)d of %(total)d active rules did not run within 26 hours: %(rules)s.")
                % {"n": len(late), "total": len(rules), "rules": ", ".join(r.code for r in late)},
                runs_url,
                at_risk=True,
            )
        )
    else:
        facts.append(
            controls.Fact(
                _("All %(total)d active rules ran on schedule (within 26 hours).")
                % {"total": len(rules)},
                runs_url,
            )
        )
    disposed = selectors.rows_purged_since(since=now - datetime.timedelta(days=30))
    held = (
        PurgeRun.objects.filter(
            pk__in=PurgeRun.objects.filter(rule=OuterRef("rule"))
            .order_by("-started_at")
            .values("pk")[:1]
        ).aggregate(held=Sum("rows_skipped_held"))["held"]
        or 0
    )
    facts.append(
        controls.Fact(
            _(
                "%(disposed)s records disposed of in the last 30 days; %(held)s kept under "
                "legal hold at the last run of each rule."
            )
            % {"disposed": f"{disposed:,}", "held": f"{held:,}"},
            runs_url,
        )
    )
    interrupted = PurgeRun.objects.filter(
        status=PurgeRun.Status.INTERRUPTED, resumed_by__isnull=True
    ).count()
    if interrupted:
        facts.append(
            controls.Fact(
                ngettext(
                    "%(n)d interrupted purge run not yet resumed.",
                    "%(n)d interrupted purge runs not yet resumed.",
                    interrupted,
                )
                % {"n": interrupted},
                f"{runs_url}?status__exact=interrupted",
                at_risk=True,
            )
        )
    return controls.Evidence.of(facts)


@controls.register_control(
    key="retention.holds-reviewed",
    title="Legal holds are reviewed when they end",
    app="retention",
    description="No hold is past its end date without Legal releasing or extending it.",
)
def holds_reviewed(now: datetime.datetime) -> controls.Evidence:
    today = timezone.localdate(now)
    url = reverse("admin:retention_legalhold_changelist")
    in_force = selectors.holds_active(today=today).count()
    expired = selectors.holds_past_end(today=today).count()
    return controls.Evidence.of(
        [
            controls.Fact(
                ngettext("%(n)d legal hold in force.", "%(n)d legal holds in force.", in_force)
                % {"n": in_force},
                url,
            ),
            controls.Fact(
                ngettext(
                    "%(n)d hold past its end date and not reviewed (released or extended).",
                    "%(n)d holds past their end date and not reviewed (released or extended).",
                    expired,
                )
                % {"n": expired},
                url,
                at_risk=expired > 0,
            ),
        ]
    )
