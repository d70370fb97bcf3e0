"""Customer-Generated Data: staff give a reason before each look or export; each is recorded;
every month each customer can be sent who looked at their data and why (issue 20)."""

import csv
import datetime
import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from privacyops.core import roles
from privacyops.security.models import AccessLogEntry
from privacyops.subjects import customer_access as services
from privacyops.subjects import tasks
from privacyops.subjects.models import (
    CustomerAccessReport,
    CustomerDataAccess,
    CustomerDataset,
)
from tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db

SUPPORT = {"reason": "support_ticket", "reference": "TICKET-4711"}


@pytest.fixture
def dataset(db):
    account = AccountFactory(
        account_number="ACC-CGD", company_name="Hosted Ltd", license_holder_email="dpo@hosted.bg"
    )
    return CustomerDataset.objects.create(
        account=account, name="=Their CRM", contents="Their customers", location="eu-1"
    )


@pytest.fixture
def legal(db):
    return UserFactory(username="lena", first_name="Lena", last_name="Ivanova", role=roles.LEGAL)


def _change(dataset):
    return reverse("admin:subjects_customerdataset_change", args=[dataset.pk])


def _reason(dataset):
    return reverse("admin:subjects_customerdataset_reason", args=[dataset.pk])


def test_opening_a_dataset_asks_the_reason_first_and_records_the_look(client, legal, dataset):
    client.force_login(legal)

    first = client.get(_change(dataset))
    assert first.status_code == 200
    assert first.templates[0].name == "subjects/customer_data_reason.html"
    assert "Their customers" not in first.content.decode()  # nothing shown yet
    assert not CustomerDataAccess.objects.exists()

    refused = client.post(_reason(dataset), {"reason": "curiosity", "reference": "x"})
    assert refused.status_code == 200 and not CustomerDataAccess.objects.exists()
    blank = client.post(_reason(dataset), {"reason": "support_ticket", "reference": "  "})
    assert blank.status_code == 200 and not CustomerDataAccess.objects.exists()

    given = client.post(_reason(dataset), SUPPORT)
    assert given.status_code == 302 and given["Location"] == _change(dataset)
    page = client.get(_change(dataset))
    assert page.status_code == 200 and "Their customers" in page.content.decode()

    access = CustomerDataAccess.objects.get()
    assert (access.dataset, access.account, access.staff, access.staff_name) == (
        dataset,
        dataset.account,
        legal,
        "Lena Ivanova",
    )
    assert (access.action, access.reason, access.reference) == ("viewed", *SUPPORT.values())
    entry = AccessLogEntry.objects.filter(
        object_type="subjects.customerdataset", object_id=str(dataset.pk)
    ).get()
    assert entry.action == AccessLogEntry.Action.VIEWED
    assert entry.detail == SUPPORT


def test_every_look_is_recorded_and_a_stale_reason_is_asked_again(client, legal, dataset):
    client.force_login(legal)
    client.post(_reason(dataset), SUPPORT)
    client.get(_change(dataset))
    client.get(_change(dataset))
    assert CustomerDataAccess.objects.count() == 2

    session = client.session
    stale = timezone.now() - services.REASON_FRESH_FOR - datetime.timedelta(minutes=1)
    session["customer_data_reasons"][str(dataset.pk)]["at"] = stale.isoformat()
    session.save()
    again = client.get(_change(dataset))
    assert again.templates[0].name == "subjects/customer_data_reason.html"
    assert CustomerDataAccess.objects.count() == 2


def test_a_reason_for_one_dataset_does_not_open_another(client, legal, dataset):
    other = CustomerDataset.objects.create(account=dataset.account, name="Other", contents="x")
    client.force_login(legal)
    client.post(_reason(dataset), SUPPORT)
    page = client.get(_change(other))
    assert page.templates[0].name == "subjects/customer_data_reason.html"


def test_the_auditor_gives_a_reason_too_and_cannot_save(client, dataset):
    auditor = UserFactory(username="anton", role=roles.AUDITOR)
    client.force_login(auditor)
    client.post(_reason(dataset), {"reason": "legal_obligation", "reference": "AUDIT-2026"})
    assert client.get(_change(dataset)).status_code == 200
    assert CustomerDataAccess.objects.get().reason == "legal_obligation"
    assert client.post(_change(dataset), {"name": "Changed"}).status_code == 403


def test_a_representative_sees_no_dataset_and_no_reason_page(client, dataset):
    rep = UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE)
    client.force_login(rep)
    assert client.get(_change(dataset)).status_code in {302, 403}
    assert client.post(_reason(dataset), SUPPORT).status_code in {302, 403}
    assert not CustomerDataAccess.objects.exists()


