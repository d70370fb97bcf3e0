"""The disclosure log: recorded with its history, shown in the access package unless Legal
withheld it (with the reason, logged), never readable by account representatives."""

import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from privacyops.core import registry, roles
from privacyops.disclosures import selectors, services
from privacyops.disclosures.models import Disclosure, DisclosureEvent
from privacyops.dsr.packages import access_package_build
from privacyops.security.models import AccessLogEntry
from privacyops.subjects.models import AccountContact
from tests.factories import AccountFactory, DataSubjectFactory, UserFactory
from tests.two_factor import SecondFactorClient

from .factories import disclosure

pytestmark = pytest.mark.django_db


def _package(subject) -> tuple[dict, str]:
    archive = zipfile.ZipFile(io.BytesIO(access_package_build(subject=subject).content))
    return json.loads(archive.read("personal-data.json")), archive.read("summary.html").decode()


def test_a_disclosure_is_recorded_with_its_history_and_its_order_encrypted():
    person = DataSubjectFactory()
    shown = disclosure(subjects=[person])

    assert list(shown.subjects.all()) == [person]
    assert shown.data_elements.count() == 2
    assert [e.kind for e in shown.events.all()] == [DisclosureEvent.Kind.RECORDED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT order_reference, description FROM disclosures_disclosure WHERE id = %s",
            [shown.pk],
        )
        stored = " ".join(cursor.fetchone())
    assert "Order 123" not in stored and "Login history" not in stored
    assert "Order 123" in Disclosure.objects.get().order_reference


def test_an_accounts_contacts_and_license_holder_are_the_people_it_concerns():
    holder, contact = DataSubjectFactory(), DataSubjectFactory()
    account = AccountFactory(license_holder=holder)
    AccountContact.objects.create(account=account, subject=contact, role="billing")

    debt = disclosure(
        accounts=[account], recipient="Collecto Ltd", recipient_kind="debt_collection"
    )

    assert set(debt.subjects.all()) == {holder, contact}
    assert list(debt.accounts.all()) == [account]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subjects": [], "accounts": []}, "subjects"),
        ({"elements": []}, "data_elements"),
    ],
)
def test_a_disclosure_about_nobody_or_of_nothing_is_refused(change, field):
    with pytest.raises(ValidationError) as refused:
        if "elements" in change:
            services.disclosure_record(
                recipient="X",
                recipient_kind="other",
                disclosed_on="2026-03-02",
                legal_basis="consent",
                data_elements=[],
                subjects=[DataSubjectFactory()],
                approved_by=UserFactory(),
                by=None,
            )
        else:
            services.disclosure_record(
                recipient="X",
                recipient_kind="other",
                disclosed_on="2026-03-02",
                legal_basis="consent",
                data_elements=[1],
                approved_by=UserFactory(),
                by=None,
            )
    assert field in refused.value.message_dict
    assert not Disclosure.objects.exists()


def test_the_access_package_names_a_disclosure_to_the_person():
    person = DataSubjectFactory()
    disclosure(subjects=[person])

    data, summary = _package(person)

    (row,) = data["article_15"]["disclosures"]
    assert row["recipient"] == "Sofia City Prosecutor's Office"
    assert row["legal_basis"] == "Court order, warrant or subpoena"
    assert len(row["data"]) == 2
    assert data["categories"]["Personal Information"]["disclosure log"][0]["recipient"] == (
        "Sofia City Prosecutor's Office"
    )
    assert "Sofia City Prosecutor" in summary and "Disclosures to others" in summary


