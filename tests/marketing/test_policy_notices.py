"""Notices of a material policy change: account contacts and current subscribers, each address
once even when the task runs twice, bounces and opt-outs of all marketing skipped, progress
recorded in a JobRun, the letter editable."""

import pytest
from django.core import mail

from privacyops.core.erasure import masked
from privacyops.core.models import JobRun
from privacyops.marketing import policy_notices, services
from privacyops.marketing.models import PolicyNotice, PolicyNoticeLetter
from privacyops.marketing.tasks import policy_notices_due_task
from privacyops.subjects.models import AccountContact
from tests.factories import AccountFactory, ContactPointFactory, DataSubjectFactory

from .conftest import subscribe
from .factories import material_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def audience(db):
    """Two account contacts (one bounces), three subscribers (one opted out of everything
    since, one also an account contact), a subscriber of a closed account's past, a
    non-material version."""
    holder = ContactPointFactory(value="holder@customer.example").subject
    account = AccountFactory(license_holder=holder)
    billing = ContactPointFactory(value="billing@customer.example").subject
    AccountContact.objects.create(account=account, subject=billing, role="billing")
    services.mail_bounce_record(email="billing@customer.example", reason="550 no such user")
    closed = AccountFactory(status="closed", closed_at="2025-01-01")
    AccountContact.objects.create(
        account=closed,
        subject=ContactPointFactory(value="former@customer.example").subject,
        role="user",
    )
    for address in ("reader@example.com", "gone@example.com", "holder@customer.example"):
        person = (
            holder
            if address.startswith("holder")
            else ContactPointFactory(value=address, subject=DataSubjectFactory()).subject
        )
        subscribe(person, "newsletter", email=address)
    services.suppression_add(email="gone@example.com", reason="objection")
    return account


def test_notices_go_once_even_when_the_task_runs_twice(
    audience, django_capture_on_commit_callbacks, settings
):
    settings.PRIVACYOPS_POLICY_NOTICE_BATCH = 2
    version = material_version(version="2027.1", days_ahead=10)

    with django_capture_on_commit_callbacks(execute=True):
        policy_notices_due_task.apply()
        policy_notices_due_task.apply()

    sent_to = sorted(address for message in mail.outbox for address in message.to)
    assert sent_to == ["holder@customer.example", "reader@example.com"]
    assert "2027.1" in mail.outbox[0].body and "New analytics provider." in mail.outbox[0].body
    statuses = dict(PolicyNotice.objects.values_list("address_masked", "status"))
    assert statuses == {
        masked("holder@customer.example"): "sent",
        masked("billing@customer.example"): "bounced",
        masked("reader@example.com"): "sent",
        masked("gone@example.com"): "opted_out",
    }
    holder_notice = PolicyNotice.objects.get(address_masked=masked("holder@customer.example"))
    assert holder_notice.audience == "account_contact"
    first, second = JobRun.objects.filter(job=policy_notices.JOB).order_by("pk")
    assert first.progress_done == first.progress_total == 4
    assert first.summary["sent"] == 2 and first.summary["bounced"] == 1
    assert second.summary["sent"] == 0 and second.summary["already_noticed"] == 4
    assert PolicyNotice.objects.filter(policy_version=version).count() == 4


def test_a_new_subscriber_is_noticed_on_the_next_run(audience, django_capture_on_commit_callbacks):
    version = material_version(days_ahead=10)
    with django_capture_on_commit_callbacks(execute=True):
        policy_notices.policy_notices_send(policy_version=version)
    mail.outbox.clear()
    subscribe(
        ContactPointFactory(value="new@example.com").subject, "events", email="new@example.com"
    )

    with django_capture_on_commit_callbacks(execute=True):
        policy_notices.policy_notices_send(policy_version=version)

    assert [m.to for m in mail.outbox] == [["new@example.com"]]


@pytest.mark.parametrize(
    ("days_ahead", "material", "due"),
    [(10, True, True), (31, True, False), (0, True, False), (-3, True, False), (10, False, False)],
)
def test_only_material_changes_not_yet_in_force_within_the_period_are_due(
    days_ahead, material, due
):
    version = material_version(version=f"v{days_ahead}{material}", days_ahead=days_ahead)
    version.material_change = material
    version.save()
    assert (version in policy_notices.policy_versions_to_notice()) is due


def test_a_version_that_is_not_material_sends_nothing(audience):
    version = material_version()
    version.material_change = False
    version.save()
    with pytest.raises(ValueError):
        policy_notices.policy_notices_send(policy_version=version)
    assert not PolicyNotice.objects.exists()


def test_the_letter_is_legals_to_edit_and_bilingual(audience, django_capture_on_commit_callbacks):
    assert set(PolicyNoticeLetter.objects.values_list("language", flat=True)) >= {"en", "bg"}
    PolicyNoticeLetter.objects.filter(language="en").update(
        subject="Policy {{ version }}", body="From {{ effective_from }}: {{ summary }}"
    )
    version = material_version(version="2027.2", days_ahead=5)

    with django_capture_on_commit_callbacks(execute=True):
        policy_notices.policy_notices_send(policy_version=version)

    assert mail.outbox[0].subject == "Policy 2027.2"
    assert mail.outbox[0].body.endswith("New analytics provider.")
    bulgarian = policy_notices.policy_notice_letter(policy_version=version, language="bg")
    assert "Политиката" in bulgarian.subject


def test_the_public_policy_page_shows_the_version_in_force_and_its_date(client):
    material_version(version="2027.9", days_ahead=20)
    page = client.get("/privacy/policy/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Version 2025.1" in text and "Last updated: 1 January 2025" in text
    assert "2027.9" in text  # the announced change
