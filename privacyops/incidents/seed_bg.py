# ruff: noqa: E501, RUF001  (letter wording: one paragraph a line; Bulgarian quotation marks)
"""The incident letters in Bulgarian: the same keys and context as `seed.LETTERS`.

Terms of the official Bulgarian text of Regulation (EU) 2016/679: „нарушение на сигурността
на личните данни“, „надзорен орган“, „администратор“, „обработващ лични данни“.
"""

from .seed import SIGNATURE

ART33_CONTENT_BG = """Администратор: {{ controller.name }}, {{ controller.address }}.
Звено за контакт за повече информация: {{ controller.email }}.

1. Естество на нарушението на сигурността на личните данни
{{ incident.description }}
Начало: {{ incident.started_at|date:"d.m.Y H:i"|default:"все още не е известно" }}. Открито: {{ incident.discovered_at|date:"d.m.Y H:i"|default:"все още не е известно" }}. Узнали сме: {{ incident.aware_at|date:"d.m.Y H:i T" }}.
Категории засегнати лични данни: {{ elements|join:", "|default:"в процес на установяване" }}.
Категории субекти на данни: {{ incident.subject_categories|default:"в процес на установяване" }}.
Приблизителен брой на засегнатите субекти на данни: {{ incident.approx_subjects|default_if_none:"в процес на установяване" }}.
Приблизителен брой на засегнатите записи на лични данни: {{ incident.approx_records|default_if_none:"в процес на установяване" }}.
{% for row in affected %}- {{ row.title }}: {{ row.records }} записа, {{ row.subjects }} субекта на данни ({{ row.get_role_display }})
{% endfor %}
2. Евентуални последици
{{ incident.likely_consequences|default:"В процес на оценка." }}

3. Предприети или предложени мерки
Предприети: {{ incident.measures_taken|default:"В процес на установяване." }}
Предложени: {{ incident.measures_proposed|default:"В процес на установяване." }}

Нашата оценка на риска: {{ incident.get_risk_display|default:"все още не е оценен" }}.
{{ incident.risk_reasoning }}
{% if late %}
Причини за уведомяването след 72 часа (чл. 33, параграф 1):
{{ incident.delay_reasons }}
{% endif %}"""

LETTERS_BG = {
    "acknowledge": (
        "Получихме Вашия сигнал за сигурността {{ incident.reference }}",
        """Благодарим Ви за сигнала. Референтният му номер е {{ incident.reference }}.

Сигналите за сигурността са наш най-висок приоритет: ще го проучим и анализираме и при необходимост ще Ви изпратим актуализация. Моля, посочвайте референтния номер, ако ни пишете по въпроса, и не оповестявайте публично проблема, докато не го отстраним.

С уважение,
"""
        + SIGNATURE,
    ),
    "authority_initial": (
        "Уведомление за нарушение на сигурността на личните данни ({{ incident.reference }})",
        """До {{ authority }}

На основание член 33 от Общия регламент относно защитата на данните Ви уведомяваме за следното нарушение на сигурността на личните данни. Информацията, която все още не е налична, ще предоставим поетапно (член 33, параграф 4).

"""
        + ART33_CONTENT_BG
        + SIGNATURE,
    ),
    "authority_follow_up": (
        "Допълнителна информация за нарушение на сигурността на личните данни {{ incident.reference }}",
        """До {{ authority }}

Във връзка с нашето уведомление{% if previous %} от {{ previous.submitted_at|date:"d.m.Y" }} г.{% endif %}{% if previous.authority_reference %} (Ваш номер {{ previous.authority_reference }}){% endif %} предоставяме следната информация (член 33, параграф 4).

"""
        + ART33_CONTENT_BG
        + SIGNATURE,
    ),
    "customer_notice": (
        "Инцидент със сигурността, засягащ Ваши данни, съхранявани при нас ({{ incident.reference }})",
        """Уважаеми представители на {{ account.company_name }},

В качеството си на обработващ лични данни (член 33, параграф 2 от Общия регламент относно защитата на данните) Ви уведомяваме без ненужно забавяне за нарушение на сигурността на личните данни, което засяга данни, генерирани от клиента (Customer-Generated Data), които съхраняваме за Вас. Вие сте администратор на тези данни: решението дали да уведомите надзорния орган и засегнатите лица е Ваше и ние ще Ви съдействаме.

Какво се е случило: {{ incident.description }}
Засегнати Ваши данни:
{% for row in affected %}- {{ row.title }}: {{ row.records }} записа
{% endfor %}
Предприети мерки: {{ incident.measures_taken|default:"в процес на установяване" }}
Предложени мерки: {{ incident.measures_proposed|default:"в процес на установяване" }}

Моля, потвърдете получаването, като отговорите на този имейл, посочвайки {{ incident.reference }}.

С уважение,
"""
        + SIGNATURE,
    ),
    "subject_communication": (
        "Важно: инцидент със сигурността, засягащ Ваши данни",
        """Здравейте,

Пишем Ви, за да Ви уведомим за инцидент със сигурността, който засяга информация, която съхраняваме за Вас.

Какво се е случило: {{ incident.description }}

Какво може да означава това за Вас: {{ incident.likely_consequences|default:"Все още оценяваме това." }}

Какво сме предприели: {{ incident.measures_taken|default:"Работим по отстраняването му." }}

Какво можете да направите: бъдете внимателни с неочаквани имейли или обаждания, в които се споменава Вашият профил, и сменете паролата си, ако използвате същата и другаде.

Ако имате въпроси, пишете на {{ controller.email }}, като посочите {{ incident.reference }}.

С уважение,
"""
        + SIGNATURE,
    ),
    "reminder": (
        "Срок за нарушение: по {{ incident.reference }} остават {{ hours_left }} ч.",
        """Инцидент {{ incident.reference }} ({{ incident.title }}, {{ incident.get_state_display }}): дружеството е узнало на {{ incident.aware_at|date:"d.m.Y H:i T" }}. Надзорният орган трябва да бъде уведомен до {{ deadline|date:"d.m.Y H:i T" }}: остават {{ hours_left }} ч.""",
    ),
    "escalation": (
        "ПРОСРОЧЕНО: нарушение {{ incident.reference }}, за което не е уведомено в срок от 72 часа",
        """Надзорният орган трябваше да бъде уведомен за инцидент {{ incident.reference }} ({{ incident.title }}, {{ incident.get_state_display }}, отговорник: {{ incident.handler|default:"няма" }}) до {{ deadline|date:"d.m.Y H:i T" }}. Уведомете го незабавно и отразете причините за забавянето (член 33, параграф 1).""",
    ),
    "security_txt_expiry": (
        "security.txt изтича на {{ security_txt.expires_at|date:'d.m.Y' }} г.",
        """Публикуваният файл /.well-known/security.txt изтича на {{ security_txt.expires_at|date:"d.m.Y H:i T" }} и няма да бъде подновен автоматично ({% if not security_txt.auto_renew %}автоматичното подновяване е изключено{% else %}текстът му е преглеждан за последно на {{ security_txt.reviewed_at|date:"d.m.Y" }} г., преди повече от година{% endif %}). Прегледайте го в административния панел; изтекъл файл показва на изследователите, че не могат да му се доверят (RFC 9116).""",
    ),
}