def test_a_withheld_disclosure_stays_out_of_the_package_and_the_decision_is_logged():
    person = DataSubjectFactory()
    hidden = disclosure(subjects=[person])
    legal = UserFactory(username="lena", role=roles.LEGAL)

    services.disclosure_withhold(
        disclosure=hidden, reason="Criminal investigation: confidentiality ordered", by=legal
    )

    data, summary = _package(person)
    assert data["article_15"]["disclosures"] == []
    assert "disclosure log" not in data["categories"]["Personal Information"]
    assert "Sofia City Prosecutor" not in summary
    event = hidden.events.get(kind=DisclosureEvent.Kind.WITHHELD)
    assert event.by == legal and "confidentiality" in event.reason
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM disclosures_disclosureevent WHERE id = %s", [event.pk])
        assert "confidentiality" not in cursor.fetchone()[0]
    # Still there for Legal, and still kept on erasure.
    assert list(selectors.disclosures_about(subject=person, include_withheld=True)) == [hidden]
    entry = next(
        e
        for e in registry.erase(person, dry_run=True).entries
        if e.model == "disclosures.Disclosure"
    )
    assert entry.action == "keep" and entry.rows == 1

    services.disclosure_show(disclosure=hidden, by=legal)
    assert len(_package(person)[0]["article_15"]["disclosures"]) == 1
    assert [e.kind for e in hidden.events.order_by("at", "id")] == [
        DisclosureEvent.Kind.RECORDED,
        DisclosureEvent.Kind.WITHHELD,
        DisclosureEvent.Kind.SHOWN,
    ]


def test_withholding_needs_a_reason():
    with pytest.raises(ValidationError):
        services.disclosure_withhold(disclosure=disclosure(), reason="  ", by=None)
    assert not Disclosure.objects.get().withheld_from_access


def _admin(role):
    client = SecondFactorClient()
    client.force_login(UserFactory(username=f"{role[:5].lower()}-disclosures", role=role))
    return client


def test_legal_withholds_in_the_admin_and_each_look_is_access_logged():
    person = DataSubjectFactory()
    shown = disclosure(subjects=[person])
    client = _admin(roles.LEGAL)
    url = reverse("admin:disclosures_disclosure_change", args=[shown.pk])

    assert client.get(url).status_code == 200
    assert AccessLogEntry.objects.filter(object_type="disclosures.disclosure").exists()
    refused = client.post(url, {"withheld_from_access": "on", "withheld_reason": ""})
    assert refused.status_code == 200 and not Disclosure.objects.get().withheld_from_access
    response = client.post(
        url,
        {
            "withheld_from_access": "on",
            "withheld_reason": "Investigation",
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "1",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Disclosure.objects.get().withheld_from_access
    assert shown.events.filter(kind=DisclosureEvent.Kind.WITHHELD).count() == 1


def test_legal_records_a_disclosure_in_the_admin():
    from privacyops.inventory.models import DataElement

    person = DataSubjectFactory()
    approver = UserFactory(username="approver", role=roles.LEGAL)
    element = DataElement.objects.order_by("pk").first()
    client = _admin(roles.LEGAL)

    response = client.post(
        reverse("admin:disclosures_disclosure_add"),
        {
            "recipient": "Ministry of Interior",
            "recipient_kind": "law_enforcement",
            "disclosed_on": "2026-03-02",
            "legal_basis": "legal_obligation",
            "order_reference": "Letter 55",
            "description": "",
            "data_elements": [element.pk],
            "subjects": str(person.pk),
            "accounts": "",
            "approved_by": approver.pk,
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    recorded = Disclosure.objects.get()
    assert list(recorded.subjects.all()) == [person] and recorded.recorded_by.username.startswith(
        "legal"
    )


@pytest.mark.parametrize(
    ("role", "status"),
    [(roles.AUDITOR, 200), (roles.ACCOUNT_REPRESENTATIVE, 403)],
)
def test_the_auditor_reads_and_representatives_see_nothing(role, status):
    shown = disclosure()
    client = _admin(role)
    assert client.get(reverse("admin:disclosures_disclosure_changelist")).status_code == status
    page = client.get(reverse("admin:disclosures_disclosure_change", args=[shown.pk]))
    assert page.status_code == status
