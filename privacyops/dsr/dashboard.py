from django.urls import reverse

from privacyops.core import dashboard

from . import selectors
from .lifecycle import LABELS, OPEN, State


@dashboard.register_panel
def requests_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("dsr.view_privacyrequest"):
        return None
    url = reverse("admin:dsr_privacyrequest_changelist")
    by_state = selectors.open_by_state()
    overdue = selectors.overdue().count()
    due_this_week = selectors.due_within(days=7).count()
    return dashboard.Panel(
        title="Privacy requests",
        bars=[
            dashboard.Bar(
                label=LABELS[state],
                value=by_state.get(state, 0),
                url=f"{url}?state__exact={state.value}",
            )
            for state in State
            if state in OPEN
        ],
        facts=[
            ("Overdue", str(overdue)),
            ("Due within 7 days", str(due_this_week)),
        ],
        link_url=f"{url}?view=open",
        link_label="Open privacy requests",
        order=200,
    )
