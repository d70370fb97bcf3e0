"""The charts on the admin home: each app's panel carries its chart, drawn inline as SVG with
its numbers as a table; who may not see the figures gets no chart."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from privacyops.core import charts, roles
from privacyops.core.dashboard import panels_for
from privacyops.dsr import services
from privacyops.marketing.models import OptOut, OptOutMethod
from tests.factories import UserFactory

from .factories import in_progress, submit

pytestmark = pytest.mark.django_db
TITLES = {
    "received": "Privacy requests received per month, by right",
    "closed": "Privacy requests closed per month, by right",
    "on_time": "Share of requests answered within the legal deadline, per month",
    "purges": "Records disposed of by retention purges per month",
    "opt_outs": "Opt-outs received per month, by how they reached us",
    "incidents": "Incidents open at the end of each month",
}


def chart_of(panels, key):
    return next(p.chart for p in panels if p.title == TITLES[key])


@pytest.fixture
def this_and_last_month():
    now = timezone.now()
    last_month = charts.month_starts(timezone.localdate(), 2)[0] + datetime.timedelta(days=3)
    earlier = timezone.make_aware(datetime.datetime.combine(last_month, datetime.time(12)))
    submit(received_at=now)
    submit(received_at=now)
    refused = in_progress(request_type="erasure", received_at=earlier)
    services.request_refuse(request=refused, reason="Excessive.", by=None, ground="excessive")
    OptOut.objects.create(method=OptOutMethod.POST, email_hash="x", received_at=now)
    OptOut.objects.create(method=OptOutMethod.LINK, email_hash="y", received_at=now)


def test_legal_sees_every_chart_with_its_numbers(client, this_and_last_month):
    legal = UserFactory(username="home-legal", role=roles.LEGAL)
    panels = panels_for(legal)
    received = chart_of(panels, "received")
    headings, rows = received.table()
    assert headings == ["Month", "Access (Art. 15)", "Erasure (Art. 17)", "Total"]
    assert rows[-1][1:] == ["2", "0", "2"]  # this month
    assert rows[-2][1:] == ["0", "1", "1"]  # last month: the erasure request
    assert len(rows) == 12
    closed = chart_of(panels, "closed").table()[1]
    assert closed[-1][1:] == ["1"]  # the refusal counts as closed, this month
    on_time = chart_of(panels, "on_time")
    assert on_time.table()[1][-1] == [rows[-1][0], "100%"]  # refused in time
    assert on_time.table()[1][-2][1] == "—"  # nothing answered last month
    opt_outs = chart_of(panels, "opt_outs").table()
    assert opt_outs[1][-1][1:] == ["1", "1", "2"]
    assert chart_of(panels, "purges").table()[1][-1][1:] == ["0", "0", "0"]
    assert chart_of(panels, "incidents").table()[1][-1][1:] == ["0"]

    client.force_login(legal)
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    svgs = re.findall(r"<svg [^>]*class=\"po-chart\".*?</svg>", html, flags=re.S)
    assert len(svgs) >= len(TITLES)
    for svg in svgs:
        ET.fromstring(svg)  # well-formed inline SVG
    assert "<script" not in "".join(svgs)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    for title in TITLES.values():
        assert f"<caption>{title}</caption>" in html


@pytest.mark.parametrize("role", [roles.AUDITOR, roles.ACCOUNT_REPRESENTATIVE])
def test_who_sees_the_charts(role, this_and_last_month):
    user = UserFactory(username=f"home-{role.split()[0].lower()}", role=role)
    shown = {p.title for p in panels_for(user) if p.chart}
    if role == roles.AUDITOR:
        assert shown >= set(TITLES.values())
    else:
        assert shown == set()
