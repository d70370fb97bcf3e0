"""The services of privacy requests: every write of a request and its file goes through here.

- `requests`: intake, the lifecycle (`request_transition` asks the transition table, keeps the
  legal clock, writes the history and the letter), identity, extension, assignment.
- `steps`: `request_next_steps`, the legal next steps the admin offers.
- `events`: `request_event_record`, the one writer of a request's history, and
  `request_locked`, the row lock every writer takes; `letters`: `letter_send`.
- Fulfilment, over the personal-data registry (privacyops.core.registry), each step leaving
  its own kind of history entry in the transaction of its change:
  `access` (the package, built by a Celery task, offered by a signed link that expires),
  `erasure` (a preview Legal approves, then exactly that, with a certificate), `subject`
  (rectification, restriction, objection to direct marketing, matching a subject),
  `customer` (Customer-Generated Data: forwarded to the customer, touched only on its word),
  `recipients` (the Art. 19 notifications), `completion` (what still blocks completion, the
  outcome in the completion letter, the response time).

Import from here: `from privacyops.dsr import services; services.request_extend(...)`. The
modules of this package import each other directly, never this package. The services' clock
is `services.requests.today` (tests move it there).
"""

from .access import (
    PACKAGE_JOB,
    PACKAGE_SALT,
    access_package_build,
    access_package_discard,
    access_package_download,
    access_package_for_token,
    access_package_link,
    access_package_open,
    access_package_request,
    access_packages_expire,
    package_link_days,
    package_path,
)
from .children import (
    child_declaration_record,
    child_erasure_execute,
    child_erasure_preview,
    minors_alert,
)
from .completion import completion_blockers, completion_check, completion_outcome, outcome_record
from .customer import (
    customer_data_forward,
    customer_data_of,
    customer_instruction_carry_out,
    customer_instruction_record,
)
from .erasure import erasure_execute, erasure_preview, plan_fingerprint
from .errors import (
    CompletionBlocked,
    ConfirmationInvalid,
    FulfilmentError,
    PackageUnavailable,
    RequestError,
)
from .events import (
    request_event_new,
    request_event_record,
    request_events_record,
    request_locked,
)
from .fulfilment import ACCESS_TYPES, CGD, OBJECTION_TYPES, fulfilment_step_check
from .letters import letter_send
from .recipients import (
    categories_held,
    recipient_notification_mark,
    recipient_notifications_create,
    recipients_of,
)
from .requests import (
    CONFIRMATION_SALT,
    compute_due_date,
    extension_refusal,
    request_assign,
    request_confirm,
    request_extend,
    request_link_duplicate,
    request_record_download,
    request_redirect,
    request_refuse,
    request_submit,
    request_transition,
    request_verify_identity,
    requests_assign,
)
from .steps import STEP_EXTEND, STEP_VERIFY_IDENTITY, NextStep, request_next_steps
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
    "child_declaration_record",
    "child_erasure_execute",
    "child_erasure_preview",
    "minors_alert",
    "ACCESS_TYPES",
    "CGD",
    "CONFIRMATION_SALT",
    "OBJECTION_TYPES",
    "PACKAGE_JOB",
    "PACKAGE_SALT",
    "RECTIFIABLE_FIELDS",
    "STEP_EXTEND",
    "STEP_VERIFY_IDENTITY",
    "CompletionBlocked",
    "ConfirmationInvalid",
    "FulfilmentError",
    "NextStep",
    "PackageUnavailable",
    "RequestError",
    "access_package_build",
    "access_package_discard",
    "access_package_download",
    "access_package_for_token",
    "access_package_link",
    "access_package_open",
    "access_package_request",
    "access_packages_expire",
    "categories_held",
    "completion_blockers",
    "completion_check",
    "completion_outcome",
    "compute_due_date",
    "customer_data_forward",
    "customer_data_of",
    "customer_instruction_carry_out",
    "customer_instruction_record",
    "erasure_execute",
    "erasure_preview",
    "extension_refusal",
    "fulfilment_step_check",
    "letter_send",
    "marketing_objection",
    "objection_recorded",
    "outcome_record",
    "package_link_days",
    "package_path",
    "plan_fingerprint",
    "recipient_notification_mark",
    "recipient_notifications_create",
    "recipients_of",
    "request_assign",
    "request_confirm",
    "request_event_new",
    "request_event_record",
    "request_events_record",
    "request_extend",
    "request_link_duplicate",
    "request_locked",
    "request_match_subject",
    "request_next_steps",
    "request_record_download",
    "request_redirect",
    "request_refuse",
    "request_submit",
    "request_transition",
    "request_verify_identity",
    "requests_assign",
    "subject_details",
    "subject_rectify",
    "subject_restrict",
    "subject_restriction_lift",
]
