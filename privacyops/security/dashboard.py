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


@dashboard.register_panel
def own_confidentiality_panel(user) -> dashboard.Panel | None:
    """Every staff member's own undertaking and training (representatives see only theirs)."""
    if not user.is_staff:
        return None
    from . import confidentiality

    own = confidentiality.own_confidentiality(user=user)
    accepted = own["acceptances"].first()
    training = own["trainings"].first()
    return dashboard.Panel(
        title="My confidentiality undertaking and privacy training",
        facts=[
            (
                "Undertaking",
                f"version {accepted.version.version} accepted {accepted.accepted_at:%d %b %Y}"
                if accepted
                else "not accepted",
            ),
            (
                "Privacy training",
                f"{training.course}, valid until {training.valid_until:%d %b %Y}"
                if training
                else "none recorded: ask Legal",
            ),
        ],
        link_url=reverse("security:my_confidentiality"),
        link_label="My undertaking and training",
        order=950,
    )
