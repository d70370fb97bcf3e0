"""This app's declarations in the personal-data registry (see core.registry)."""

from privacyops.core import registry

from .models import DispositionReview, LegalHold, PurgeRun, RetentionEvent, RetentionRule

registry.not_personal(RetentionRule, reason="A rule about kinds of data, not about anyone.")
registry.not_personal(
    LegalHold,
    reason="The company's record of a legal matter; it points at a subject or account but "
    "holds no data about them beyond the matter, and is kept as evidence of the hold.",
)
registry.not_personal(PurgeRun, reason="Counts of disposed records; no personal values.")
registry.not_personal(
    DispositionReview,
    reason="Legal's decision with counts and a small sample of record keys and dates.",
)
registry.not_personal(RetentionEvent, reason="History of rules, holds and reviews.")
