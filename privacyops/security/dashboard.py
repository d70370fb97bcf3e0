"""The security panel of the admin home page."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from privacyops.core import dashboard

from . import selectors
from .models import LoginAttempt


@dashboard.register_panel
def sign_in_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("security.view_loginattempt"):
        return None
    since = timezone.now() - timedelta(days=7)
    recent = LoginAttempt.objects.filter(occurred_at__gte=since)
    refused = recent.filter(
        outcome__in=[
            LoginAttempt.Outcome.PASSWORD_REFUSED,
            LoginAttempt.Outcome.SECOND_FACTOR_REFUSED,
            LoginAttempt.Outcome.LOCKED_OUT,
        ]
    ).count()
    url = reverse("admin:security_loginattempt_changelist")
    return dashboard.Panel(
        title="Sign-in security (7 days)",
        bars=[
            dashboard.Bar(
                "Signed in with two factors",
                recent.filter(outcome=LoginAttempt.Outcome.SECOND_FACTOR_ACCEPTED).count(),
                url,
            ),
            dashboard.Bar("Refused attempts", refused, url, tone="warn" if refused else ""),
            dashboard.Bar(
                "Locked out now",
                selectors.locked_out_attempts().count(),
                reverse("admin:axes_accessattempt_changelist"),
                tone="alert" if selectors.locked_out_attempts().exists() else "",
            ),
        ],
        order=800,
    )
