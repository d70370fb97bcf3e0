"""Controls the record of processing operates (privacyops.core.controls)."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from privacyops.core import controls

from . import selectors
from .models import ProcessingActivity, Purpose, RecipientCategory, Vendor


@controls.register_control(
    key="inventory.record-complete",
    title="The record of processing is complete (Art. 30)",
    app="inventory",
    description="Every activity in operation names its purposes, data, recipients' basis and "
    "retention; every legitimate interest is spelled out; the policy in force is recorded.",
)
def record_complete(now: datetime.datetime) -> controls.Evidence:
    url = reverse("admin:inventory_processingactivity_changelist")
    active = ProcessingActivity.objects.filter(is_active=True)
    counted = active.annotate(
        n_purposes=Count("purposes", distinct=True),
        n_elements=Count("data_elements", distinct=True),
    )
    incomplete = [
        a.code
        for a in counted
        if not a.n_purposes or not a.n_elements or not (a.retention_period or "").strip()
    ]
    unexplained = Purpose.objects.filter(
        legal_basis=Purpose.LegalBasis.LEGITIMATE_INTERESTS, legitimate_interest=""
    ).count()
    unsafeguarded = RecipientCategory.objects.filter(
        third_country_transfer=True, transfer_safeguards=""
    ).count()
    policy = selectors.policy_version_in_force(on=timezone.localdate(now))
    facts = [
        controls.Fact(
            _("%(n)d activities in operation; %(bad)d without purpose, data or retention%(list)s.")
            % {
                "n": active.count(),
                "bad": len(incomplete),
                "list": f" ({', '.join(incomplete)})" if incomplete else "",
            },
            url,
            at_risk=bool(incomplete),
        ),
        controls.Fact(
            _("%(n)d purposes on legitimate interests without the interest pursued.")
            % {"n": unexplained},
            reverse("admin:inventory_purpose_changelist"),
            at_risk=unexplained > 0,
        ),
        controls.Fact(
            _("%(n)d recipient categories outside the EEA without safeguards recorded.")
            % {"n": unsafeguarded},
            reverse("admin:inventory_recipientcategory_changelist"),
            at_risk=unsafeguarded > 0,
        ),
        controls.Fact(
            _("Privacy policy in force: %(policy)s.") % {"policy": policy}
            if policy
            else _("No privacy-policy version is recorded as in force."),
            reverse("admin:inventory_policyversion_changelist"),
            at_risk=policy is None,
        ),
    ]
    return controls.Evidence.of(facts)


@controls.register_control(
    key="inventory.vendor-agreements",
    title="Service providers are bound by agreements that are reviewed",
    app="inventory",
    description="Every service provider (processor) has a signed agreement (Art. 28(3)) whose "
    "review is not overdue.",
)
def vendor_agreements(now: datetime.datetime) -> controls.Evidence:
    url = reverse("admin:inventory_vendor_changelist")
    today = timezone.localdate(now)
    processors = Vendor.objects.filter(
        Q(recipient_category__kind=RecipientCategory.Kind.SERVICE_PROVIDER)
        | Q(is_sub_processor=True)
    )
    total = processors.count()
    unsigned = processors.filter(dpa_signed_on__isnull=True).count()
    overdue = processors.filter(dpa_next_review_on__lt=today).count()
    return controls.Evidence.of(
        [
            controls.Fact(
                _("%(signed)d of %(total)d service providers have a signed agreement.")
                % {"signed": total - unsigned, "total": total},
                url,
                at_risk=unsigned > 0,
            ),
            controls.Fact(
                ngettext(
                    "%(n)d agreement review overdue.", "%(n)d agreement reviews overdue.", overdue
                )
                % {"n": overdue},
                url,
                at_risk=overdue > 0,
            ),
        ]
    )


@controls.register_control(
    key="inventory.transfers",
    title="Transfers outside the EEA have a valid mechanism",
    app="inventory",
    description="Every vendor whose data leaves the EEA has a valid transfer mechanism today "
    "(adequacy decision in force, SCCs, BCRs or a justified derogation).",
)
def transfers_safeguarded(now: datetime.datetime) -> controls.Evidence:
    url = reverse("admin:inventory_vendor_changelist")
    vendors = list(Vendor.objects.select_related("adequacy_decision"))
    leaving = [v for v in vendors if v.is_transfer]
    problems = selectors.transfers_without_safeguard()
    return controls.Evidence.of(
        [
            controls.Fact(
                _("%(n)d of %(total)d vendors receive data outside the EEA.")
                % {"n": len(leaving), "total": len(vendors)},
                url,
            ),
            controls.Fact(
                ngettext(
                    "%(n)d vendor without a valid transfer record%(names)s.",
                    "%(n)d vendors without a valid transfer record%(names)s.",
                    len(problems),
                )
                % {
                    "n": len(problems),
                    "names": f" ({', '.join(v.name for v in problems[:5])})" if problems else "",
                },
                url,
                at_risk=bool(problems),
            ),
        ]
    )
