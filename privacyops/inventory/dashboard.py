from django.urls import reverse
from django.utils import timezone

from privacyops.core import dashboard

from . import selectors, services
from .models import ProcessingActivity, ProcessingRole


@dashboard.register_panel
def record_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("inventory.view_processingactivity"):
        return None
    url = reverse("admin:inventory_processingactivity_changelist")
    active = ProcessingActivity.objects.filter(is_active=True)
    today = timezone.localdate()
    policy = selectors.policy_version_in_force(on=today)
    due = selectors.vendors_due_for_review(today=today, days=services.review_notice_days())
    return dashboard.Panel(
        title="Record of processing",
        bars=[
            dashboard.Bar(
                label=label,
                value=active.filter(role=role).count(),
                url=f"{url}?role__exact={role}&is_active__exact=1",
            )
            for role, label in ProcessingRole.choices
        ],
        facts=[
            ("Privacy policy in force", str(policy) if policy else "none recorded"),
            ("Processor agreements due for review", str(due.count())),
            (
                "Vendors without a valid transfer record",
                str(len(selectors.transfers_without_safeguard())),
            ),
        ],
        link_url=url,
        link_label="Art. 30 record",
        order=500,
    )
