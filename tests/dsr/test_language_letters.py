"""Letters outside privacy requests in both languages: the incident letters (seeded in English
and Bulgarian, the reporter acknowledged in the language of the page they reported on)."""

import pytest
from django.core import mail
from django.core.cache import cache

from privacyops.incidents import letters
from privacyops.incidents.models import Incident, LetterTemplate
from privacyops.incidents.seed import LETTERS
from privacyops.incidents.seed_bg import LETTERS_BG
from tests.incidents.factories import reported

pytestmark = pytest.mark.django_db
REPORT = {
    "kind": "incident",
    "title": "Изтичане на данни",
    "description": "Списък с имейли на клиенти е публикуван в интернет.",
    "email": "mila@example.bg",
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def test_every_incident_letter_exists_in_both_languages():
    assert set(LETTERS_BG) == set(LETTERS)
    stored = set(LetterTemplate.objects.values_list("key", "language"))
    assert stored == {(key, language) for key in LETTERS for language in ("en", "bg")}


@pytest.mark.parametrize("key", sorted(LETTERS))
def test_every_bulgarian_incident_letter_renders_in_bulgarian(key):
    incident = reported()
    context = {"incident": incident, "hours_left": 5, "affected": [], "elements": []}
    subject, body = letters.render(key, context, "bg")
    assert (subject, body) != letters.render(key, context, "en")
    assert "{{" not in body and "{%" not in body
    assert "Kind regards" not in body and "Dear" not in body


def test_the_report_page_in_bulgarian_is_acknowledged_in_bulgarian(
    raw_client, django_capture_on_commit_callbacks
):
    page = raw_client.get("/security/report/", HTTP_ACCEPT_LANGUAGE="bg")
    assert "Съобщете за уязвимост или инцидент със сигурността" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = raw_client.post("/security/report/", REPORT, HTTP_ACCEPT_LANGUAGE="bg")
    assert "Сигналът Ви е получен" in answer.content.decode()
    incident = Incident.objects.get()
    (letter,) = mail.outbox
    assert letter.subject == f"Получихме Вашия сигнал за сигурността {incident.reference}"


def test_the_report_page_in_english_is_acknowledged_in_english(
    raw_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        raw_client.post("/security/report/", REPORT, HTTP_ACCEPT_LANGUAGE="en")
    assert mail.outbox[0].subject.startswith("We have received your security report")


def test_a_letter_missing_in_bulgarian_falls_back_on_english():
    LetterTemplate.objects.filter(key="acknowledge", language="bg").delete()
    LetterTemplate.objects.filter(key="acknowledge", language="en").update(subject="EN edited")
    assert letters.render("acknowledge", {"incident": reported()}, "bg")[0] == "EN edited"
