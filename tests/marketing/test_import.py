"""Importing subscriber lists: all or nothing, idempotent, and never past the suppression list."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from privacyops.core import roles
from privacyops.marketing import services
from privacyops.marketing.models import Subscription, SubscriptionEvent
from privacyops.marketing.resources import SubscriptionResource
from privacyops.subjects.models import ContactPoint, DataSubject
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HEADER = "email,name,channel,consented_at,source,form,ip,policy_version\n"
GOOD = (
    HEADER + "Maria@Example.com,Maria Ivanova,newsletter,2026-03-01T10:00:00+02:00,web_form,"
    "https://www.infoserv.eu/newsletter,203.0.113.10,\n"
    + "maria@example.com,Maria Ivanova,events,2026-03-02 09:00,event_registration,"
    "Sofia summit,,\n"
    + "georgi@example.com,Georgi Petrov,promotions,2026-04-10T08:30:00Z,,,2001:db8::1,\n"
)


def _import(text: str, *, dry_run=False):
    dataset = tablib.Dataset().load(text, format="csv")
    return SubscriptionResource().import_data(
        dataset, dry_run=dry_run, rollback_on_validation_errors=True
    )


def test_a_good_list_imports_consent_and_creates_unknown_subjects():
    result = _import(GOOD)

    assert not result.has_errors() and not result.has_validation_errors()
    assert Subscription.objects.count() == 3
    maria = DataSubject.objects.get(full_name="Maria Ivanova")
    assert maria.kind == "newsletter_subscriber"
    assert ContactPoint.objects.get(subject=maria).value == "maria@example.com"
    assert set(maria.subscriptions.values_list("channel", flat=True)) == {"newsletter", "events"}
    promo = Subscription.objects.get(channel="promotions")
    assert promo.consent_source == "import" and promo.consent_ip == "2001:db8::1"
    assert promo.policy_version is not None
    assert SubscriptionEvent.objects.count() == 3
    assert services.may_send("MARIA@example.com", "events")


def test_reimporting_the_same_list_changes_nothing():
    _import(GOOD)
    before = list(Subscription.objects.values().order_by("id"))

    result = _import(GOOD)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["skip"] == 3 and result.totals["new"] == 0
    assert list(Subscription.objects.values().order_by("id")) == before
    assert SubscriptionEvent.objects.count() == 3
    assert DataSubject.objects.count() == 2


def test_one_bad_row_imports_nothing_and_every_bad_field_is_reported():
    bad = (
        GOOD
        + "not-an-address,X,newsletter,2026-03-01,,,,\n"
        + "ok@example.com,Y,carrier-pigeon,yesterday,,,999.1.1.1,\n"
        + "ok2@example.com,Z,events,2026-03-01,,,,v-none\n"
    )
    result = _import(bad)

    assert result.has_validation_errors()
    assert not Subscription.objects.exists() and not DataSubject.objects.exists()
    errors = {row.number: set(row.field_specific_errors) for row in result.invalid_rows}
    assert errors == {
        4: {"email"},
        5: {"channel", "consented_at", "ip"},
        6: {"policy_version"},
    }


def test_a_file_without_the_required_columns_is_refused():
    result = _import("email,name\na@example.com,A\n")
    assert result.has_errors()
    assert "consented_at" in str(result.base_errors[0].error)
    assert not Subscription.objects.exists()


def test_suppressed_addresses_are_not_resubscribed_and_are_reported():
    services.opt_out_record(method="post", email="georgi@example.com", reference="L-1")
    services.suppression_add(email="maria@example.com", reason="opted_out", channel="events")

    result = _import(GOOD)

    assert not result.has_errors() and not result.has_validation_errors()
    assert result.suppressed_rows == [
        (2, "maria@example.com", "events"),
        (3, "georgi@example.com", "promotions"),
    ]
    assert list(Subscription.objects.values_list("email", "channel")) == [
        ("maria@example.com", "newsletter")
    ]
    assert not services.may_send("georgi@example.com", "promotions")


def test_export_then_reimport_round_trips_and_keeps_opt_outs():
    _import(GOOD)
    maria = DataSubject.objects.get(full_name="Maria Ivanova")
    services.subscription_unsubscribe(subject=maria, channel="events")
    exported = SubscriptionResource().export().csv

    assert "status" in exported.splitlines()[0]
    result = _import(exported)

    assert not result.has_errors() and not result.has_validation_errors()
    assert [row[1:] for row in result.suppressed_rows] == [("maria@example.com", "events")]
    assert Subscription.objects.get(channel="events").status == "unsubscribed"
    assert SubscriptionEvent.objects.count() == 4


def _upload(client, text: str):
    url = reverse("admin:marketing_subscription_import")
    upload = SimpleUploadedFile("list.csv", text.encode(), content_type="text/csv")
    return client.post(url, {"import_file": upload, "format": "0", "resource": "0"})


def test_admin_import_preview_shows_errors_and_offers_no_confirmation(client):
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))

    response = _upload(client, GOOD + "broken,X,newsletter,nope,,,,\n")

    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert response.context["result"].has_validation_errors()
    assert not Subscription.objects.exists()


def test_admin_import_confirmed_imports_and_reports_suppressed_rows(client):
    services.suppression_add(email="georgi@example.com", reason="erased")
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))

    preview = _upload(client, GOOD)
    assert "georgi@example.com" in preview.content.decode()
    assert not Subscription.objects.exists()  # the preview is a dry run
    confirm = preview.context["confirm_form"]
    response = client.post(
        reverse("admin:marketing_subscription_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
        follow=True,
    )

    assert response.status_code == 200
    assert Subscription.objects.count() == 2
    shown = [str(m) for m in response.context["messages"]]
    assert any("suppression list" in m and "georgi@example.com" in m for m in shown)
    event = SubscriptionEvent.objects.first()
    assert event.by.username == "lena"


def test_auditor_cannot_import(client):
    client.force_login(UserFactory(username="audrey", role=roles.AUDITOR))
    assert _upload(client, GOOD).status_code == 403
    assert not Subscription.objects.exists()
