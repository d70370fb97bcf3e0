"""The record of processing: seeded from the policy, editable, exportable as Art. 30."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from privacyops.core import roles
from privacyops.inventory import selectors
from privacyops.inventory.models import (
    CollectionSource,
    DataElement,
    InformationCategory,
    PolicyVersion,
    ProcessingActivity,
    RecipientCategory,
)
from tests.admin_forms import hidden_inputs
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EXPORT_URL = reverse("admin:inventory_processingactivity_export")


def test_policy_categories_and_their_elements_are_seeded():
    assert set(InformationCategory.objects.values_list("name", "role")) == {
        ("Personal Information", "controller"),
        ("Other Information", "controller"),
        ("Customer-Generated Data", "processor"),
    }
    elements = dict(DataElement.objects.values_list("name", "category__name"))
    for name in [
        "Company name",
        "Contact name",
        "Title",
        "E-mail address",
        "Postal address",
        "Telephone number",
        "Company registration number",
        "VAT number",
    ]:
        assert elements[name] == "Personal Information"
    for name in [
        "Account names logged into the Applications",
        "IP address",
        "Browser type",
        "Pages viewed",
        "Operating system",
        "Referring URL",
        "Date and time stamps of use",
    ]:
        assert elements[name] == "Other Information"
    assert elements["Records customers host in the CRM"] == "Customer-Generated Data"


def test_sources_recipients_and_activities_are_seeded():
    sources = set(CollectionSource.objects.values_list("code", flat=True))
    assert {
        "purchase",
        "free-trial",
        "web-form",
        "event-registration",
        "white-paper",
        "phone-email",
        "web-chat",
        "newsletter",
        "feedback",
        "social-media",
    } <= sources
    kinds = set(RecipientCategory.objects.values_list("kind", flat=True))
    assert {"business_partner", "service_provider", "affiliate", "acquirer", "authority"} <= kinds
    hosting = ProcessingActivity.objects.get(code="customer-hosting")
    assert hosting.role == "processor"
    for activity in ProcessingActivity.objects.all():
        assert activity.purposes.exists(), activity
        assert activity.data_elements.exists(), activity
        assert activity.retention_period, activity


def test_policy_version_in_force_follows_effective_dates():
    import datetime

    seeded = PolicyVersion.objects.get()
    newer = PolicyVersion.objects.create(version="2027.1", effective_from=datetime.date(2027, 1, 1))
    assert selectors.policy_version_in_force(on=datetime.date(2026, 12, 31)) == seeded
    assert selectors.policy_version_in_force(on=datetime.date(2027, 1, 1)) == newer
    assert selectors.policy_version_in_force(on=datetime.date(2000, 1, 1)) is None


def _export(client, file_format: int):
    # django-import-export 4: the export form posts the format index and the chosen fields.
    from privacyops.inventory.resources import Art30RecordResource

    fields = Art30RecordResource().get_export_order()
    data = {"format": str(file_format), "resource": "0", "export_items": []}
    data.update({f"art30recordresource_{name}": "on" for name in fields})
    return client.post(EXPORT_URL, data)


def test_art30_record_exports_as_csv_with_every_article_30_column(client):
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    response = _export(client, 0)
    assert response.status_code == 200, response.content[:500]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == ProcessingActivity.objects.count()
    billing = next(
        r for r in rows if r["Processing activity"] == "Billing and statutory accounting"
    )
    assert "Legal obligation" in billing["Purposes (legal basis)"]
    assert "VAT number" in billing["Personal data processed"]
    assert "Personal Information" in billing["Categories of personal data"]
    assert "Authorities" in billing["Categories of recipients"]
    assert billing["Time limits for erasure"].startswith("10 years")
    assert "DAN electronic LTD" in billing["Controller and contact"]


def test_art30_record_exports_as_xlsx(client):
    client.force_login(UserFactory(username="anton", role=roles.AUDITOR))
    response = _export(client, 1)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert "Categories of data subjects" in header
    assert sheet.max_row == ProcessingActivity.objects.count() + 1


def test_account_representative_cannot_export_or_edit_the_record(client):
    client.force_login(UserFactory(username="radka", role=roles.ACCOUNT_REPRESENTATIVE))
    assert _export(client, 0).status_code == 403
    activity = ProcessingActivity.objects.first()
    url = reverse("admin:inventory_processingactivity_change", args=[activity.pk])
    assert client.post(url, {"name": "changed"}).status_code == 403


def test_legal_edits_an_activity_in_the_admin(client):
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    activity = ProcessingActivity.objects.get(code="site-analytics")
    url = reverse("admin:inventory_processingactivity_change", args=[activity.pk])
    form = hidden_inputs(client.get(url).content.decode()) | {
        "code": activity.code,
        "name": activity.name,
        "description": "Reviewed by legal",
        "role": activity.role,
        "is_active": "on",
        "data_subject_categories": activity.data_subject_categories,
        "data_elements": [e.pk for e in activity.data_elements.all()],
        "sources": [s.pk for s in activity.sources.all()],
        "purposes": [p.pk for p in activity.purposes.all()],
        "recipients": [r.pk for r in activity.recipients.all()],
        "retention_period": "12 months after collection",
        "retention_months": "12",
        "security_measures": activity.security_measures,
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    activity.refresh_from_db()
    assert activity.retention_months == 12
    assert activity.description == "Reviewed by legal"
