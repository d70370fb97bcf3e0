"""The requester's language: captured at intake (the form, Accept-Language, the API, staff),
stored on the request, and every letter to them written in it (English as the fallback)."""

import datetime

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from privacyops.core import roles
from privacyops.dsr import jobs, letters
from privacyops.dsr.lifecycle import State
from privacyops.dsr.models import MessageTemplate, PrivacyRequest
from privacyops.dsr.seed.letters import LETTERS
from privacyops.dsr.seed.letters_bg import LETTERS_BG
from privacyops.dsr.services import request_submit, request_transition
from tests.api.factories import api_client
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/privacy/request/"
FORM = {
    "request_type": "erasure",
    "name": "Мария Иванова",
    "email": "maria@example.bg",
    "details": "Моля, изтрийте данните ми.",
    "age": "18_plus",
}


@pytest.fixture(autouse=True)
def fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def confirm_path(message) -> str:
    link = next(line.strip() for line in message.body.splitlines() if "/confirm/" in line)
    return link[link.index("/privacy/") :]


def test_the_form_in_bulgarian_records_bg_and_writes_both_letters_in_bulgarian(
    client, django_capture_on_commit_callbacks
):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="bg-BG,bg;q=0.9,en;q=0.5")
    text = page.content.decode()
    assert '<html lang="bg">' in text
    assert "Вашите права" in text and "Изпрати искането" in text
    assert "Изтриване (чл. 17)" in text  # the rights, as choices, in Bulgarian
    assert '<option value="bg" selected' in text  # the letters' language defaults to the page's

    with django_capture_on_commit_callbacks(execute=True):
        submitted = client.post(URL, {**FORM, "language": "bg"}, HTTP_ACCEPT_LANGUAGE="bg")
    assert "Моля, проверете електронната си поща" in submitted.content.decode()
    request = PrivacyRequest.objects.get()
    assert request.language == "bg"
    verify = mail.outbox[-1]
    assert verify.subject == f"Моля, потвърдете искането си относно лични данни {request.reference}"
    assert "Уважаеми(а) Мария Иванова," in verify.body
    assert "(Изтриване (чл. 17))" in verify.body

    # The confirmation page, then the acknowledgement, in Bulgarian as well.
    path = confirm_path(verify)
    assert "Потвърдете искането си" in client.get(path, HTTP_ACCEPT_LANGUAGE="bg").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(path, HTTP_ACCEPT_LANGUAGE="bg")
    assert "Искането е потвърдено" in confirmed.content.decode()
    acknowledgement = mail.outbox[-1]
    request.refresh_from_db()
    assert request.state == State.IN_PROGRESS
    assert acknowledgement.subject == (
        f"Получихме Вашето искане относно лични данни {request.reference}"
    )
    assert f"не по-късно от {request.due_date:%d.%m.%Y} г." in acknowledgement.body
    # The history keeps the letter as sent, and in which language.
    assert request.events.filter(data__language="bg", data__template="acknowledge").exists()


def test_an_english_page_and_no_choice_mean_english(client, django_capture_on_commit_callbacks):
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.8")
    assert '<html lang="en">' in page.content.decode() and b"Your privacy rights" in page.content
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**FORM, "language": ""}, HTTP_ACCEPT_LANGUAGE="en-US")
    assert PrivacyRequest.objects.get().language == "en"
    assert mail.outbox[-1].subject.startswith("Please confirm your privacy request")


def test_the_choice_on_the_form_wins_over_the_browser(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {**FORM, "language": "en"}, HTTP_ACCEPT_LANGUAGE="bg")
    assert PrivacyRequest.objects.get().language == "en"
    assert mail.outbox[-1].subject.startswith("Please confirm")


def test_without_a_choice_the_browser_language_is_recorded(client):
    client.post(URL, FORM, HTTP_ACCEPT_LANGUAGE="bg-BG")
    assert PrivacyRequest.objects.get().language == "bg"


def test_the_language_switch_sets_the_cookie_and_the_page_follows(client):
    response = client.post("/i18n/setlang/", {"language": "bg", "next": URL})
    assert response.status_code == 302 and response["Location"] == URL
    assert "Вашите права" in client.get(URL).content.decode()  # the cookie, no Accept-Language
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    assert b"Your privacy rights" in client.get(URL, HTTP_ACCEPT_LANGUAGE="bg").content


