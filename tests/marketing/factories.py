"""Rows of marketing's consent receipts, bounces and policy notices, made through their services
(also the role matrix's makers; the other marketing makers are in tests/role_matrix.py)."""

import datetime

from privacyops.inventory.models import PolicyVersion
from privacyops.marketing import policy_notices, receipts, services
from privacyops.marketing.models import PolicyNotice, PolicyNoticeLetter
from privacyops.marketing.seed.policy_notices import LETTERS
from tests.factories import AccountFactory, ContactPointFactory, DataSubjectFactory


def receipt(**kwargs):
    values = {
        "source": "paper",
        "recorded_via": "admin",
        "granted": ["newsletter"],
        "refused": ["advertising"],
        "subject": DataSubjectFactory(),
    } | kwargs
    return receipts.consent_receipt_record(**values)


def material_version(*, version="2027.1", days_ahead=14, **kwargs):
    from django.utils import timezone

    return PolicyVersion.objects.create(
        version=version,
        effective_from=timezone.localdate() + datetime.timedelta(days=days_ahead),
        summary_of_changes="New analytics provider.",
        material_change=True,
        **kwargs,
    )


def notice():
    point = ContactPointFactory(value="matrix-notice@example.com")
    AccountFactory(license_holder=point.subject)
    policy_notices.policy_notices_send(policy_version=material_version(version="matrix"))
    return PolicyNotice.objects.order_by("pk").first()


MAKERS = {
    "marketing.ConsentReceipt": lambda: receipt(),
    "marketing.MailBounce": lambda: services.mail_bounce_record(email="bounce@example.com"),
    "marketing.PolicyNotice": notice,
    # Seeded by a migration; made again where a transactional test flushed it.
    "marketing.PolicyNoticeLetter": lambda: PolicyNoticeLetter.objects.create(
        language="en", **LETTERS["en"]
    ),
}
