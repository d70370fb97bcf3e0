"""A request's history is typed: one writer, one kind per step, state read back by kind."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from privacyops.dsr import letters, services
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import MessageTemplate, RequestEvent, RequestType
from privacyops.dsr.seed.letters import LETTERS, seeded_letter
from tests.dsr.factories import in_progress, submit
from tests.dsr.fulfilment_rows import fulfilment_row
from tests.factories import ContactPointFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]
Kind = RequestEvent.Kind


def kinds(request) -> list[str]:
    return list(request.events.order_by("at", "pk").values_list("kind", flat=True))


def test_the_writer_puts_states_in_their_columns_and_refuses_an_unknown_kind():
    request = submit()
    event = services.request_event_record(
        request=request, kind=Kind.NOTE, by=None, note="n", from_state="a", to_state="b", x=1
    )
    event.refresh_from_db()
    assert (event.from_state, event.to_state, event.data) == ("a", "b", {"x": 1})
    with pytest.raises(ValueError, match="Unknown kind"):
        services.request_event_record(request=request, kind="something", by=None)


def test_every_fulfilment_step_writes_its_own_kind():
    package = fulfilment_row("dsr.AccessPackage")
    assert Kind.PACKAGE_REQUESTED in kinds(package.request)
    services.access_package_build(package_id=package.pk)
    package.refresh_from_db()
    services.access_package_download(package=package, by=None)
    assert {Kind.PACKAGE_BUILT, Kind.PACKAGE_DOWNLOADED} <= set(kinds(package.request))

    erased = fulfilment_row("dsr.ErasureCertificate").request
    assert {Kind.ERASURE_PREVIEWED, Kind.ERASED} <= set(kinds(erased))
    rectified = fulfilment_row("dsr.SubjectChange").request
    assert Kind.RECTIFIED in kinds(rectified)
    forwarded = fulfilment_row("dsr.CustomerDataForward")
    assert Kind.CUSTOMER_FORWARDED in kinds(forwarded.request)
    legal = UserFactory(username="legal-kinds")
    services.customer_instruction_record(
        forward=forwarded, instruction="remove", text="Remove her.", by=legal
    )
    services.customer_instruction_carry_out(forward=forwarded, by=legal)
    assert {Kind.INSTRUCTION_RECORDED, Kind.INSTRUCTION_APPLIED} <= set(kinds(forwarded.request))
    objection = fulfilment_row("dsr.RequestOutcome").request
    assert Kind.OBJECTION_RECORDED in kinds(objection)
    # Nothing the fulfilment does is left as an untyped note.
    assert not RequestEvent.objects.filter(kind=Kind.NOTE).exists()


def test_restriction_recipients_and_matching_have_their_kinds():
    legal = UserFactory(username="legal-restrict")
    point = ContactPointFactory(value="restrict@example.com")
    request = in_progress(request_type=RequestType.RESTRICTION, requester_email="other@x.example")
    services.request_match_subject(request=request, subject=point.subject, by=legal)
    services.subject_restrict(request=request, by=legal, note="Accuracy contested")
    services.subject_restriction_lift(
        subject=point.subject, by=legal, reason="Checked; told", request=request
    )
    history = kinds(request)
    assert [k for k in history if k in {Kind.SUBJECT_MATCHED, Kind.RESTRICTED}] == [
        Kind.SUBJECT_MATCHED,
        Kind.RESTRICTED,
    ]
    assert Kind.RESTRICTION_LIFTED in history
    for notice in request.recipient_notifications.all():
        services.recipient_notification_mark(
            notification=notice, status="sent", note="e-mail", by=legal
        )
    if request.recipient_notifications.exists():
        assert {Kind.RECIPIENTS_LISTED, Kind.RECIPIENT_NOTIFIED} <= set(kinds(request))


def test_the_backfill_types_the_entries_written_before():
    migration = importlib.import_module("privacyops.dsr.migrations.0005_typed_request_history")
    request = submit()
    old = [
        ("erasure_previewed", "Erasure preview shown.", {"plan": "abc", "held_by": []}),
        ("erased", "Erasure carried out (certificate #1): ...", {"certificate": 1}),
        ("recipients_listed", "Recipients to notify of the erasure", {"recipients": ["x"]}),
        ("recipient_notified", "Recipient X: Sent.", {"recipient": "x", "status": "sent"}),
        ("package_built", "Access package #1 built", {"package": 1, "records": {}}),
        ("package_requested", "Access package #1 requested.", {"package": 1}),
        ("package_deleted", "Access package #1 deleted: The download link expired.", {}),
        ("rectified", "Rectified: ...", {"changes": []}),
        ("restricted", "Processing restricted (Art. 18): storage only.", {}),
        ("restriction_lifted", "Restriction lifted: checked", {}),
        ("objection_recorded", "Objection to direct marketing recorded", {"opt_out": 1}),
        ("customer_forwarded", "Forwarded to the customer(s)", {"forwards": [1]}),
        ("instruction_recorded", "Instruction of X recorded", {"forward": 1, "instruction": "x"}),
        ("instruction_applied", "Instruction of X carried out.", {"forward": 1}),
        ("subject_matched", "Matched to data subject #1.", {"subject_from": None, "subject_to": 1}),
        ("note", "A note someone wrote.", {}),
    ]
    rows = RequestEvent.objects.bulk_create(
        RequestEvent(request=request, kind="note", note=note, data=data) for _, note, data in old
    )
    download = RequestEvent.objects.create(
        request=request, kind="download", note="Access package #1 downloaded by lena."
    )
    other_download = RequestEvent.objects.create(request=request, kind="download", note="CSV")

    migration.backfill(apps, None)

    assert [RequestEvent.objects.get(pk=r.pk).kind for r in rows] == [k for k, _, _ in old]
    assert RequestEvent.objects.get(pk=download.pk).kind == Kind.PACKAGE_DOWNLOADED
    assert RequestEvent.objects.get(pk=other_download.pk).kind == Kind.DOWNLOAD
    migration.untype(apps, None)
    assert set(
        RequestEvent.objects.filter(pk__in=[r.pk for r in rows]).values_list("kind", flat=True)
    ) == {"note"}


def test_the_runtime_falls_back_on_the_seeded_wording_as_the_migrations_leave_it():
    assert seeded_letter("acknowledge") == LETTERS["acknowledge"]
    # What the migrations leave in the database is what the runtime falls back on, including
    # migration 0004's paragraph with what was done (the package link).
    stored = MessageTemplate.objects.get(key="complete", language="en")
    assert seeded_letter("complete") == (stored.subject, stored.body)
    assert "{{ outcome }}" in letters.seeded_wording("complete").body


# --- the next steps: one answer, rendered by the admin ------------------------------------------


def test_next_steps_offer_the_extension_only_while_it_is_allowed(monkeypatch, client):
    received = timezone.make_aware(datetime.datetime(2025, 1, 31, 12))
    request = in_progress(received_at=received)
    monkeypatch.setattr(services.requests, "today", lambda: datetime.date(2025, 2, 10))
    codes = [s.code for s in services.request_next_steps(request=request)]
    assert codes[-1] == services.STEP_EXTEND and services.STEP_VERIFY_IDENTITY not in codes

    monkeypatch.setattr(services.requests, "today", lambda: datetime.date(2025, 3, 5))
    codes = [s.code for s in services.request_next_steps(request=request)]
    assert services.STEP_EXTEND not in codes  # request_extend would refuse: too late
    client.force_login(UserFactory(username="lena-steps", role="Legal"))
    page = client.get(reverse("admin:dsr_privacyrequest_next_step", args=[request.pk]))
    offered = [value for value, _ in page.context["form"].fields["step"].choices]
    assert offered == codes

    waiting = submit(channel="web")
    assert waiting.state == State.AWAITING_IDENTITY
    codes = [s.code for s in services.request_next_steps(request=waiting)]
    assert codes[0] == services.STEP_VERIFY_IDENTITY and services.STEP_EXTEND not in codes
