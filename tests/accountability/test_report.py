import json
from html import escape

import pytest
from django.core.management import call_command

from privacyops.accountability import report, seed
from privacyops.accountability.models import PolicyParagraph
from privacyops.accountability.paragraphs import split_paragraphs
from privacyops.inventory.models import PolicyVersion
from privacyops.inventory.seed import record

pytestmark = pytest.mark.django_db

POLICY = (record.__file__.rsplit("/", 1)[0]) + "/privacy-policy.txt"


def seeded_paragraphs() -> list[str]:
    with open(POLICY, encoding="utf-8") as policy:
        return split_paragraphs(policy.read())


def test_every_paragraph_of_the_seeded_policy_is_marked():
    texts = seeded_paragraphs()
    version = PolicyVersion.objects.get(version="2025.1")
    paragraphs = list(version.paragraphs.order_by("number"))
    assert [p.text for p in paragraphs] == texts
    assert len(texts) == len(seed.MARKS) == 59
    assert all(p.kind in ("promise", "information") for p in paragraphs)
    assert all(p.heading for p in paragraphs)


def test_the_report_holds_every_paragraph_with_a_status():
    data = report.report_build()
    assert [s["number"] for s in data["sections"]] == list(range(1, 60))
    statuses = {s["number"]: s["status"] for s in data["sections"]}
    assert statuses[1] == "information"
    assert statuses[49] == "not_operated"  # proprietary encryption of the CRM: nothing here
    assert set(statuses.values()) <= set(report.STATUSES)
    assert sum(data["counts"].values()) == 59


def test_command_writes_html_and_json(tmp_path):
    html = tmp_path / "report.html"
    call_command("accountability_report", "--output", str(html))
    text = html.read_text(encoding="utf-8")
    assert "Accountability report" in text and "DAN electronic LTD" in text
    for paragraph in PolicyParagraph.objects.all():
        assert escape(f"§{paragraph.number} {paragraph.heading}") in text
    out = tmp_path / "report.json"
    call_command("accountability_report", "--output", str(out), "--format", "json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["policy_version"]["version"] == "2025.1"
    assert len(data["paragraphs"]) == 59
