"""The policy-change letter as first seeded (Legal edits it in the admin) and its daily run."""

LETTERS = {
    "en": {
        "subject": "Our privacy policy changes on {{ effective_from }}",
        "body": """Dear customer,

We are updating our privacy policy. Version {{ version }} takes effect on {{ effective_from }}.

What changes:
{{ summary }}

You can read the new policy at {{ policy_url }}. If you have questions, or do not agree with
the changes, please write to us before that date.

{{ controller }}
""",
    },
    "bg": {
        "subject": "Политиката ни за поверителност се променя от {{ effective_from }}",
        "body": """Уважаеми клиенти,

Актуализираме политиката си за поверителност. Версия {{ version }} влиза в сила от
{{ effective_from }}.

Какво се променя:
{{ summary }}

Новата политика е на адрес {{ policy_url }}. Ако имате въпроси или не сте съгласни с
промените, моля, пишете ни преди тази дата.

{{ controller }}
""",
    },
}

SCHEDULE_NAME = "Privacy-policy change notices (daily)"
SCHEDULE_TASK = "marketing.policy_notices_due"
SCHEDULE_CRONTAB = {"minute": "15", "hour": "9"}
