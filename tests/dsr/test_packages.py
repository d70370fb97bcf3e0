"""The access package: everything held, by category, with the Art. 15 explanation."""

import csv
import io
import json
import zipfile

import pytest

from privacyops.dsr.packages import access_package_build
from privacyops.subjects.models import AccountContact, CustomerDataset
from tests.factories import (
    AccountFactory,
    ActivityEventFactory,
    ContactPointFactory,
    DataSubjectFactory,
)

pytestmark = pytest.mark.django_db


def test_package_holds_json_a_csv_per_category_and_a_readable_summary():
    subject = DataSubjectFactory(full_name="Ana Petrova")
    ContactPointFactory(subject=subject, value="ana@example.com")
    account = AccountFactory(license_holder=subject)
    AccountContact.objects.create(account=account, subject=subject, role="license_holder")
    ActivityEventFactory.create_batch(3, subject=subject, page="/pricing")
    dataset = CustomerDataset.objects.create(
        account=account, name="CRM", contents="contacts", location="eu"
    )
    dataset.subjects.add(subject)

    package = access_package_build(subject=subject, reference="DSR-7")

    archive = zipfile.ZipFile(io.BytesIO(package.content))
    names = set(archive.namelist())
    assert names == {
        "personal-data.json",
        "personal-information.csv",
        "other-information.csv",
        "customer-generated-data.csv",
        "summary.html",
    }
    data = json.loads(archive.read("personal-data.json"))
    assert data["categories"]["Personal Information"]["contact points"][0]["value"] == (
        "ana@example.com"
    )
    events = list(csv.DictReader(io.StringIO(archive.read("other-information.csv").decode())))
    assert len(events) == 3 and events[0]["page"] == "/pricing"
    summary = archive.read("summary.html").decode()
    assert "DSR-7" in summary
    assert "Website and application analytics" in summary  # an activity using Other Information
    assert "Legitimate interests" in summary  # legal basis
    assert "13 months after collection" in summary  # retention
    assert "Commission for Personal Data Protection" in summary  # right to complain
    assert "on behalf of our customer" in summary  # Customer-Generated Data explained
    assert package.categories["Other Information"] == 3
    assert package.filename.startswith("personal-data-DSR-7-")


def test_a_visitor_with_only_a_subject_record_gets_only_that_category():
    subject = DataSubjectFactory(full_name="", login_name=None, title="", kind="visitor")
    package = access_package_build(subject=subject)
    archive = zipfile.ZipFile(io.BytesIO(package.content))
    assert package.categories == {"Personal Information": 1}
    assert "other-information.csv" not in archive.namelist()


def test_the_package_csv_holds_no_live_formula():
    subject = DataSubjectFactory(full_name='=HYPERLINK("http://evil.example","Open")')
    ActivityEventFactory(subject=subject, page="@SUM(A1:A2)")

    package = access_package_build(subject=subject, reference="DSR-8")

    archive = zipfile.ZipFile(io.BytesIO(package.content))
    for name in ("personal-information.csv", "other-information.csv"):
        for row in csv.reader(io.StringIO(archive.read(name).decode())):
            assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row), row
    data = json.loads(archive.read("personal-data.json"))  # the JSON copy keeps the exact text
    subjects = data["categories"]["Personal Information"]["data subjects"]
    assert subjects[0]["full_name"].startswith("=HYPERLINK")
