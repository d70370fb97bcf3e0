"""Consent receipts: append-only, GPC refuses advertising, the latest decision decides, the
cookie identifier kept only as a keyed hash, in the access package; staff record one in the
admin and nobody (not even Legal) changes or deletes one."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from privacyops.core import roles
from privacyops.dsr.packages import access_package_build
from privacyops.inventory.models import PolicyVersion
from privacyops.marketing import receipts
from privacyops.marketing.models import ConsentReceipt
from tests.factories import DataSubjectFactory, UserFactory
from tests.two_factor import SecondFactorClient

from .factories import receipt

pytestmark = pytest.mark.django_db
COOKIE = "GA1.2.1234567890.1700000000"


def test_gpc_refuses_advertising_whatever_the_banner_granted():
    person = DataSubjectFactory()
    given = receipt(subject=person, granted=["advertising", "analytics"], refused=[], gpc=True)

    assert given.granted == ["analytics"] and given.refused == ["advertising"]
    assert given.advertising is False
    assert not receipts.advertising_consent_now(subject=person)
    assert receipts.consent_now(purpose="analytics", subject=person)


def test_the_latest_receipt_decides_and_none_means_no_consent():
    person = DataSubjectFactory()
    assert not receipts.advertising_consent_now(subject=person)
    earlier = timezone.now() - datetime.timedelta(days=2)
    receipt(subject=person, granted=["advertising"], refused=[], given_at=earlier)
    assert receipts.advertising_consent_now(subject=person)
    # A later receipt about other purposes leaves the advertising decision as it was.
    receipt(subject=person, granted=["functional"], refused=[])
    assert receipts.advertising_consent_now(subject=person)
    receipt(subject=person, granted=[], refused=["advertising"])
    assert not receipts.advertising_consent_now(subject=person)
    assert receipts.advertising_consent_now(
        subject=person, at=earlier + datetime.timedelta(hours=1)
    )


def test_a_cookie_identifier_is_kept_only_as_its_keyed_hash():
    receipt(subject=None, identifier=COOKIE, granted=["advertising"], refused=[])

    assert receipts.advertising_consent_now(identifier=COOKIE)
    assert not receipts.advertising_consent_now(identifier="GA1.2.other")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM marketing_consentreceipt")
        assert COOKIE not in repr(cursor.fetchall())


def test_the_policy_version_in_force_is_recorded_when_none_is_given():
    given = receipt()
    assert (
        given.policy_version
        == PolicyVersion.objects.filter(effective_from__lte=timezone.localdate()).latest()
    )


def test_receipts_are_append_only():
    given = receipt()
    given.granted = ["advertising"]
    with pytest.raises(ValueError):
        given.save()
    with pytest.raises(ValueError):
        given.delete()
    assert ConsentReceipt.objects.get().granted == ["newsletter"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"granted": ["telepathy"]}, "granted"),
        ({"granted": ["advertising"], "refused": ["advertising"]}, "refused"),
        ({"subject": None}, "subject"),
        ({"granted": [], "refused": []}, "granted"),
        ({"source": "pigeon"}, "source"),
        ({"given_at": timezone.now() + datetime.timedelta(days=1)}, "given_at"),
    ],
)
def test_a_receipt_that_says_nothing_clear_is_refused_per_field(values, field):
    with pytest.raises(ValidationError) as refused:
        receipt(**values)
    assert field in refused.value.message_dict
    assert not ConsentReceipt.objects.exists()


def test_receipts_are_in_the_access_package():
    person = DataSubjectFactory()
    receipt(subject=person, gpc=True, granted=["analytics"], refused=[])

    archive = zipfile.ZipFile(io.BytesIO(access_package_build(subject=person).content))
    data = json.loads(archive.read("personal-data.json"))
    (row,) = data["categories"]["Personal Information"]["consent receipts"]
    assert row["gpc"] is True and row["refused"] == ["advertising"]


def _admin(role):
    client = SecondFactorClient()
    client.force_login(UserFactory(username=f"{role[:5].lower()}-receipts", role=role))
    return client


def test_staff_record_a_paper_consent_in_the_admin():
    person = DataSubjectFactory()
    client = _admin(roles.LEGAL)

    response = client.post(
        reverse("admin:marketing_consentreceipt_add"),
        {
            "subject": person.pk,
            "identifier": "",
            "granted": ["newsletter", "advertising"],
            "source": "paper",
            "given_at_0": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(),
            "given_at_1": "09:00:00",
            "evidence": "Signed form no. 17 (event in Plovdiv)",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    recorded = ConsentReceipt.objects.get()
    assert recorded.subject == person and recorded.recorded_via == "admin"
    assert recorded.advertising is True and recorded.recorded_by.username == "legal-receipts"
    page = client.get(reverse("admin:marketing_consentreceipt_change", args=[recorded.pk]))
    assert page.status_code == 200


def test_not_even_legal_changes_or_deletes_a_receipt():
    given = receipt()
    client = _admin(roles.LEGAL)

    change = client.post(
        reverse("admin:marketing_consentreceipt_change", args=[given.pk]),
        {"source": "phone", "granted": ["advertising"]},
    )
    delete = client.post(
        reverse("admin:marketing_consentreceipt_delete", args=[given.pk]), {"post": "yes"}
    )

    assert change.status_code == 403 and delete.status_code == 403
    stored = ConsentReceipt.objects.get()
    assert stored.source == "paper" and stored.granted == ["newsletter"]


def test_a_marketing_channel_refused_is_an_opt_out_of_it(ana_subscribed):
    from privacyops.marketing import services
    from privacyops.marketing.models import OptOut

    receipt(subject=ana_subscribed, granted=["analytics"], refused=["newsletter"])

    assert not services.may_send("ana@example.com", "newsletter")
    assert services.may_send("ana@example.com", "events")
    assert OptOut.objects.get(subject=ana_subscribed).method == "receipt"
    # A channel granted subscribes no one by itself (its consent evidence is the subscription's).
    receipt(subject=ana_subscribed, granted=["newsletter"], refused=[])
    assert not services.may_send("ana@example.com", "newsletter")
