"""Doing what a privacy request asks: packages, erasure, rectification, restriction, objection.

Services over the personal-data registry (privacyops.core.registry), the lifecycle services
(services.py) and the letters (letters.py). Each writes the request's history in the same
transaction as the change it makes; messages leave only when that transaction commits.

- Access / portability: `access_package_request` queues a Celery build (JobRun progress); the
  file is stored under PRIVATE_STORAGE_ROOT and offered through a signed link that expires;
  every download is in the history (`access_package_open`, `access_package_download`).
- Erasure: `erasure_preview` shows model by model, field by field what would go and what is kept
  and why; `erasure_execute` applies exactly the preview Legal saw (it refuses when the data
  changed since), writes an ErasureCertificate and suppresses the e-mail addresses as hashes.
- Rectification (`subject_rectify`), restriction (`subject_restrict`), objection to direct
  marketing (`marketing_objection`), each creating the Art. 19 recipient notifications.
- Customer-Generated Data: `customer_data_forward`, `customer_instruction_record`,
  `customer_instruction_carry_out`.
- Completion: `completion_blockers` is asked by services.request_transition before a request
  becomes completed; the completion letter carries `completion_outcome`.
"""

from .access import (
    PackageUnavailable,
    access_package_build,
    access_package_download,
    access_package_for_token,
    access_package_link,
    access_package_open,
    access_package_request,
    access_packages_expire,
    package_link_days,
)
from .base import (
    ACCESS_TYPES,
    CGD,
    OBJECTION_TYPES,
    PACKAGE_JOB,
    PACKAGE_SALT,
    CompletionBlocked,
    FulfilmentError,
    categories_held,
    recipient_notification_mark,
    recipient_notifications_create,
    recipients_of,
)
from .completion import (
    completion_blockers,
    completion_check,
    completion_outcome,
    outcome_record,
)
from .customer import (
    customer_data_forward,
    customer_data_of,
    customer_instruction_carry_out,
    customer_instruction_record,
)
from .erasure import (
    erasure_execute,
    erasure_preview,
    plan_fingerprint,
)
from .subject import (
    RECTIFIABLE_FIELDS,
    marketing_objection,
    objection_recorded,
    request_match_subject,
    subject_details,
    subject_rectify,
    subject_restrict,
    subject_restriction_lift,
)

__all__ = [
    "ACCESS_TYPES",
    "CGD",
    "CompletionBlocked",
    "FulfilmentError",
    "OBJECTION_TYPES",
    "PACKAGE_JOB",
    "PACKAGE_SALT",
    "categories_held",
    "recipient_notification_mark",
    "recipient_notifications_create",
    "recipients_of",
    "PackageUnavailable",
    "access_package_build",
    "access_package_download",
    "access_package_for_token",
    "access_package_link",
    "access_package_open",
    "access_package_request",
    "access_packages_expire",
    "package_link_days",
    "erasure_execute",
    "erasure_preview",
    "plan_fingerprint",
    "RECTIFIABLE_FIELDS",
    "marketing_objection",
    "objection_recorded",
    "request_match_subject",
    "subject_details",
    "subject_rectify",
    "subject_restrict",
    "subject_restriction_lift",
    "customer_data_forward",
    "customer_data_of",
    "customer_instruction_carry_out",
    "customer_instruction_record",
    "completion_blockers",
    "completion_check",
    "completion_outcome",
    "outcome_record",
]