def test_the_api_takes_the_language_from_the_body_or_accept_language(
    client, django_capture_on_commit_callbacks
):
    _, key = api_client(name="Site", scopes=("requests:write",))
    body = {"request_type": "access", "name": "Петър Петров", "email": "petar@example.bg"}
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    with django_capture_on_commit_callbacks(execute=True):
        by_body = client.post(
            "/api/v1/requests/",
            {**body, "language": "bg"},
            content_type="application/json",
            **headers,
        )
    assert by_body.status_code == 201, by_body.content
    assert PrivacyRequest.objects.get().language == "bg"
    assert mail.outbox[-1].subject.startswith("Моля, потвърдете")
    client.post(
        "/api/v1/requests/",
        {**body, "email": "other@example.bg"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="bg",
        **headers,
    )
    assert PrivacyRequest.objects.order_by("-pk").first().language == "bg"
    refused = client.post(
        "/api/v1/requests/",
        {**body, "language": "fr"},
        content_type="application/json",
        **headers,
    )
    assert refused.status_code == 400 and "language" in refused.json()["fields"]


def test_staff_record_the_language_and_see_it_on_the_request(
    client, django_capture_on_commit_callbacks
):
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:dsr_privacyrequest_add"),
            {
                "request_type": "access",
                "channel": "email",
                "regime": "GDPR",
                "received_at_0": "2026-11-30",
                "received_at_1": "10:00:00",
                "requester_name": "Георги Димитров",
                "requester_email": "georgi@example.bg",
                "language": "bg",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    request = PrivacyRequest.objects.get()
    assert request.language == "bg"
    assert mail.outbox[-1].subject.startswith("Получихме Вашето искане")
    change = client.get(reverse("admin:dsr_privacyrequest_change", args=[request.pk]))
    assert b"Language of the letters" in change.content and "Български" in change.content.decode()


def test_every_letter_exists_in_both_languages():
    assert set(LETTERS_BG) == set(LETTERS) == set(MessageTemplate.Key.values)
    stored = set(MessageTemplate.objects.values_list("key", "language"))
    assert stored == {(key, language) for key in LETTERS for language in ("en", "bg")}


def _request(**extra) -> PrivacyRequest:
    return request_submit(
        request_type="access",
        channel="email",
        requester_name="Мария Иванова",
        requester_email="maria@example.bg",
        language="bg",
        **extra,
    )


@pytest.mark.parametrize("key", sorted(LETTERS))
def test_every_bulgarian_letter_renders_in_bulgarian(key):
    request = _request()
    subject, body = letters.render(key, {"request": request, "days_left": 2, "link": "L"}, "bg")
    assert (subject, body) != letters.render(key, {"request": request, "days_left": 2}, "en")
    assert "{{" not in body and "{%" not in body
    assert "Dear" not in body and "Kind regards" not in body


def test_a_letter_missing_in_bulgarian_goes_out_in_english_then_as_seeded(
    django_capture_on_commit_callbacks,
):
    MessageTemplate.objects.filter(key="acknowledge", language="bg").delete()
    MessageTemplate.objects.filter(key="acknowledge", language="en").update(subject="EN edited")
    with django_capture_on_commit_callbacks(execute=True):
        _request()
    assert mail.outbox[-1].subject == "EN edited"
    MessageTemplate.objects.filter(key="acknowledge").delete()
    with django_capture_on_commit_callbacks(execute=True):
        _request(details="again")
    assert mail.outbox[-1].subject.startswith("Получихме Вашето искане")


def test_an_edit_of_the_bulgarian_letter_is_what_goes_out(django_capture_on_commit_callbacks):
    MessageTemplate.objects.filter(key="acknowledge", language="bg").update(
        subject="Редактирано {{ request.reference }}"
    )
    with django_capture_on_commit_callbacks(execute=True):
        request = _request()
    assert mail.outbox[-1].subject == f"Редактирано {request.reference}"


def test_the_completion_letter_states_the_right_to_complain_in_bulgarian(
    django_capture_on_commit_callbacks,
):
    request = _request()
    with django_capture_on_commit_callbacks(execute=True):
        request_transition(request=request, to=State.REFUSED, reason="Явно неоснователно.", by=None)
    refusal = mail.outbox[-1]
    assert "Причина: Явно неоснователно." in refusal.body
    assert "право да подадете жалба до надзорния орган" in refusal.body


def test_staff_reminders_stay_in_english_for_a_bulgarian_request(
    django_capture_on_commit_callbacks,
):
    UserFactory(username="lena", role=roles.LEGAL, email="lena@infoserv.eu")
    request = _request()
    PrivacyRequest.objects.filter(pk=request.pk).update(
        received_at=timezone.now() - datetime.timedelta(days=40),
        due_date=timezone.localdate() - datetime.timedelta(days=1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        jobs.reminders_send()
    assert mail.outbox[-1].subject.startswith("OVERDUE: privacy request")


def test_a_bad_confirmation_link_is_explained_in_bulgarian(client):
    answer = client.post("/privacy/request/confirm/not-a-token/", HTTP_ACCEPT_LANGUAGE="bg")
    assert answer.status_code == 400
    assert "Тази връзка за потвърждение е невалидна." in answer.content.decode()
    english = client.post("/privacy/request/confirm/not-a-token/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"This confirmation link is not valid." in english.content


def test_the_fulfilment_page_in_bulgarian(client):
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    request = _request()
    client.post("/i18n/setlang/", {"language": "bg", "next": "/admin/"})
    page = client.get(reverse("admin:dsr_privacyrequest_fulfilment", args=[request.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Получатели за уведомяване (чл. 19 от ОРЗД)" in text
    assert "Пакет с копие на данните" in text  # an access request
