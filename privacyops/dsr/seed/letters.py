"""The letters as seeded: the data migrations write them, and the runtime falls back on them.

A letter the law requires must still go out when someone deleted its template in the admin;
`seeded_letter` gives the wording the migrations leave in a fresh database.
"""

# ruff: noqa: E501  (one paragraph of a letter per line, as it is e-mailed)

from .letters_bg import LETTERS_BG

SIGNATURE = """
{{ controller.name }}
{{ controller.address }}
{{ controller.email }}"""

LETTERS = {
    "acknowledge": (
        "We have received your privacy request {{ request.reference }}",
        """Dear {{ request.requester_name }},

{% if original %}You already have an open request of the same kind, {{ original.reference }}. We have linked this one to it and will answer both together, by {{ original.due_date|date:"j F Y" }} at the latest.
{% else %}We have received your request ({{ request.get_request_type_display }}), reference {{ request.reference }}. We will answer by {{ request.due_date|date:"j F Y" }} at the latest.
{% endif %}
If you have questions, reply to this e-mail quoting the reference.

Kind regards,
"""
        + SIGNATURE,
    ),
    "verify": (
        "Please confirm your privacy request {{ request.reference }}",
        """Dear {{ request.requester_name }},

Before we act on your request ({{ request.get_request_type_display }}), we need to be sure it comes from you.
{% if link %}
Please confirm it by opening this link within a few days:

{{ link }}

If you did not make this request, ignore this e-mail and nothing will happen.
{% else %}
Please reply with proof of your identity (for example by writing from the e-mail address you use with us, or by sending a copy of an identity document with everything but your name and photo blacked out).
{% endif %}
The time we have to answer does not run while we wait for this confirmation.

Kind regards,
"""
        + SIGNATURE,
    ),
    "extend": (
        "Your privacy request {{ request.reference }}: more time needed",
        """Dear {{ request.requester_name }},

We need more time to answer your request {{ request.reference }}, as GDPR Art. 12(3) allows. We will answer by {{ request.due_date|date:"j F Y" }} at the latest.

Reason: {{ request.extension_reason }}

Kind regards,
"""
        + SIGNATURE,
    ),
    "complete": (
        "Your privacy request {{ request.reference }} is complete",
        """Dear {{ request.requester_name }},

We have completed your request {{ request.reference }} ({{ request.get_request_type_display }}).

If you are not satisfied with how we handled it, you have the right to lodge a complaint with the supervisory authority: {{ authority }}.

Kind regards,
"""
        + SIGNATURE,
    ),
    "refuse": (
        "Your privacy request {{ request.reference }}",
        """Dear {{ request.requester_name }},

We will not act on your request {{ request.reference }} ({{ request.get_request_type_display }}).

Reason: {{ request.resolution_reason }}

You have the right to lodge a complaint with the supervisory authority, {{ authority }}, and to seek a judicial remedy (GDPR Art. 12(4), 77 and 79).

Kind regards,
"""
        + SIGNATURE,
    ),
    "redirect": (
        "Your privacy request {{ request.reference }}: whom to ask",
        """Dear {{ request.requester_name }},

The data your request {{ request.reference }} is about is held by us on behalf of our customer{% if request.redirect_to %}, {{ request.redirect_to.company_name }}{% endif %}, which decides what happens to it (it is the controller; we only process it for them). Please send your request to them. We have told them about it.

{{ request.resolution_reason }}

Kind regards,
"""
        + SIGNATURE,
    ),
    "redirect_customer": (
        "A privacy request about data you control ({{ request.reference }})",
        """Dear {{ account.company_name }},

We received a privacy request ({{ request.get_request_type_display }}) from {{ request.requester_name }}{% if request.requester_email %} <{{ request.requester_email }}>{% endif %} about data you host with us as Customer-Generated Data. You are the controller of that data, so we have asked the requester to contact you. We will assist you in answering it as your processor.

Details given: {{ request.details|default:"none" }}

Kind regards,
"""
        + SIGNATURE,
    ),
    "unconfirmed_closed": (
        "Your privacy request {{ request.reference }} has been closed",
        """Dear {{ request.requester_name }},

Your request {{ request.reference }} was never confirmed, so we have closed it without acting on it. You are welcome to submit it again at any time.

Kind regards,
"""
        + SIGNATURE,
    ),
    "withdrawn": (
        "Your privacy request {{ request.reference }} is withdrawn",
        """Dear {{ request.requester_name }},

As you asked, we have closed your request {{ request.reference }} without acting on it.

Kind regards,
"""
        + SIGNATURE,
    ),
    "reminder": (
        "Reminder: {{ request.reference }} is due in {{ days_left }} day{{ days_left|pluralize }}",
        """Privacy request {{ request.reference }} ({{ request.get_request_type_display }}, {{ request.get_state_display }}) must be answered by {{ request.due_date|date:"j F Y" }}: {{ days_left }} day{{ days_left|pluralize }} left.""",
    ),
    "escalation": (
        "OVERDUE: privacy request {{ request.reference }}",
        """Privacy request {{ request.reference }} ({{ request.get_request_type_display }}, {{ request.get_state_display }}, handled by {{ request.assignee|default:"nobody" }}) was due on {{ request.due_date|date:"j F Y" }} and has not been answered.""",
    ),
}


# Migration 0004 adds what was done (the package link, the erasure summary) to the completion
# letter, after this anchor, in a letter still worded as seeded.
COMPLETION_OUTCOME = "{% if outcome %}\n{{ outcome }}\n{% endif %}"
COMPLETION_ANCHOR = "({{ request.get_request_type_display }}).\n"


def with_completion_outcome(body: str) -> str:
    """The completion letter's body with the outcome paragraph (unchanged if it has one)."""
    if "{{ outcome" in body or COMPLETION_ANCHOR not in body:
        return body
    return body.replace(COMPLETION_ANCHOR, COMPLETION_ANCHOR + COMPLETION_OUTCOME, 1)


def seeded_letter(key: str, language: str = "en") -> tuple[str, str]:
    """(subject, body) of letter `key` in `language` as the migrations seed it (English for a
    language without seeded letters)."""
    if language == "bg":
        return LETTERS_BG[key]
    subject, body = LETTERS[key]
    return subject, with_completion_outcome(body) if key == "complete" else body


# Every language of settings.LANGUAGES and its letters as seeded (English first).
SEEDED_LANGUAGES = ("en", "bg")
