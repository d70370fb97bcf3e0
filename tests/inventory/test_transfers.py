"""International transfers (Art. 44-49): each mechanism validated, a third country without one
refused, by the pure rules, the model's clean() and the service alike."""

import pytest
from django.core.exceptions import ValidationError

from privacyops.inventory import selectors, services, transfers
from privacyops.inventory.models import AdequacyDecision, DataElement, ProcessingActivity, Vendor
from tests.inventory.factories import VendorFactory


def test_inside_the_eea_is_no_transfer_and_claims_no_mechanism():
    assert transfers.transfer_errors(country="BG", mechanism="") == {}
    assert transfers.transfer_errors(country="no", mechanism="") == {}  # Norway, EEA
    errors = transfers.transfer_errors(country="DE", mechanism=transfers.SCC, scc_module="2")
    assert "not a transfer" in errors["transfer_mechanism"]


def test_a_destination_must_be_recorded():
    assert "country" in transfers.transfer_errors(country="", mechanism="")


def test_a_third_country_without_mechanism_is_refused():
    errors = transfers.transfer_errors(country="US", mechanism="")
    assert "outside the EEA" in errors["transfer_mechanism"]


def test_adequacy_must_cover_the_country_and_be_in_force():
    ok = {"country": "JP", "mechanism": transfers.ADEQUACY}
    assert transfers.transfer_errors(**ok, adequacy_country="JP", adequacy_in_force=True) == {}
    assert "adequacy_decision" in transfers.transfer_errors(**ok)
    wrong = transfers.transfer_errors(**ok, adequacy_country="KR", adequacy_in_force=True)
    assert "covers KR, not JP" in wrong["adequacy_decision"]
    lapsed = transfers.transfer_errors(**ok, adequacy_country="JP", adequacy_in_force=False)
    assert "no longer in force" in lapsed["adequacy_decision"]


@pytest.mark.parametrize("module", ["1", "2", "3", "4"])
def test_standard_contractual_clauses_need_their_module(module):
    assert transfers.transfer_errors(country="IN", mechanism="scc", scc_module=module) == {}
    assert "scc_module" in transfers.transfer_errors(country="IN", mechanism="scc")


def test_binding_corporate_rules_need_their_approval():
    assert "bcr_reference" in transfers.transfer_errors(country="IN", mechanism="bcr")
    assert (
        transfers.transfer_errors(country="IN", mechanism="bcr", bcr_reference="CNIL, 2019") == {}
    )


def test_a_derogation_needs_its_ground_and_its_reason():
    errors = transfers.transfer_errors(country="BR", mechanism="derogation")
    assert set(errors) == {"derogation", "derogation_reason"}
    assert (
        transfers.transfer_errors(
            country="BR",
            mechanism="derogation",
            derogation="e",
            derogation_reason="Defence of a claim before a court in Brazil.",
        )
        == {}
    )


needs_db = pytest.mark.django_db


@needs_db
def test_adequacy_decisions_are_seeded_as_reference_data():
    seeded = dict(AdequacyDecision.objects.values_list("country", "decision"))
    assert seeded["JP"] == "Commission Implementing Decision (EU) 2019/419"
    assert "2023/1795" in seeded["US"]
    assert {"CH", "GB", "KR", "CA", "IL", "NZ", "UY"} <= set(seeded)


@needs_db
def test_the_service_refuses_a_third_country_vendor_without_mechanism():
    vendor = VendorFactory.build(name="Offshore Support Inc", country="US")
    with pytest.raises(ValidationError) as refused:
        services.vendor_save(vendor=vendor)
    assert "outside the EEA" in str(refused.value.message_dict["transfer_mechanism"])
    assert not Vendor.objects.filter(name="Offshore Support Inc").exists()


@needs_db
def test_model_clean_checks_each_mechanism():
    japan = AdequacyDecision.objects.get(country="JP")
    vendor = VendorFactory.build(
        country="jp", transfer_mechanism="adequacy", adequacy_decision=japan
    )
    vendor.full_clean()
    assert vendor.country == "JP"

    korea = AdequacyDecision.objects.get(country="KR")
    vendor.adequacy_decision = korea
    with pytest.raises(ValidationError, match="covers KR"):
        vendor.full_clean()

    japan.in_force = False
    japan.save()
    vendor.adequacy_decision = japan
    with pytest.raises(ValidationError, match="no longer in force"):
        vendor.full_clean()

    scc = VendorFactory.build(country="IN", transfer_mechanism="scc")
    with pytest.raises(ValidationError, match="module"):
        scc.full_clean()
    scc.scc_module = "2"
    scc.full_clean()

    bcr = VendorFactory.build(country="IN", transfer_mechanism="bcr", bcr_reference="")
    with pytest.raises(ValidationError):
        bcr.full_clean()

    derogation = VendorFactory.build(country="BR", transfer_mechanism="derogation", derogation="e")
    with pytest.raises(ValidationError, match="Explain why"):
        derogation.full_clean()


@needs_db
def test_safeguards_for_the_access_package_by_category():
    activity = ProcessingActivity.objects.get(code="customer-accounts")
    india = services.vendor_save(
        vendor=VendorFactory.build(
            name="Support Desk Pvt", country="IN", transfer_mechanism="scc", scc_module="2"
        )
    )
    india.data_elements.set([DataElement.objects.get(code="email-address")])
    india.activities.set([activity])
    germany = services.vendor_save(vendor=VendorFactory.build(name="Hosting GmbH"))
    germany.data_elements.set([DataElement.objects.get(code="email-address")])

    found = selectors.transfer_safeguards_for(["Personal Information"])
    assert [row["recipient"] for row in found] == ["Support Desk Pvt"]
    assert "2021/914" in found[0]["safeguard"] and "Module 2" in found[0]["safeguard"]
    assert selectors.transfer_safeguards_for(["other-information"]) == []
    assert selectors.transfer_safeguards_for(["personal-information"]) == found


@needs_db
def test_a_repealed_adequacy_decision_shows_as_no_valid_safeguard():
    switzerland = AdequacyDecision.objects.get(country="CH")
    vendor = services.vendor_save(
        vendor=VendorFactory.build(
            name="Zurich AG",
            country="CH",
            transfer_mechanism="adequacy",
            adequacy_decision=switzerland,
        )
    )
    assert vendor.safeguard().startswith("Adequacy decision: Switzerland")
    assert vendor not in selectors.transfers_without_safeguard()
    switzerland.in_force = False
    switzerland.save()
    vendor.refresh_from_db()
    assert vendor.safeguard().startswith("No valid safeguard: ")
    assert vendor in selectors.transfers_without_safeguard()
