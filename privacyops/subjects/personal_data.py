"""Where this app's personal data lives: the registry declarations (see core.registry)."""

from privacyops.core import registry
from privacyops.core.erasure import Strategy

from . import selectors
from .models import (
    Account,
    AccountAssignment,
    AccountContact,
    ActivityEvent,
    ContactPoint,
    CustomerAccessReport,
    CustomerDataAccess,
    CustomerDataset,
    DataSubject,
    LicenseHolderChange,
    PersonalDataChange,
)

registry.register(
    DataSubject,
    category=registry.PERSONAL_INFORMATION,
    subject_path="",
    export_fields=(
        "kind",
        "full_name",
        "title",
        "login_name",
        "external_source",
        "external_id",
        "birth_date",
        "age_band",
        "created_at",
        "last_activity_at",
    ),
    # The row stays as a tombstone so requests and the suppression list can refer to it.
    erasure={
        "full_name": Strategy.BLANK,
        "title": Strategy.BLANK,
        "login_name": Strategy.BLANK,
        "external_id": Strategy.BLANK,
        "birth_date": Strategy.BLANK,
        "age_band": Strategy.BLANK,
    },
    retention_clock="last_activity_at",
)
registry.register(
    ContactPoint,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("kind", "value", "is_primary", "created_at"),
    erasure=registry.DELETE_ROW,
    retention_clock="created_at",
)
registry.register(
    AccountContact,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("account__company_name", "account__account_number", "role"),
    erasure=registry.DELETE_ROW,
    account_path="account",
)
registry.register(
    Account,
    category=registry.PERSONAL_INFORMATION,
    subject_path="license_holder",
    export_fields=(
        "account_number",
        "company_name",
        "registration_number",
        "vat_number",
        "billing_address",
        "license_holder_email",
        "license_holder_phone",
        "status",
        "opened_at",
        "closed_at",
    ),
    erasure={"license_holder_email": Strategy.BLANK, "license_holder_phone": Strategy.BLANK},
    keep_reason="Contract and billing records of the customer: kept for the statutory "
    "accounting period (Accountancy Act), changed only through the account representative.",
    retention_clock="closed_at",
    account_path="",
)
registry.register(
    LicenseHolderChange,
    category=registry.PERSONAL_INFORMATION,
    subject_path="requested_by",
    export_fields=("account__company_name", "channel", "changed_at", "old_values", "new_values"),
    erasure=registry.DELETE_ROW,
    keep_reason="Evidence of changes made on the customer's instruction (contract records).",
    retention_clock="changed_at",
    account_path="account",
)
registry.register(
    PersonalDataChange,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("kind", "contact_kind", "fields", "masked_values", "changed_at"),
    # The record that a change was made stays; what the values were goes with the person.
    erasure={"masked_values": Strategy.BLANK, "values": Strategy.BLANK},
    retention_clock="changed_at",
)
registry.register(
    ActivityEvent,
    category=registry.OTHER_INFORMATION,
    subject_path="subject",
    export_fields=(
        "occurred_at",
        "event_kind",
        "ip",
        "user_agent",
        "browser",
        "operating_system",
        "page",
        "referrer",
        "login",
    ),
    erasure=registry.DELETE_ROW,
    retention_clock="occurred_at",
    # Only the months the subject has events in: PostgreSQL skips the other partitions.
    subject_rows=lambda subject: selectors.activity_events_of(subject=subject),
)
registry.register(
    CustomerDataset,
    category=registry.CUSTOMER_GENERATED_DATA,
    subject_path="subjects",
    export_fields=("account__company_name", "name", "contents", "location"),
    erasure=registry.DELETE_ROW,
    keep_reason="Customer-Generated Data: the customer is the controller. Forward the request "
    "to the customer; nothing is changed without its recorded instruction.",
    retention_clock="created_at",
    account_path="account",
)
registry.not_personal(
    AccountAssignment, reason="Links staff users to accounts; no data-subject data."
)
registry.not_personal(
    CustomerDataAccess,
    reason="Which staff member looked at which customer dataset, when and why (a reason and a "
    "ticket or order reference): the record the customer's monthly report is made from; it "
    "holds no data subject's data.",
)
registry.not_personal(
    CustomerAccessReport,
    reason="A customer's monthly count of staff looks at their hosted data and when it was sent.",
)
