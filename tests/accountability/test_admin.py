"""The accountability pages: Legal and the Auditor only; Legal corrects and marks paragraphs,
re-splits a version; stored reports download through the access log."""

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from privacyops.accountability import jobs, services, tasks
from privacyops.accountability.models import (
    AccountabilityEvent,
    AccountabilityReport,
    PolicyParagraph,
)
from privacyops.core import roles
from privacyops.inventory.models import PolicyVersion
from privacyops.security.models import AccessLogEntry
from tests.admin_forms import form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REPORT = "admin:accountability_policyparagraph_report"


@pytest.fixture
def legal(client):
    user = UserFactory(username="lena", role=roles.LEGAL)
    client.force_login(user)
    return user


def test_legal_and_the_auditor_see_the_report_page_nobody_else(client):
    url = reverse(REPORT)
    for username, role, status in [
        ("lena", roles.LEGAL, 200),
        ("anton", roles.AUDITOR, 200),
        ("radka", roles.ACCOUNT_REPRESENTATIVE, 403),
    ]:
        client.force_login(UserFactory(username=username, role=role))
        assert client.get(url).status_code == status, role
        assert client.get(reverse("admin:accountability_policyparagraph_print")).status_code == (
            status
        )


def test_the_report_page_shows_every_paragraph_and_filters_by_status(client, legal):
    page = client.get(reverse(REPORT)).content.decode()
    assert page.count('<section class="paragraph') == 59
    assert "Evidence computed at" in page and "DAN electronic LTD" in page
    not_operated = client.get(reverse(REPORT), {"status": "not_operated"}).content.decode()
    numbers = set(
        PolicyParagraph.objects.filter(kind="promise", control_keys=[]).values_list(
            "number", flat=True
        )
    )
    assert not_operated.count('<section class="paragraph') == len(numbers) == 6
    for number in numbers:
        assert f'id="paragraph-{number}"' in not_operated
    assert "No control in this back office operates this promise." in not_operated
    changelist = client.get(
        reverse("admin:accountability_policyparagraph_changelist"), {"status": "not_operated"}
    )
    assert changelist.status_code == 200
    assert set(changelist.context["cl"].queryset.values_list("number", flat=True)) == numbers


def test_legal_marks_a_paragraph_and_links_controls(client, legal):
    paragraph = PolicyParagraph.objects.get(number=39)
    url = reverse("admin:accountability_policyparagraph_change", args=[paragraph.pk])
    data = form_data(client.get(url).content.decode())
    data["control_keys"] = ["dsr.requests-answered-in-time"]
    data["heading"] = ["Updating your contact information (corrected)"]
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    paragraph.refresh_from_db()
    assert paragraph.control_keys == ["dsr.requests-answered-in-time"]
    event = AccountabilityEvent.objects.get(kind="marked")
    assert event.by == legal and event.detail["paragraph"] == 39
    assert set(event.detail["changed"]) == {"control_keys", "heading"}
    data["control_keys"] = ["nobody.registered-this"]
    refused = client.post(url, data)
    assert refused.status_code == 200 and "control_keys" in refused.context["adminform"].errors


def test_the_auditor_cannot_mark(client):
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    paragraph = PolicyParagraph.objects.get(number=39)
    url = reverse("admin:accountability_policyparagraph_change", args=[paragraph.pk])
    assert client.post(url, {"kind": "information"}).status_code == 403
    assert PolicyParagraph.objects.get(pk=paragraph.pk).kind == "promise"


def test_a_resplit_keeps_marks_of_unchanged_paragraphs_and_leaves_new_ones_unmarked(legal):
    version = PolicyVersion.objects.get(version="2025.1")
    marked = PolicyParagraph.objects.get(version=version, number=40)
    version.text = "A new opening paragraph.\n\n" + version.text
    version.save()
    made = services.policy_split(version=version, by=legal)
    assert len(made) == 60
    first, moved = made[0], made[40]
    assert (first.kind, first.heading) == ("unmarked", "A new opening paragraph")
    assert moved.text == marked.text and moved.kind == "promise"
    assert moved.control_keys == ["marketing.opt-outs-honoured"]
    assert list(moved.activities.values_list("code", flat=True)) == ["marketing"]
    event = AccountabilityEvent.objects.get(kind="split")
    assert event.detail == {"paragraphs": 60, "marks_kept": 59, "seeded_marks": 0, "replaced": 59}


def test_the_resplit_action_in_the_admin(client, legal):
    paragraph = PolicyParagraph.objects.get(number=1)
    response = client.post(
        reverse("admin:accountability_policyparagraph_changelist"),
        {"action": "resplit", "_selected_action": [paragraph.pk]},
        follow=True,
    )
    assert "split into 59 paragraphs" in response.content.decode()
    assert PolicyParagraph.objects.count() == 59


def test_the_monthly_job_stores_a_dated_report_that_downloads_through_the_access_log(
    client, legal, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path)
    beat = PeriodicTask.objects.get(task="accountability.monthly_report")
    assert beat.enabled and beat.crontab.day_of_month == "1"
    summary = tasks.monthly_report.apply().get()
    stored = AccountabilityReport.objects.get()
    assert summary["report"] == stored.pk and summary["paragraphs"] == 59
    assert stored.generated_by is None and stored.job_run.job == jobs.services.REPORT_JOB
    path = services.report_path(stored)
    assert path.parent.parent == tmp_path and path.stat().st_mode & 0o077 == 0
    html = path.read_text(encoding="utf-8")
    assert "Accountability report" in html and stored.filename.endswith(".html")

    changelist = client.get(reverse("admin:accountability_accountabilityreport_changelist"))
    assert stored.filename in changelist.content.decode()
    url = reverse("admin:accountability_accountabilityreport_download", args=[stored.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).decode("utf-8") == html
    entry = AccessLogEntry.objects.get(object_type="accountability.accountabilityreport")
    assert (entry.username, entry.action, entry.object_id) == ("lena", "exported", str(stored.pk))
    assert AccountabilityEvent.objects.filter(kind="downloaded", by=legal).count() == 1

    client.force_login(UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE))
    assert client.get(url).status_code == 403


def test_legal_corrects_the_split_with_a_line_break_and_merges_back(client, legal):
    paragraph = PolicyParagraph.objects.get(number=47)
    first, second = paragraph.text.split(". ", 1)
    url = reverse("admin:accountability_policyparagraph_change", args=[paragraph.pk])
    data = form_data(client.get(url).content.decode())
    data["text"] = [f"{first}.\n{second}"]
    assert client.post(url, data).status_code == 302
    after = {p.number: p for p in PolicyParagraph.objects.all()}
    assert len(after) == 60
    assert after[47].text == f"{first}." and after[47].kind == "promise"
    assert after[48].text == second and after[48].kind == "unmarked"
    assert after[49].heading == "Security measures"  # the old 48 moved up
    assert after[60].heading == "Periodic reviews and contact"

    response = client.post(
        reverse("admin:accountability_policyparagraph_changelist"),
        {"action": "merge", "_selected_action": [after[47].pk, after[48].pk]},
        follow=True,
    )
    assert "Merged into paragraph 47." in response.content.decode()
    merged = {p.number: p for p in PolicyParagraph.objects.all()}
    assert len(merged) == 59 and merged[47].text == paragraph.text
    assert merged[48].heading == "Security measures"
    assert merged[59].heading == "Periodic reviews and contact"
    assert AccountabilityEvent.objects.filter(kind="marked").count() == 2
