"""The request statistics page and its CSV, as each role sees them."""

import csv
import io

import pytest
from django.urls import reverse

from privacyops.core import roles
from privacyops.dsr.lifecycle import State
from tests.factories import UserFactory

from .test_statistics_table import closed, local

pytestmark = pytest.mark.django_db
PAGE = reverse("admin:dsr_requestoutcome_statistics")


@pytest.fixture
def year_2025():
    closed(local(2025, 3, 3), State.COMPLETED, local(2025, 3, 13))  # 10 days
    closed(local(2025, 3, 5), State.REFUSED, local(2025, 3, 25), ground="unfounded")  # 20
    closed(local(2025, 4, 1), State.WITHDRAWN, local(2025, 4, 2), regime="CCPA")
    closed(local(2025, 5, 2), None, None, request_type="erasure", requester_name="Zora Zlatkova")


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


@pytest.mark.parametrize("role", [roles.LEGAL, roles.AUDITOR])
def test_legal_and_auditor_see_the_statistics_and_download_them(client, role, year_2025):
    client.force_login(UserFactory(username=f"stats-{role.split()[0].lower()}", role=role))
    page = client.get(PAGE, {"year": 2025, "by": "month"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="statistics-totals"' in html and 'id="statistics-detail"' in html
    assert '<th scope="row">2025-03</th>' in html
    assert "Zora" not in html  # counts only, never a requester

    rows = csv_rows(client.get(PAGE, {"year": 2025, "by": "month", "format": "csv"}))
    totals = {r["Period"]: r for r in rows if r["Right exercised"] == "All rights"}
    assert set(totals) == {"2025-05", "2025-04", "2025-03"}
    march = totals["2025-03"]
    assert (march["Received"], march["Complied with in whole"], march["Refused"]) == ("2", "1", "1")
    assert march["Refused: Manifestly unfounded"] == "1"
    assert march["Median days to respond"] == "15"
    assert march["Answered within the legal deadline"] == "100%"
    assert totals["2025-04"]["Withdrawn"] == "1" and totals["2025-04"]["Answered"] == "0"
    assert totals["2025-04"]["Median days to respond"] == ""
    detail = [r for r in rows if r["Right exercised"] != "All rights"]
    assert {(r["Period"], r["Right exercised"], r["Legal regime"]) for r in detail} == {
        ("2025-03", "Access (Art. 15)", "GDPR (EU/EEA)"),
        ("2025-04", "Access (Art. 15)", "CCPA/CPRA (California)"),
        ("2025-05", "Erasure (Art. 17)", "GDPR (EU/EEA)"),
    }


def test_filters_per_year_right_and_regime(client, year_2025):
    client.force_login(UserFactory(username="stats-legal", role=roles.LEGAL))
    per_year = csv_rows(client.get(PAGE, {"by": "year", "format": "csv"}))
    assert [
        (r["Period"], r["Received"]) for r in per_year if r["Right exercised"] == "All rights"
    ] == [("2025", "4")]
    ccpa = csv_rows(
        client.get(PAGE, {"year": 2025, "by": "year", "regime": "CCPA", "format": "csv"})
    )
    assert [(r["Received"], r["Withdrawn"]) for r in ccpa] == [("1", "1"), ("1", "1")]
    erasure = client.get(PAGE, {"year": 2025, "by": "month", "request_type": "erasure"})
    assert erasure.status_code == 200
    assert "2025-05" in erasure.content.decode() and "2025-03" not in erasure.content.decode()
    nothing = client.get(PAGE, {"year": 2024, "by": "month"})
    assert nothing.status_code == 200  # an unknown year falls back to this year's table


def test_account_representative_may_not_see_the_statistics(client, year_2025):
    client.force_login(UserFactory(username="stats-rep", role=roles.ACCOUNT_REPRESENTATIVE))
    for query in ({}, {"by": "year", "format": "csv"}):
        response = client.get(PAGE, query)
        assert response.status_code in (302, 403)
        assert b"Received" not in response.content


def test_legal_names_the_ground_of_a_refusal_on_the_next_step_page(client):
    from privacyops.dsr.models import RequestOutcome

    from .factories import in_progress

    client.force_login(UserFactory(username="stats-legal", role=roles.LEGAL))
    request = in_progress()
    url = reverse("admin:dsr_privacyrequest_next_step", args=[request.pk])
    assert b'name="refusal_ground"' in client.get(url).content
    response = client.post(
        url, {"step": "refused", "text": "Manifestly unfounded.", "refusal_ground": "unfounded"}
    )
    assert response.status_code == 302
    outcome = RequestOutcome.objects.get(request=request)
    assert (outcome.result, outcome.refusal_ground) == ("refused", "unfounded")
