"""Every closing path writes the request's outcome; the backfill migration writes the missing
ones for requests closed before."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.utils import timezone

from privacyops.dsr import jobs, services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import Channel, PrivacyRequest, RequestOutcome
from privacyops.subjects.models import CustomerDataset
from tests.factories import AccountFactory, ActivityEventFactory, ContactPointFactory, UserFactory

from .factories import in_progress, submit

pytestmark = pytest.mark.django_db
Result, Ground = RequestOutcome.Result, RequestOutcome.RefusalGround
backfill = importlib.import_module("privacyops.dsr.migrations.0010_backfill_outcomes")


@pytest.fixture
def legal():
    return UserFactory(username="stats-legal")


def objection_request(email: str, *, hosted_by_customer=False):
    point = ContactPointFactory(value=email)
    ActivityEventFactory(subject=point.subject)
    if hosted_by_customer:
        dataset = CustomerDataset.objects.create(
            account=AccountFactory(license_holder_email="dpo@customer.example"),
            name="Customer CRM",
            contents="Leads",
            location="eu",
        )
        dataset.subjects.add(point.subject)
    return in_progress(request_type="objection", requester_email=email, regime="CCPA")


def complete(request, legal):
    services.marketing_objection(request=request, by=legal)
    services.request_transition(request=request, to=State.AWAITING_APPROVAL, by=legal)
    return services.request_transition(request=request, to=State.COMPLETED, by=legal)


def test_completion_is_complied_with_in_whole(legal):
    request = complete(objection_request("whole@example.com"), legal)
    outcome = RequestOutcome.objects.get(request=request)
    assert (outcome.result, outcome.regime, outcome.refusal_ground) == (
        Result.COMPLIED,
        "CCPA",
        "",
    )
    assert "no longer receive marketing" in outcome.summary


def test_completion_with_part_forwarded_to_the_customer_is_in_part(legal):
    request = objection_request("part@example.com", hosted_by_customer=True)
    services.customer_data_forward(request=request, by=legal)
    complete(request, legal)
    assert RequestOutcome.objects.get(request=request).result == Result.COMPLIED_IN_PART


def test_refusal_records_its_ground_named_or_derived(legal):
    named = in_progress()
    services.request_refuse(
        request=named, reason="Fifth identical request.", by=legal, ground="excessive"
    )
    unnamed = in_progress()
    services.request_refuse(request=unnamed, reason="See the letter.", by=legal)
    identity = submit(channel=Channel.WEB_FORM)  # waits for its confirmation link
    services.request_refuse(request=identity, reason="Could not verify.", by=legal)

    grounds = dict(
        RequestOutcome.objects.filter(result=Result.REFUSED).values_list(
            "request_id", "refusal_ground"
        )
    )
    assert grounds == {
        named.pk: Ground.EXCESSIVE,
        unnamed.pk: Ground.OTHER,
        identity.pk: Ground.IDENTITY,
    }
    # The reason text stays with the request and its letter, not in the statistics.
    assert "Fifth" not in RequestOutcome.objects.get(request=named).summary


def test_an_unknown_ground_is_refused_and_nothing_changes(legal):
    request = in_progress()
    with pytest.raises(services.RequestError):
        services.request_refuse(request=request, reason="x", by=legal, ground="because")
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS
    assert not RequestOutcome.objects.exists()


def test_redirect_withdrawal_and_unconfirmed_close_each_write_an_outcome(legal, settings):
    redirected = in_progress()
    services.request_redirect(
        request=redirected, account=AccountFactory(), reason="Customer data.", by=legal
    )
    withdrawn = in_progress()
    services.request_transition(request=withdrawn, to=State.WITHDRAWN, by=legal)
    settings.PRIVACYOPS_DSR_UNCONFIRMED_CLOSE_DAYS = 14
    unconfirmed = submit(
        channel=Channel.WEB_FORM, received_at=timezone.now() - datetime.timedelta(days=15)
    )
    jobs.requests_close_unconfirmed()

    results = dict(RequestOutcome.objects.values_list("request_id", "result"))
    assert results == {
        redirected.pk: Result.REDIRECTED,
        withdrawn.pk: Result.WITHDRAWN,
        unconfirmed.pk: Result.CLOSED_UNCONFIRMED,
    }
    outcome = RequestOutcome.objects.get(request=unconfirmed)
    assert outcome.response_days == 15


def test_a_linked_repeat_has_no_outcome():
    first = submit(requester_email="same@example.com")
    repeat = submit(requester_email="same@example.com")
    assert repeat.state == State.DUPLICATE and first.state == State.RECEIVED
    assert not RequestOutcome.objects.exists()


def test_backfill_writes_the_missing_outcomes_and_marks_part_compliance(legal):
    whole = complete(objection_request("b-whole@example.com"), legal)
    part = objection_request("b-part@example.com", hosted_by_customer=True)
    services.customer_data_forward(request=part, by=legal)
    complete(part, legal)
    refused = submit(channel=Channel.WEB_FORM)
    services.request_refuse(request=refused, reason="Not verified.", by=legal)
    withdrawn = in_progress()
    services.request_transition(request=withdrawn, to=State.WITHDRAWN, by=legal)
    still_open = in_progress()
    # Before 0009, only completions had an outcome, and it said nothing of the result.
    RequestOutcome.objects.exclude(request__state=State.COMPLETED).delete()
    RequestOutcome.objects.update(result=Result.COMPLIED, regime="GDPR")
    days_before = RequestOutcome.objects.get(request=whole).response_days

    backfill.backfill_outcomes(apps, None)
    backfill.backfill_outcomes(apps, None)  # a second run changes nothing

    rows = {
        o.request_id: (o.result, o.regime, o.refusal_ground) for o in RequestOutcome.objects.all()
    }
    assert rows == {
        whole.pk: (Result.COMPLIED, "CCPA", ""),
        part.pk: (Result.COMPLIED_IN_PART, "CCPA", ""),
        refused.pk: (Result.REFUSED, "GDPR", Ground.IDENTITY),
        withdrawn.pk: (Result.WITHDRAWN, "GDPR", ""),
    }
    assert still_open.pk not in rows
    assert RequestOutcome.objects.get(request=whole).response_days == days_before
    refused_row = RequestOutcome.objects.get(request=refused)
    refused.refresh_from_db()
    assert refused_row.completed_at == refused.closed_at
    assert PrivacyRequest.objects.filter(outcome__isnull=True).count() == 1


def test_an_erasure_is_in_part_only_when_more_than_the_requests_own_records_is_kept(legal):
    from privacyops.dsr.models import ErasureCertificate
    from privacyops.dsr.services.completion import complied_in_part
    from tests.factories import DataSubjectFactory

    request = in_progress(request_type="erasure")
    own_records = [
        {"model": "dsr.PrivacyRequest", "action": "keep", "rows": 1},
        {"model": "dsr.RequestEvent", "action": "keep", "rows": 6},
        {"model": "subjects.ActivityEvent", "action": "delete rows", "rows": 3},
        {"model": "subjects.Account", "action": "keep", "rows": 0},
    ]
    certificate = ErasureCertificate.objects.create(
        request=request,
        subject=DataSubjectFactory(),
        previewed_at=timezone.now(),
        executed_by=legal,
        entries=own_records,
    )
    assert not complied_in_part(request)
    assert backfill._in_part(apps, [request.pk]) == set()

    ErasureCertificate.objects.filter(pk=certificate.pk).update(
        entries=[*own_records, {"model": "subjects.Account", "action": "keep", "rows": 2}]
    )
    assert complied_in_part(request)
    assert backfill._in_part(apps, [request.pk]) == {request.pk}
