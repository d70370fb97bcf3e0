"""Children's records in the personal-data registry (see models/children.py).

A child's declaration and Legal's alert are kept when the child's data is erased: they are
the evidence that the company acted on the policy's promise about children (GDPR Art. 5(2)),
and name the person only by reference. The erasure certificate holds no erased value.
"""

from privacyops.core import registry

from .models.children import ChildDeclaration, ChildErasure, MinorAlert

CHILD_EVIDENCE = (
    "Kept as evidence that a child's data was noticed and acted on (GDPR Art. 5(2)); it holds "
    "no personal detail beyond the reference."
)

registry.register(
    ChildDeclaration,
    category=registry.PERSONAL_INFORMATION,
    subject_path="request__subject",
    export_fields=("request_id", "declared_at", "guardian_page_shown"),
    erasure=registry.DELETE_ROW,
    retention_clock="declared_at",
    keep_reason=CHILD_EVIDENCE,
)
registry.register(
    MinorAlert,
    category=registry.PERSONAL_INFORMATION,
    subject_path="subject",
    export_fields=("reason", "alerted_at"),
    erasure=registry.DELETE_ROW,
    retention_clock="alerted_at",
    keep_reason=CHILD_EVIDENCE,
)
registry.not_personal(
    ChildErasure, reason="What kinds of a child's records were erased and why; no erased value."
)
