"""The access package's Art. 15(1)(c) and 15(2) sections and the policy versions: the vendors
the subject's data went to, the safeguards of transfers outside the EEA, the privacy-policy
versions in force from the first record of the subject's data to now."""

import datetime
import io
import json
import zipfile

import pytest
from django.utils import timezone

from privacyops.dsr.packages import access_package_build
from privacyops.inventory import services
from privacyops.inventory.models import DataElement, PolicyVersion, ProcessingActivity
from tests.factories import ActivityEventFactory, ContactPointFactory, DataSubjectFactory
from tests.inventory.factories import VendorFactory

pytestmark = pytest.mark.django_db


def _package(subject) -> tuple[dict, str]:
    archive = zipfile.ZipFile(io.BytesIO(access_package_build(subject=subject).content))
    return json.loads(archive.read("personal-data.json")), archive.read("summary.html").decode()


@pytest.fixture
def vendors(db):
    email = DataElement.objects.get(code="email-address")
    india = services.vendor_save(
        vendor=VendorFactory.build(
            name="Support Desk Pvt", country="IN", transfer_mechanism="scc", scc_module="2"
        )
    )
    india.data_elements.set([email])
    germany = services.vendor_save(vendor=VendorFactory.build(name="Hosting GmbH"))
    germany.data_elements.set([email])
    # No elements recorded: counts through the activity it serves.
    mailer = services.vendor_save(vendor=VendorFactory.build(name="Mailer SA", country="FR"))
    mailer.activities.set(
        ProcessingActivity.objects.filter(data_elements=email, is_active=True)[:1]
    )
    # Receives only Other Information.
    other = DataElement.objects.filter(category__code="other-information").first()
    analytics = services.vendor_save(vendor=VendorFactory.build(name="Analytics Oy", country="FI"))
    analytics.data_elements.set([other])
    return india, germany, mailer, analytics


def test_recipients_are_the_vendors_of_the_categories_held(vendors):
    person = DataSubjectFactory()
    ContactPointFactory(subject=person, value="ana@example.com")

    data, summary = _package(person)

    names = {r["recipient"] for r in data["article_15"]["recipients"]}
    assert {"Support Desk Pvt", "Hosting GmbH", "Mailer SA"} <= names
    assert "Analytics Oy" not in names  # no Other Information is held about her
    assert "Who received your data" in summary and "Support Desk Pvt" in summary


def test_other_information_held_brings_its_vendors(vendors):
    person = DataSubjectFactory()
    ActivityEventFactory(subject=person)
    names = {r["recipient"] for r in _package(person)[0]["article_15"]["recipients"]}
    assert "Analytics Oy" in names


def test_transfers_outside_the_eea_show_their_safeguard(vendors):
    person = DataSubjectFactory()
    ContactPointFactory(subject=person, value="ana@example.com")

    data, summary = _package(person)

    transfers = {t["recipient"]: t for t in data["article_15"]["transfer_safeguards"]}
    assert "Hosting GmbH" not in transfers and "Mailer SA" not in transfers
    assert "2021/914" in transfers["Support Desk Pvt"]["safeguard"]
    assert transfers["Support Desk Pvt"]["country"] == "IN"
    assert "Transfers outside the European Economic Area" in summary
    assert "Module 2" in summary


def test_nothing_held_names_no_recipient():
    data, summary = _package(DataSubjectFactory())
    assert data["article_15"]["recipients"] == []
    assert data["article_15"]["transfer_safeguards"] == []


def test_policy_versions_in_force_since_the_first_record():
    today = timezone.localdate()
    PolicyVersion.objects.create(version="2026.1", effective_from=datetime.date(2026, 1, 1))
    PolicyVersion.objects.create(version="next", effective_from=today + datetime.timedelta(days=30))
    early = DataSubjectFactory(created_at=timezone.make_aware(datetime.datetime(2025, 6, 1)))
    late = DataSubjectFactory(created_at=timezone.now())

    versions = [p["version"] for p in _package(early)[0]["article_15"]["policy_versions"]]
    assert versions == ["2025.1", "2026.1"]  # not the one announced for later
    assert [p["version"] for p in _package(late)[0]["article_15"]["policy_versions"]] == ["2026.1"]
    assert "Version 2025.1, in force from 2025-01-01" in _package(early)[1]
