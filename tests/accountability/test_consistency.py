"""Consistency checks between the record of processing and the policy's words."""

import importlib

import pytest
from django.apps import apps

from privacyops.accountability import report, seed
from privacyops.core import controls
from privacyops.inventory.models import DataElement, ProcessingActivity, RecipientCategory

pytestmark = pytest.mark.django_db

FIX = importlib.import_module("privacyops.inventory.migrations.0005_seed_consistent_with_policy")


def texts(evidence) -> list[str]:
    return [str(fact.text) for fact in evidence.facts]


def test_the_seed_fix_made_the_record_consistent_with_the_policy():
    analytics = ProcessingActivity.objects.get(code="site-analytics")
    advertising = ProcessingActivity.objects.get(code="advertising")
    assert set(analytics.recipients.values_list("code", flat=True)) == {"service-providers"}
    assert "ip-address" not in advertising.data_elements.values_list("code", flat=True)
    for key in (seed.ADVERTISERS_CHECK, seed.AFFILIATES_CHECK):
        assert controls.evidence_for(key).status == controls.KEPT
    assert texts(controls.evidence_for(seed.ADVERTISERS_CHECK)) == [
        "Consistent with paragraph 17 (“The information provided to third parties does not "
        "include personal information”): 1 activities in operation send data to these "
        "recipients, none of it personal information."
    ]


def test_the_seeded_record_as_it_was_contradicts_the_policy_and_says_how():
    FIX.unfix(apps, None)  # the record as seeded before the fix
    evidence = controls.evidence_for(seed.ADVERTISERS_CHECK)
    assert evidence.status == controls.AT_RISK
    assert texts(evidence) == [
        "Contradiction: paragraph 17 says “The information provided to third parties does not "
        "include personal information”, yet the record of processing sends IP address to "
        "Advertising and analytics partners in “Targeted advertising and re-targeting”.",
        "Contradiction: paragraph 17 says “The information provided to third parties does not "
        "include personal information”, yet the record of processing sends Account names "
        "logged into the Applications, IP address to Advertising and analytics partners in "
        "“Website and application analytics”.",
    ]
    analytics = ProcessingActivity.objects.get(code="site-analytics")
    assert evidence.facts[1].url.endswith(f"/inventory/processingactivity/{analytics.pk}/change/")
    affiliates = controls.evidence_for(seed.AFFILIATES_CHECK)
    assert affiliates.status == controls.AT_RISK
    assert "to Affiliates in “Website and application analytics”" in texts(affiliates)[0]
    # The promise says which control and links to the activity to correct.
    section = next(s for s in report.report_build()["sections"] if s["number"] == 17)
    assert section["status"] == controls.AT_RISK
    assert [item["fact"].url for item in section["at_risk"]][1] == evidence.facts[1].url

    FIX.seed(apps, None)
    assert controls.evidence_for(seed.ADVERTISERS_CHECK).status == controls.KEPT


def test_personal_information_sent_to_an_advertiser_by_legal_later_is_caught():
    activity = ProcessingActivity.objects.get(code="advertising")
    activity.data_elements.add(DataElement.objects.get(code="email-address"))
    evidence = controls.evidence_for(seed.ADVERTISERS_CHECK)
    assert evidence.status == controls.AT_RISK
    assert "sends E-mail address to" in texts(evidence)[0]
    RecipientCategory.objects.get(code="advertising-partners").activities.clear()
    assert controls.evidence_for(seed.ADVERTISERS_CHECK).status == controls.KEPT
