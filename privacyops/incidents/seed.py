# ruff: noqa: E501  (letter wording: one paragraph a line, as the admin shows it)
"""Reference data of incidents: letter wording and beat schedules.

The data migration seeds the database from here, and the runtime falls back to it when a
template was deleted in the admin (a letter the law requires must still go out).
"""

SIGNATURE = """
{{ controller.name }}
{{ controller.address }}
{{ controller.email }}"""

# Art. 33(3): (a) nature, categories and approximate numbers of people and records;
# (b) contact point; (c) likely consequences; (d) measures taken or proposed.
ART33_CONTENT = """Controller: {{ controller.name }}, {{ controller.address }}.
Contact point for more information: {{ controller.email }}.

1. Nature of the personal-data breach
{{ incident.description }}
Started: {{ incident.started_at|date:"j F Y H:i"|default:"not yet known" }}. Discovered: {{ incident.discovered_at|date:"j F Y H:i"|default:"not yet known" }}. We became aware: {{ incident.aware_at|date:"j F Y H:i T" }}.
Categories of personal data concerned: {{ elements|join:", "|default:"being established" }}.
Categories of data subjects: {{ incident.subject_categories|default:"being established" }}.
Approximate number of data subjects: {{ incident.approx_subjects|default_if_none:"being established" }}.
Approximate number of personal-data records: {{ incident.approx_records|default_if_none:"being established" }}.
{% for row in affected %}- {{ row.title }}: {{ row.records }} records, {{ row.subjects }} data subjects ({{ row.get_role_display }})
{% endfor %}
2. Likely consequences
{{ incident.likely_consequences|default:"Being assessed." }}

3. Measures taken or proposed
Taken: {{ incident.measures_taken|default:"Being established." }}
Proposed: {{ incident.measures_proposed|default:"Being established." }}

Our assessment of the risk: {{ incident.get_risk_display|default:"not yet assessed" }}.
{{ incident.risk_reasoning }}
{% if late %}
Reasons for notifying after 72 hours (Art. 33(1)):
{{ incident.delay_reasons }}
{% endif %}"""

LETTERS = {
    "acknowledge": (
        "We have received your security report {{ incident.reference }}",
        """Thank you for your report. Its reference is {{ incident.reference }}.

Security reports are our highest priority: we will research and analyse it and, where needed, deliver an update. Please quote the reference if you write to us about it, and do not disclose the issue publicly until we have resolved it.

Kind regards,
"""
        + SIGNATURE,
    ),
    "authority_initial": (
        "Notification of a personal-data breach ({{ incident.reference }})",
        """To the {{ authority }}

Under Article 33 of the GDPR we notify the following personal-data breach. Where information is not yet available we will provide it in phases (Art. 33(4)).

"""
        + ART33_CONTENT
        + SIGNATURE,
    ),
    "authority_follow_up": (
        "Further information on personal-data breach {{ incident.reference }}",
        """To the {{ authority }}

Further to our notification{% if previous %} of {{ previous.submitted_at|date:"j F Y" }}{% endif %}{% if previous.authority_reference %} (your reference {{ previous.authority_reference }}){% endif %}, we provide the following information (Art. 33(4)).

"""
        + ART33_CONTENT
        + SIGNATURE,
    ),
    "customer_notice": (
        "Security incident affecting your data hosted with us ({{ incident.reference }})",
        """Dear {{ account.company_name }},

As your processor (Art. 33(2) GDPR), we inform you without undue delay of a personal-data breach affecting Customer-Generated Data we host for you. You are the controller of this data: the decision to notify your supervisory authority and the people concerned is yours, and we will help you with it.

What happened: {{ incident.description }}
Your data concerned:
{% for row in affected %}- {{ row.title }}: {{ row.records }} records
{% endfor %}
Measures taken: {{ incident.measures_taken|default:"being established" }}
Measures proposed: {{ incident.measures_proposed|default:"being established" }}

Please acknowledge receipt by replying to this e-mail quoting {{ incident.reference }}.

Kind regards,
"""
        + SIGNATURE,
    ),
    "subject_communication": (
        "Important: a security incident concerning your data",
        """Hello,

We are writing to tell you about a security incident that concerns information we hold about you.

What happened: {{ incident.description }}

What this may mean for you: {{ incident.likely_consequences|default:"We are still assessing this." }}

What we have done: {{ incident.measures_taken|default:"We are dealing with it." }}

What you can do: be careful with unexpected e-mails or calls that mention your account, and change your password if you use the same one elsewhere.

If you have questions, write to {{ controller.email }} quoting {{ incident.reference }}.

Kind regards,
"""
        + SIGNATURE,
    ),
    "reminder": (
        "Breach clock: {{ incident.reference }} has {{ hours_left }} hour{{ hours_left|pluralize }} left",
        """Incident {{ incident.reference }} ({{ incident.title }}, {{ incident.get_state_display }}): the company became aware on {{ incident.aware_at|date:"j F Y H:i T" }}. The supervisory authority must be notified by {{ deadline|date:"j F Y H:i T" }}: {{ hours_left }} hour{{ hours_left|pluralize }} left.""",
    ),
    "escalation": (
        "OVERDUE: breach {{ incident.reference }} not notified within 72 hours",
        """Incident {{ incident.reference }} ({{ incident.title }}, {{ incident.get_state_display }}, handled by {{ incident.handler|default:"nobody" }}) had to be notified to the supervisory authority by {{ deadline|date:"j F Y H:i T" }}. Notify it now and record the reasons for the delay (Art. 33(1)).""",
    ),
    "security_txt_expiry": (
        "security.txt expires on {{ security_txt.expires_at|date:'j F Y' }}",
        """The published /.well-known/security.txt expires on {{ security_txt.expires_at|date:"j F Y H:i T" }} and will not be renewed automatically ({% if not security_txt.auto_renew %}automatic renewal is off{% else %}its text was last reviewed on {{ security_txt.reviewed_at|date:"j F Y" }}, more than a year ago{% endif %}). Review it in the admin; an expired file tells researchers not to trust it (RFC 9116).""",
    ),
}

SCHEDULES = [
    (
        "Incidents: breach clock reminders and escalations",
        "incidents.clock_reminders",
        {"minute": "*/15"},
        "Reminds Legal 24, 48 and 66 hours after awareness; escalates when 72 hours passed.",
    ),
    (
        "Incidents: renew security.txt",
        "incidents.security_txt_renew",
        {"minute": "30", "hour": "5"},
        "Moves the Expires of security.txt forward; warns Legal before it lapses.",
    ),
]

# Days: renew when the expiry is this close; warn Legal when a lapse is this close.
SECURITY_TXT_VALID_DAYS = 180
SECURITY_TXT_RENEW_DAYS = 30
SECURITY_TXT_WARN_DAYS = 14
