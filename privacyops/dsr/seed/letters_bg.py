"""The letters in Bulgarian, as seeded: the same keys and context as `letters.LETTERS`.

Formal register; the terms of the official Bulgarian text of Regulation (EU) 2016/679
(„администратор“, „обработващ лични данни“, „надзорен орган“). Dates are written the
Bulgarian way (03.12.2026 г.).
"""

# ruff: noqa: E501, RUF001  (one paragraph of a letter per line; Bulgarian quotation marks)

SIGNATURE = """
{{ controller.name }}
{{ controller.address }}
{{ controller.email }}"""

GREETING = "Уважаеми(а) {{ request.requester_name }},"
DATE = '{{ request.due_date|date:"d.m.Y" }} г.'

LETTERS_BG = {
    "acknowledge": (
        "Получихме Вашето искане относно лични данни {{ request.reference }}",
        GREETING
        + """

{% if original %}Вече имате неприключило искане от същия вид – {{ original.reference }}. Свързахме настоящото искане с него и ще отговорим и на двете заедно, не по-късно от {{ original.due_date|date:"d.m.Y" }} г.
{% else %}Получихме Вашето искане ({{ request.get_request_type_display }}) с референтен номер {{ request.reference }}. Ще Ви отговорим не по-късно от """
        + DATE
        + """
{% endif %}
Ако имате въпроси, отговорете на този имейл, като посочите референтния номер.

С уважение,
"""
        + SIGNATURE,
    ),
    "verify": (
        "Моля, потвърдете искането си относно лични данни {{ request.reference }}",
        GREETING
        + """

Преди да предприемем действия по Вашето искане ({{ request.get_request_type_display }}), трябва да се уверим, че то изхожда от Вас.
{% if link %}
Моля, потвърдете го, като отворите следната връзка в рамките на няколко дни:

{{ link }}

Ако не сте подавали това искане, не предприемайте нищо – без потвърждение искането няма да бъде разгледано.
{% else %}
Моля, изпратете ни доказателство за самоличността си (например като ни пишете от имейл адреса, който използвате при нас, или като ни изпратите копие от документ за самоличност, на което всичко освен името и снимката е заличено).
{% endif %}
Срокът за отговор не тече, докато очакваме това потвърждение.

С уважение,
"""
        + SIGNATURE,
    ),
    "extend": (
        "Вашето искане {{ request.reference }}: необходимо е допълнително време",
        GREETING
        + """

Необходимо ни е допълнително време, за да отговорим на Вашето искане {{ request.reference }}, както позволява член 12, параграф 3 от Общия регламент относно защитата на данните. Ще Ви отговорим не по-късно от """
        + DATE
        + """

Причина: {{ request.extension_reason }}

С уважение,
"""
        + SIGNATURE,
    ),
    "complete": (
        "Вашето искане {{ request.reference }} е изпълнено",
        GREETING
        + """

Изпълнихме Вашето искане {{ request.reference }} ({{ request.get_request_type_display }}).
{% if outcome %}
{{ outcome }}
{% endif %}
Ако не сте удовлетворени от начина, по който разгледахме искането, имате право да подадете жалба до надзорния орган: {{ authority }}.

С уважение,
"""
        + SIGNATURE,
    ),
    "refuse": (
        "Вашето искане относно лични данни {{ request.reference }}",
        GREETING
        + """

Няма да предприемем действия по Вашето искане {{ request.reference }} ({{ request.get_request_type_display }}).

Причина: {{ request.resolution_reason }}

Имате право да подадете жалба до надзорния орган – {{ authority }}, както и право на защита по съдебен ред (член 12, параграф 4, член 77 и член 79 от Общия регламент относно защитата на данните).

С уважение,
"""
        + SIGNATURE,
    ),
    "redirect": (
        "Вашето искане {{ request.reference }}: към кого да се обърнете",
        GREETING
        + """

Данните, за които се отнася Вашето искане {{ request.reference }}, се обработват от нас от името на наш клиент{% if request.redirect_to %} – {{ request.redirect_to.company_name }}{% endif %}, който определя какво се случва с тях: той е администратор на данните, а ние сме обработващ лични данни, който ги обработва от негово име. Моля, изпратете искането си до него. Ние го уведомихме за Вашето искане.

{{ request.resolution_reason }}

С уважение,
"""
        + SIGNATURE,
    ),
    "redirect_customer": (
        "Искане относно лични данни, на които сте администратор ({{ request.reference }})",
        """Уважаеми представители на {{ account.company_name }},

Получихме искане относно лични данни ({{ request.get_request_type_display }}) от {{ request.requester_name }}{% if request.requester_email %} <{{ request.requester_email }}>{% endif %}, което се отнася до данни, съхранявани от Вас при нас като данни, генерирани от клиента (Customer-Generated Data). Вие сте администратор на тези данни, затова помолихме заявителя да се обърне към Вас. Като обработващ лични данни ще Ви съдействаме при отговора на искането.

Предоставени подробности: {{ request.details|default:"няма" }}

С уважение,
"""
        + SIGNATURE,
    ),
    "unconfirmed_closed": (
        "Вашето искане {{ request.reference }} е приключено",
        GREETING
        + """

Вашето искане {{ request.reference }} не беше потвърдено, затова го приключихме, без да предприемаме действия по него. Можете да го подадете отново по всяко време.

С уважение,
"""
        + SIGNATURE,
    ),
    "withdrawn": (
        "Вашето искане {{ request.reference }} е оттеглено",
        GREETING
        + """

Както поискахте, приключихме Вашето искане {{ request.reference }}, без да предприемаме действия по него.

С уважение,
"""
        + SIGNATURE,
    ),
    "reminder": (
        "Напомняне: срокът по {{ request.reference }} изтича след {{ days_left }} {% if days_left == 1 %}ден{% else %}дни{% endif %}",
        """Искането относно лични данни {{ request.reference }} ({{ request.get_request_type_display }}, {{ request.get_state_display }}) трябва да получи отговор до """
        + DATE
        + """: остават {{ days_left }} {% if days_left == 1 %}ден{% else %}дни{% endif %}.""",
    ),
    "escalation": (
        "ПРОСРОЧЕНО: искане относно лични данни {{ request.reference }}",
        """Срокът за отговор на искането относно лични данни {{ request.reference }} ({{ request.get_request_type_display }}, {{ request.get_state_display }}, отговорник: {{ request.assignee|default:"няма" }}) изтече на """
        + DATE
        + """, а отговор не е даден.""",
    ),
}