def test_an_export_asks_the_reason_then_records_each_dataset(client, legal, dataset):
    client.force_login(legal)
    url = reverse("admin:subjects_customerdataset_changelist")
    chosen = {"action": "export_datasets", ACTION_CHECKBOX_NAME: [dataset.pk]}

    asked = client.post(url, chosen)
    assert asked.status_code == 200 and not CustomerDataAccess.objects.exists()
    assert b"Export" in asked.content and b"TICKET" not in asked.content

    exported = client.post(url, {**chosen, "reason": "customer_instruction", "reference": "INS-9"})
    assert exported["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[1][:2] == ["ACC-CGD", "'=Their CRM"]  # no formula reaches a spreadsheet
    access = CustomerDataAccess.objects.get()
    assert (access.action, access.reason, access.reference) == (
        "exported",
        "customer_instruction",
        "INS-9",
    )
    entry = AccessLogEntry.objects.get(action=AccessLogEntry.Action.EXPORTED)
    assert entry.detail == {"reason": "customer_instruction", "reference": "INS-9"}


def _look(dataset, staff, at, **kwargs):
    return CustomerDataAccess.objects.create(
        dataset=dataset,
        account=dataset.account,
        staff=staff,
        staff_name=staff.get_full_name(),
        at=at,
        action=kwargs.get("action", "viewed"),
        reason=kwargs.get("reason", "support_ticket"),
        reference=kwargs.get("reference", "TICKET-1"),
    )


def _local(*args):
    return datetime.datetime(*args, tzinfo=timezone.get_current_timezone())


def test_the_monthly_report_counts_each_customers_looks_in_the_calendar_month(legal, dataset):
    quiet = AccountFactory(account_number="ACC-QUIET")
    CustomerDataset.objects.create(account=quiet, name="Quiet data", contents="x")
    AccountFactory(account_number="ACC-NOTHING-HOSTED")
    _look(dataset, legal, _local(2026, 10, 31, 23, 59))  # October
    _look(dataset, legal, _local(2026, 11, 1, 0, 0))
    _look(dataset, legal, _local(2026, 11, 30, 23, 59), reference="TICKET-2")
    _look(dataset, legal, _local(2026, 12, 1, 0, 0))  # December

    assert services.customer_access_reports_prepare(month=datetime.date(2026, 11, 1)) == 2
    assert services.customer_access_reports_prepare(month=datetime.date(2026, 11, 17)) == 0

    reports = {r.account.account_number: r for r in CustomerAccessReport.objects.all()}
    assert set(reports) == {"ACC-CGD", "ACC-QUIET"}
    assert (reports["ACC-CGD"].accesses, reports["ACC-QUIET"].accesses) == (2, 0)
    text = services.report_render(report=reports["ACC-CGD"])
    assert "TICKET-1" in text and "TICKET-2" in text and "Lena Ivanova" in text
    assert "November 2026" in text
    assert "Nobody on our staff looked" in services.report_render(report=reports["ACC-QUIET"])


def test_beat_prepares_last_months_reports():
    assert services.previous_month(datetime.date(2026, 1, 15)) == datetime.date(2025, 12, 1)
    assert tasks.customer_access_reports_prepare.name == "subjects.customer_access_reports_prepare"
    import importlib

    from django.apps import apps
    from django_celery_beat.models import PeriodicTask

    # What the data migration seeds (seeded again: a transactional test may have flushed it).
    seed = importlib.import_module(
        "privacyops.subjects.migrations.0012_seed_customer_access_report_schedule"
    )
    seed.seed(apps, None)
    task = PeriodicTask.objects.get(task="subjects.customer_access_reports_prepare")
    assert task.crontab.day_of_month == "1"


def test_legal_sends_a_report_to_the_license_holder(
    client, legal, dataset, django_capture_on_commit_callbacks
):
    _look(dataset, legal, _local(2026, 11, 5, 10, 0), reference="TICKET-77")
    services.customer_access_reports_prepare(month=datetime.date(2026, 11, 1))
    report = CustomerAccessReport.objects.get()
    client.force_login(legal)
    page = client.get(reverse("admin:subjects_customeraccessreport_change", args=[report.pk]))
    assert page.status_code == 200 and b"TICKET-77" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:subjects_customeraccessreport_changelist"),
            {"action": "send_to_customer", ACTION_CHECKBOX_NAME: [report.pk]},
        )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["dpo@hosted.bg"] and "TICKET-77" in message.body
    report.refresh_from_db()
    assert report.sent_at and report.sent_by == legal


def test_the_auditor_reads_reports_but_cannot_send_them(client, legal, dataset):
    services.customer_access_reports_prepare(month=datetime.date(2026, 11, 1))
    report = CustomerAccessReport.objects.get()
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    url = reverse("admin:subjects_customeraccessreport_changelist")
    assert client.get(url).status_code == 200
    client.post(url, {"action": "send_to_customer", ACTION_CHECKBOX_NAME: [report.pk]})
    report.refresh_from_db()
    assert report.sent_at is None and not mail.outbox


def test_a_customer_without_an_address_is_not_sent_anything(legal):
    account = AccountFactory(account_number="ACC-NOADDR", license_holder_email="")
    CustomerDataset.objects.create(account=account, name="d", contents="x")
    services.customer_access_reports_prepare(month=datetime.date(2026, 11, 1))
    with pytest.raises(ValueError, match="no license-holder e-mail"):
        services.customer_access_report_send(report=CustomerAccessReport.objects.get(), by=legal)


def test_the_record_of_looks_is_append_only(legal, dataset):
    access = _look(dataset, legal, timezone.now())
    access.reference = "changed"
    with pytest.raises(ValueError, match="append-only"):
        access.save()
