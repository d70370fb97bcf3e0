"""The record-of-processing controls of the accountability report: evidence from known rows."""

import datetime

import pytest
from django.utils import timezone

from privacyops.core import controls
from privacyops.inventory.models import ProcessingActivity, Purpose, Vendor

from .factories import VendorFactory

pytestmark = pytest.mark.django_db


def texts(evidence) -> list[str]:
    return [str(fact.text) for fact in evidence.facts]


def test_the_seeded_record_is_complete():
    evidence = controls.evidence_for("inventory.record-complete")
    assert evidence.status == controls.KEPT
    active = ProcessingActivity.objects.filter(is_active=True).count()
    assert texts(evidence) == [
        f"{active} activities in operation; 0 without purpose, data or retention.",
        "0 purposes on legitimate interests without the interest pursued.",
        "0 recipient categories outside the EEA without safeguards recorded.",
        "Privacy policy in force: 2025.1 (from 01 Jan 2025).",
    ]


def test_an_activity_without_purpose_and_an_unexplained_interest_are_at_risk():
    ProcessingActivity.objects.create(
        code="webinars", name="Webinars", data_subject_categories="Attendees", retention_period="1y"
    )
    Purpose.objects.filter(code="analytics").update(legitimate_interest="")
    evidence = controls.evidence_for("inventory.record-complete")
    assert evidence.status == controls.AT_RISK
    assert [str(f.text) for f in evidence.at_risk_facts] == [
        f"{ProcessingActivity.objects.count()} activities in operation; 1 without purpose, "
        "data or retention (webinars).",
        "1 purposes on legitimate interests without the interest pursued.",
    ]


def test_vendor_agreements_signed_and_reviewed():
    today = timezone.localdate()
    for _ in range(2):
        VendorFactory(dpa_signed_on=today, dpa_next_review_on=today + datetime.timedelta(days=90))
    evidence = controls.evidence_for("inventory.vendor-agreements")
    assert evidence.status == controls.KEPT
    assert texts(evidence) == [
        "2 of 2 service providers have a signed agreement.",
        "0 agreement reviews overdue.",
    ]


def test_an_unsigned_agreement_and_an_overdue_review_are_at_risk():
    today = timezone.localdate()
    VendorFactory(dpa_signed_on=None)
    VendorFactory(dpa_signed_on=today, dpa_next_review_on=today - datetime.timedelta(days=1))
    evidence = controls.evidence_for("inventory.vendor-agreements")
    assert evidence.status == controls.AT_RISK
    assert texts(evidence) == [
        "1 of 2 service providers have a signed agreement.",
        "1 agreement review overdue.",
    ]


def test_transfers_with_a_mechanism_and_one_without():
    Vendor.objects.update(country="DE")  # the seeded vendors, once their country is known
    VendorFactory(name="Stats Inc", country="US", transfer_mechanism="scc", scc_module="2")
    evidence = controls.evidence_for("inventory.transfers")
    assert evidence.status == controls.KEPT
    total = Vendor.objects.count()
    assert texts(evidence) == [
        f"1 of {total} vendors receive data outside the EEA.",
        "0 vendors without a valid transfer record.",
    ]
    VendorFactory(name="Nowhere Ltd", country="US", transfer_mechanism="")
    evidence = controls.evidence_for("inventory.transfers")
    assert evidence.status == controls.AT_RISK
    assert [str(f.text) for f in evidence.at_risk_facts] == [
        "1 vendor without a valid transfer record (Nowhere Ltd)."
    ]
