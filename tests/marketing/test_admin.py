"""The marketing admin with the test client: opt-outs by staff, reports, evidence, roles."""

import csv
import io

import pytest
from django.urls import reverse

from privacyops.core import roles
from privacyops.marketing import selectors, services
from privacyops.marketing.models import OptOut, Subscription
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def legal_client(client):
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    return client


def test_staff_record_a_letter_from_an_unknown_address_effective_immediately(legal_client):
    response = legal_client.post(
        reverse("admin:marketing_optout_add"),
        {
            "email": "Unknown.Reader@Example.com",
            "channel": "",
            "method": "post",
            "reference": "POST-2026-0042",
            "received_at_0": "2026-11-20",
            "received_at_1": "10:00:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    opt_out = OptOut.objects.get()
    assert opt_out.subject is None and opt_out.method == "post"
    assert opt_out.recorded_by.username == "lena"
    assert opt_out.email_hash == selectors.email_hash("unknown.reader@example.com")
    assert not services.may_send("unknown.reader@example.com", "newsletter")
    assert "unknown.reader" not in str(list(OptOut.objects.values()))


def test_staff_record_an_email_opt_out_against_a_subject(legal_client, ana_subscribed):
    response = legal_client.post(
        reverse("admin:marketing_optout_add"),
        {
            "subject": ana_subscribed.pk,
            "channel": "newsletter",
            "method": "email",
            "reference": "<msg-77@mail.example.com>",
            "received_at_0": "2026-11-20",
            "received_at_1": "10:00:00",
        },
    )

    assert response.status_code == 302
    assert not services.may_send("ana@example.com", "newsletter")
    assert services.may_send("ana@example.com", "events")
    assert Subscription.objects.get(channel="newsletter").status == "unsubscribed"


def test_an_opt_out_needs_a_subject_or_an_address(legal_client):
    response = legal_client.post(
        reverse("admin:marketing_optout_add"),
        {"channel": "", "method": "post", "received_at_0": "2026-11-20", "received_at_1": "10:00"},
    )
    assert response.status_code == 200
    assert "Give the data subject or the e-mail address" in response.content.decode()
    assert not OptOut.objects.exists()


def test_a_recorded_opt_out_cannot_be_edited(legal_client):
    opt_out = services.opt_out_record(method="post", email="a@example.com", reference="L-1")
    url = reverse("admin:marketing_optout_change", args=[opt_out.pk])
    page = legal_client.get(url)
    assert page.status_code == 200
    assert 'name="reference"' not in page.content.decode()
    legal_client.post(url, {"reference": "changed", "method": "email"})
    opt_out.refresh_from_db()
    assert opt_out.reference == "L-1"


def test_report_shows_opt_ins_per_channel_and_opt_outs_per_month_and_method(
    legal_client, ana_subscribed
):
    services.subscription_unsubscribe(subject=ana_subscribed, channel="events", method="one_click")
    services.opt_out_record(method="post", email="b@example.com")

    response = legal_client.get(reverse("admin:marketing_subscription_report"))

    assert response.status_code == 200
    assert dict(response.context["opt_ins"])["Newsletter"] == 1
    assert dict(response.context["opt_ins"])["Events"] == 0
    [(month, counts, total)] = response.context["opt_outs"]
    assert total == 2 and sum(counts) == 2
    page = response.content.decode()
    assert "Postal mail (ATTN: Unsubscribe)" in page


def test_consent_evidence_of_one_subject_exports_as_csv(legal_client, ana_subscribed):
    services.subscription_unsubscribe(subject=ana_subscribed, channel="events")

    via_form = legal_client.get(
        reverse("admin:marketing_subscription_report"), {"subject": ana_subscribed.pk}
    )
    assert via_form.status_code == 302
    response = legal_client.get(via_form["Location"])

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "record"
    assert {row[0] for row in rows[1:]} == {"subscription", "history", "opt-out"}
    assert any(row[6] == "203.0.113.7" for row in rows[1:])


def test_subscriptions_export_as_csv(legal_client, ana_subscribed):
    response = legal_client.post(
        reverse("admin:marketing_subscription_export"),
        {
            "format": "0",
            "resource": "0",
            **{
                f"subscriptionresource_{c}": "on"
                for c in (
                    "email",
                    "name",
                    "channel",
                    "status",
                    "consented_at",
                    "source",
                    "form",
                    "ip",
                    "policy_version",
                    "unsubscribed_at",
                )
            },
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.splitlines()[0].startswith("email,name,channel,status,consented_at")
    assert "ana@example.com" in text


def test_suppression_list_is_searched_by_address_but_shows_only_hashes(legal_client):
    services.suppression_add(email="gone@example.com", reason="erased")
    services.suppression_add(email="other@example.com", reason="erased")
    url = reverse("admin:marketing_suppressionentry_changelist")

    response = legal_client.get(url, {"q": " Gone@Example.com"})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    [entry] = response.context["cl"].result_list
    assert entry.email_hash == selectors.email_hash("gone@example.com")
    assert entry.email_hash.startswith("sha256:")


def test_dashboard_panel_shows_opt_ins_and_opt_outs_this_month(legal_client, ana_subscribed):
    services.subscription_unsubscribe(subject=ana_subscribed, channel="events")
    response = legal_client.get(reverse("admin:index"))
    [panel] = [p for p in response.context["panels"] if p.title == "Marketing consent"]
    bars = {bar.label: bar.value for bar in panel.bars}
    assert bars["Newsletter: opted in"] == 1 and bars["Events: opted in"] == 0
    assert panel.facts[0][0].startswith("Opt-outs in") and panel.facts[0][1] == "1"


@pytest.mark.parametrize(
    ("role", "report", "add_opt_out"),
    [(roles.AUDITOR, 200, 403), (roles.ACCOUNT_REPRESENTATIVE, 403, 403)],
)
def test_auditors_read_and_representatives_see_nothing(
    client, ana_subscribed, role, report, add_opt_out
):
    client.force_login(UserFactory(username="someone", role=role))
    assert client.get(reverse("admin:marketing_subscription_report")).status_code == report
    evidence = reverse("admin:marketing_subscription_evidence", args=[ana_subscribed.pk])
    assert client.get(evidence).status_code == report
    response = client.post(
        reverse("admin:marketing_optout_add"), {"email": "x@example.com", "method": "post"}
    )
    assert response.status_code == add_opt_out
    assert not OptOut.objects.exists()
