from privacyops.core import registry

from .models import AccountabilityEvent, AccountabilityReport, PolicyParagraph

registry.not_personal(PolicyParagraph, reason="The published privacy policy's own text.")
registry.not_personal(
    AccountabilityEvent, reason="What staff did to the policy's paragraphs and reports."
)
registry.not_personal(
    AccountabilityReport, reason="Counts and evidence in aggregate; no one's personal data."
)
