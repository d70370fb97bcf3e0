"""Controls the security app operates (privacyops.core.controls)."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacyops.core import controls

from . import confidentiality, selectors
from .models import TrainingRecord, UndertakingAcceptance


def active_staff():
    return get_user_model().objects.filter(is_staff=True, is_active=True).order_by("pk")


@controls.register_control(
    key="security.second-factor",
    title="Staff sign in with a second factor; lockouts are dealt with",
    app="security",
    description="Every active staff member has a confirmed second factor; no lockout is open.",
)
def second_factor(now: datetime.datetime) -> controls.Evidence:
    staff = list(active_staff())
    without = [user for user in staff if not selectors.has_second_factor(user)]
    locked = selectors.locked_out_attempts().count()
    staff_url = reverse("admin:security_staffmember_changelist")
    return controls.Evidence.of(
        [
            controls.Fact(
                _("%(with)d of %(total)d staff have a second factor for signing in.")
                % {"with": len(staff) - len(without), "total": len(staff)},
                staff_url,
                at_risk=bool(without),
            ),
            controls.Fact(
                ngettext("%(n)d lockout open.", "%(n)d lockouts open.", locked) % {"n": locked},
                reverse("admin:axes_accessattempt_changelist"),
                at_risk=locked > 0,
            ),
        ]
    )


@controls.register_control(
    key="security.confidentiality",
    title="Staff are bound by confidentiality and trained",
    app="security",
    description="Every active staff member accepted the undertaking in force and holds a "
    "privacy training that has not lapsed.",
)
def confidentiality_and_training(now: datetime.datetime) -> controls.Evidence:
    staff = active_staff()
    total = staff.count()
    version = confidentiality.undertaking_in_force(at=now)
    facts = []
    if version is None:
        facts.append(
            controls.Fact(
                _("No confidentiality undertaking is published."),
                reverse("admin:security_undertakingversion_changelist"),
                at_risk=True,
            )
        )
    else:
        accepted = staff.filter(
            Exists(UndertakingAcceptance.objects.filter(user=OuterRef("pk"), version=version))
        ).count()
        facts.append(
            controls.Fact(
                _("%(n)d of %(total)d staff accepted undertaking version %(version)s.")
                % {"n": accepted, "total": total, "version": version.version},
                reverse("admin:security_undertakingacceptance_changelist"),
                at_risk=accepted < total,
            )
        )
    today = timezone.localdate(now)
    trained = staff.filter(
        Exists(TrainingRecord.objects.filter(user=OuterRef("pk"), valid_until__gte=today))
    ).count()
    facts.append(
        controls.Fact(
            _("%(n)d of %(total)d staff hold a current privacy training.")
            % {"n": trained, "total": total},
            reverse("admin:security_trainingrecord_changelist"),
            at_risk=trained < total,
        )
    )
    return controls.Evidence.of(facts)
