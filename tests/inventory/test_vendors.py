"""Processors and vendors (Art. 28, 30(1)(d)): the sub-processor export and public page, the
agreement kept privately, the review reminder sent once, and the Art. 30 export naming them."""

import csv
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from privacyops.core import roles
from privacyops.core.models import JobRun
from privacyops.inventory import services, tasks
from privacyops.inventory.models import ProcessingActivity, RecipientCategory, Vendor
from privacyops.inventory.resources import Art30RecordResource, SubProcessorResource
from tests.admin_forms import form_data
from tests.factories import UserFactory
from tests.inventory.factories import VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    return Path(settings.PRIVATE_STORAGE_ROOT)


def _export(client, url, resource, file_format: int):
    data = {"format": str(file_format), "resource": "0", "export_items": []}
    prefix = type(resource).__name__.lower()
    data.update({f"{prefix}_{name}": "on" for name in resource.get_export_order()})
    return client.post(url, data)


def _public_and_private():
    public = VendorFactory(name="Public Hosting GmbH", listed_publicly=True, is_sub_processor=True)
    hidden = VendorFactory(
        name="Secret Support Inc",
        country="US",
        transfer_mechanism="scc",
        scc_module="3",
        contact="privacy@secret.example",
    )
    return public, hidden


def test_the_sub_processor_list_exports_as_csv_and_xlsx(client):
    public, hidden = _public_and_private()
    public.activities.set([ProcessingActivity.objects.get(code="customer-hosting")])
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    url = reverse("admin:inventory_vendor_export")

    response = _export(client, url, SubProcessorResource(), 0)
    assert response.status_code == 200, response.content[:300]
    rows = {
        r["Vendor"]: r for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    assert set(rows) == set(Vendor.objects.values_list("name", flat=True))
    assert rows["Public Hosting GmbH"]["Processing activities served"] == (
        "Hosting Customer-Generated Data"
    )
    assert rows["Public Hosting GmbH"]["Sub-processor of Customer-Generated Data"] == "yes"
    assert "Module 3" in rows["Secret Support Inc"]["Transfer safeguard"]

    response = _export(client, url, SubProcessorResource(), 1)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert "Transfer safeguard" in [cell.value for cell in sheet[1]]


def test_the_public_page_shows_only_what_legal_marked_public(client):
    _public_and_private()
    response = client.get("/privacy/sub-processors/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Public Hosting GmbH" in page
    assert "Secret Support Inc" not in page
    assert "privacy@secret.example" not in page
    assert "to be named by Legal" not in page  # the seeded placeholders are not public


def test_the_agreement_is_stored_privately_and_served_only_to_staff(
    client, private_storage, django_capture_on_commit_callbacks
):
    vendor = services.vendor_save(
        vendor=VendorFactory.build(name="Mail Relay AB", country="SE"),
        agreement=SimpleUploadedFile("DPA signed.pdf", b"%PDF-1.7 agreement"),
    )
    assert vendor.dpa_filename == "DPA signed.pdf"
    stored = private_storage / "processor-agreements" / vendor.dpa_stored_as
    assert stored.read_bytes() == b"%PDF-1.7 agreement"
    assert len(vendor.dpa_sha256) == 64

    url = reverse("admin:inventory_vendor_agreement", args=[vendor.pk])
    assert client.get(url).status_code == 302  # not signed in: to the login page
    client.force_login(UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE))
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 agreement"

    # A new copy replaces the old one once saved.
    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_save(vendor=vendor, agreement=SimpleUploadedFile("v2.pdf", b"second"))
    assert not stored.exists()
    assert len(list((private_storage / "processor-agreements").iterdir())) == 1


def test_legal_uploads_the_agreement_in_the_admin_and_a_bad_transfer_is_a_form_error(client):
    vendor = VendorFactory(name="Admin Upload GmbH")
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    url = reverse("admin:inventory_vendor_change", args=[vendor.pk])
    data = form_data(client.get(url).content.decode(), "vendor_form")
    data["agreement_file"] = SimpleUploadedFile("dpa.pdf", b"signed")
    data["dpa_signed_on"] = "2026-01-15"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    vendor.refresh_from_db()
    assert vendor.dpa_filename == "dpa.pdf" and vendor.dpa_signed_on == datetime.date(2026, 1, 15)

    data = form_data(client.get(url).content.decode(), "vendor_form") | {"country": "US"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "outside the EEA" in response.content.decode()
    vendor.refresh_from_db()
    assert vendor.country == "DE"


def test_the_review_reminder_goes_to_legal_once_even_when_run_twice(
    django_capture_on_commit_callbacks,
):
    UserFactory(username="lena", role=roles.LEGAL, email="lena@infoserv.eu")
    today = datetime.date(2026, 12, 2)
    due = VendorFactory(name="Due Soon Ltd", dpa_next_review_on=today + datetime.timedelta(days=10))
    VendorFactory(name="Later Ltd", dpa_next_review_on=today + datetime.timedelta(days=200))

    with django_capture_on_commit_callbacks(execute=True):
        assert services.vendor_reviews_remind(today=today) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.vendor_reviews_remind(today=today) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lena@infoserv.eu"]
    assert "Due Soon Ltd" in mail.outbox[0].subject
    assert JobRun.objects.filter(job=services.REVIEW_JOB).count() == 2

    # A new review date earns a new reminder.
    due.dpa_next_review_on = today + datetime.timedelta(days=5)
    due.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.vendor_reviews_remind(today=today) == 1
    assert len(mail.outbox) == 2


def test_the_review_reminder_runs_from_beat():
    beat = PeriodicTask.objects.get(task="inventory.vendor_review_reminders")
    assert beat.enabled and beat.crontab is not None
    assert tasks.vendor_review_reminders() == 0


def test_the_art30_export_names_vendors_and_their_safeguards(client):
    analytics = ProcessingActivity.objects.get(code="site-analytics")
    vendor = VendorFactory(
        name="Stats Inc",
        country="US",
        transfer_mechanism="scc",
        scc_module="2",
        recipient_category=RecipientCategory.objects.get(code="advertising-partners"),
    )
    vendor.activities.set([analytics])
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    url = reverse("admin:inventory_processingactivity_export")
    response = _export(client, url, Art30RecordResource(), 0)
    rows = {
        r["Processing activity"]: r
        for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    }
    row = rows[analytics.name]
    assert "Stats Inc (" in row["Named recipients (processors and vendors)"]
    assert (
        "Stats Inc (US): Standard contractual clauses"
        in row["Transfers to third countries and safeguards"]
    )
    assert (
        "Third-party analytics cookie on www.infoserv.eu" in row["Cookies and tracking identifiers"]
    )
    advertising = rows["Targeted advertising and re-targeting"]
    assert "(consent required)" in advertising["Cookies and tracking identifiers"]


def test_legal_lists_a_vendor_publicly_but_not_an_unfinished_one(client):
    ready = VendorFactory(name="Ready GmbH")
    placeholder = Vendor.objects.get(name__startswith="Web analytics provider")
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    response = client.post(
        reverse("admin:inventory_vendor_changelist"),
        {"action": "list_publicly", "_selected_action": [ready.pk, placeholder.pk]},
        follow=True,
    )
    assert "Not listed: Web analytics provider" in response.content.decode()
    ready.refresh_from_db()
    placeholder.refresh_from_db()
    assert ready.listed_publicly and not placeholder.listed_publicly
    assert "Ready GmbH" in client.get("/privacy/sub-processors/").content.decode()

    changed, _ = services.vendors_list_publicly(vendors=[ready], listed=False)
    assert changed == [ready]
    assert "Ready GmbH" not in client.get("/privacy/sub-processors/").content.decode()
