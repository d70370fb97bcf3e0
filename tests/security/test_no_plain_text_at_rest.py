"""General test: no data subject's e-mail address or telephone number is stored in plain text.

After the demo data and a scripted admin session as Legal (a contact point added inline, the
subject viewed, the subject list searched by e-mail, subjects exported, a subjects spreadsheet
imported, a public privacy request submitted and confirmed through its link, an unsubscribe
through the public link, an erasure), every text, varchar and json column of every table of
the schema (information_schema) is read raw: none may hold one of the addresses or numbers.

On PostgreSQL only (CI runs it): the scan reads the catalogue of the real server.
"""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from encrypted_fields.fields import EncryptedFieldMixin

from privacyops.core import roles
from privacyops.dsr.models import PrivacyRequest
from privacyops.marketing import demo as marketing_demo
from privacyops.marketing.tokens import unsubscribe_token
from privacyops.subjects import demo as subjects_demo
from privacyops.subjects.models import ContactPoint, DataSubject
from privacyops.subjects.resources import DataSubjectResource
from privacyops.subjects.selectors import subject_for_email
from tests.admin_forms import form_data
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# What the scripted session types in (plain values, collected before anything stores them).
INLINE_EMAIL, INLINE_PHONE = "scan.inline@example.com", "+359 88 555 0101"
IMPORTED_EMAIL = "scan.imported@example.com"
PUBLIC_EMAIL = "nikolay.stoyanov@example.com"  # a demo subscriber asks for erasure
UNSUBSCRIBING_EMAIL = "maria.ivanova@example.com"
TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb")
_PHONE_SHAPE = re.compile(r"^\+?[\d ()./-]{7,}$")


def _demo_values() -> set[str]:
    """The subjects' e-mail addresses and telephone numbers the demo data generator uses."""
    values = set()
    for _name, _title, _kind, _login, email, phone, *_ in subjects_demo._people():
        values |= {email, phone}
    values |= {email for _name, _kind, _login, email, *_ in subjects_demo.MINORS}
    for emails in subjects_demo.KNOWN_IN_DATASETS.values():
        values |= set(emails)
    values |= {email for _name, email, _channels in marketing_demo.DEMO_SUBSCRIBERS}
    values |= {"former.customer@example.com", "licensing@rilasoftware.example"}
    values |= {"+359 2 981 1200"}
    return {value for value in values if value}


def _stored_values() -> set[str]:
    """Every e-mail address or telephone number the application holds encrypted (read
    decrypted through the ORM): the demo loaders' own values (requests, incidents...)."""
    values = set(
        ContactPoint.objects.exclude(kind=ContactPoint.Kind.POSTAL).values_list("value", flat=True)
    )
    for email, phone in PrivacyRequest.objects.values_list("requester_email", "requester_phone"):
        values |= {email, phone}
    from django.apps import apps

    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, EncryptedFieldMixin) and f.get_internal_type() == "TextField"
        ]
        for name in names:
            for value in model._base_manager.values_list(name, flat=True):
                text = str(value or "").strip()
                if re.fullmatch(r"[^\s@]+@[^\s@]+\.\w+", text) or _PHONE_SHAPE.match(text):
                    values.add(text)
    return {value for value in values if value and value != "[erased]"}


def _needles(values: set[str]) -> set[str]:
    """How each value could sit in a column: as typed, lower-cased, a phone without spaces."""
    needles = set()
    for value in values:
        needles.add(value.lower())
        if "@" not in value:
            needles.add(re.sub(r"[ ()./-]", "", value))
    return {n for n in needles if len(n) >= 7}


def _text_columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c "
            "JOIN information_schema.tables t "
            "  ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
            "WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' "
            "  AND c.data_type = ANY(%s) ORDER BY 1, 2",
            [list(TEXT_TYPES)],
        )
        return cursor.fetchall()


def _scan(needles: set[str]) -> dict[str, set[str]]:
    """{"table.column": {values found in clear}} over every text column of every table."""
    found: dict[str, set[str]] = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in _text_columns():
            cursor.execute(
                f"SELECT {quote(column)}::text FROM {quote(table)} "
                f"WHERE {quote(column)} IS NOT NULL"
            )
            for (cell,) in cursor.fetchall():
                text = cell.lower()
                hits = {n for n in needles if n in text}
                if hits:
                    found.setdefault(f"{table}.{column}", set()).update(hits)
    return found


def _export(client, url_name, resource) -> str:
    data = {"format": "0", "resource": "0"}
    for name in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    response = client.post(reverse(url_name), data)
    assert response.status_code == 200
    return response.content.decode()


def _add_contact_points_inline(client, subject: DataSubject) -> None:
    """The subject's change form as the browser posts it, with two contact points added."""
    url = reverse("admin:subjects_datasubject_change", args=[subject.pk])
    data = form_data(client.get(url).content.decode(), "datasubject_form")
    created = subject.created_at.astimezone()
    total = int(data["contact_points-TOTAL_FORMS"][0])
    data["contact_points-TOTAL_FORMS"] = [str(total + 2)]
    for n, (kind, value) in enumerate(
        [("email", INLINE_EMAIL), ("phone", INLINE_PHONE)], start=total
    ):
        data.update(
            {
                f"contact_points-{n}-kind": [kind],
                f"contact_points-{n}-value": [value],
                f"contact_points-{n}-created_at_0": [f"{created:%Y-%m-%d}"],
                f"contact_points-{n}-created_at_1": [f"{created:%H:%M:%S}"],
            }
        )
        data.pop(f"contact_points-{n}-is_primary", None)
    response = client.post(url, data)
    assert response.status_code == 302, [
        (i.formset.prefix, i.formset.non_form_errors(), [f.errors for f in i.formset])
        for i in response.context["inline_admin_formsets"]
    ] + [response.context["adminform"].form.errors]
    assert ContactPoint.objects.filter(subject=subject, value=INLINE_EMAIL).exists()


def _import_subjects(client) -> None:
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow(["login_name", "email", "kind", "full_name", "account", "account_role"])
    writer.writerow(["scanimport", IMPORTED_EMAIL, "lead", "Scan Imported", "", ""])
    upload = SimpleUploadedFile("subjects.csv", rows.getvalue().encode(), content_type="text/csv")
    preview = client.post(
        reverse("admin:subjects_datasubject_import"),
        {"import_file": upload, "format": "0", "resource": "0"},
    )
    assert preview.status_code == 200 and "confirm_form" in preview.context, preview.context.get(
        "result"
    )
    confirm = preview.context["confirm_form"]
    done = client.post(
        reverse("admin:subjects_datasubject_process_import"),
        {name: confirm.initial[name] for name in confirm.fields},
        follow=True,
    )
    assert done.status_code == 200
    assert subject_for_email(IMPORTED_EMAIL) is not None


def _public_request_confirmed(django_capture_on_commit_callbacks) -> PrivacyRequest:
    from django.test import Client

    public = Client()
    cache.clear()  # the public form's per-address limit
    with django_capture_on_commit_callbacks(execute=True):
        response = public.post(
            "/privacy/request/",
            {
                "request_type": "erasure",
                "name": "Nikolay Stoyanov",
                "email": PUBLIC_EMAIL,
                "age": "18_plus",
            },
        )
    assert response.status_code == 200, response.content.decode()[-2000:]
    body = next(m.body for m in mail.outbox if PUBLIC_EMAIL in m.to)
    link = next(line.strip() for line in body.splitlines() if "/confirm/" in line)
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = public.post(link[link.index("/privacy/") :])
    assert confirmed.status_code == 200
    request = PrivacyRequest.objects.get(requester_email=PUBLIC_EMAIL, request_type="erasure")
    assert request.subject is not None and request.identity_verified_at
    return request


def _erase(client, request: PrivacyRequest, django_capture_on_commit_callbacks) -> None:
    url = reverse("admin:dsr_privacyrequest_fulfilment", args=[request.pk])
    preview = client.post(url, {"action": "erasure_preview"})
    assert preview.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"action": "erasure_execute", "plan": preview.context["plan"]})
    assert done.status_code == 302
    request.subject.refresh_from_db()
    assert request.subject.erased_at


@pytest.fixture
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "The scan reads PostgreSQL's information_schema and casts every column to text; "
            "CI runs it on PostgreSQL (DATABASE_URL=postgres://...)."
        )


@pytest.fixture
def private_files(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")


def test_no_subject_email_or_phone_in_plain_text_in_any_column(
    postgresql_only, private_files, client, django_capture_on_commit_callbacks
):
    values = _demo_values() | {INLINE_EMAIL, INLINE_PHONE, IMPORTED_EMAIL}
    call_command("seed_demo", verbosity=0)

    client.force_login(UserFactory(username="lena-scan", role=roles.LEGAL))
    ivana = subject_for_email("ivana.petrova@balkanlogistics.example")
    _add_contact_points_inline(client, ivana)
    view = client.get(reverse("admin:subjects_datasubject_change", args=[ivana.pk]))
    assert view.status_code == 200
    found = client.get(reverse("admin:subjects_datasubject_changelist"), {"q": INLINE_EMAIL})
    assert found.status_code == 200 and found.context["cl"].result_count == 1
    exported = _export(client, "admin:subjects_datasubject_export", DataSubjectResource)
    assert "ivana.petrova@balkanlogistics.example" in exported
    _import_subjects(client)
    request = _public_request_confirmed(django_capture_on_commit_callbacks)
    maria = subject_for_email(UNSUBSCRIBING_EMAIL)
    unsubscribed = client.post(f"/privacy/unsubscribe/{unsubscribe_token(subject=maria)}/")
    assert unsubscribed.status_code == 200
    assert not maria.subscriptions.filter(status="subscribed").exists()
    _erase(client, request, django_capture_on_commit_callbacks)

    values |= _stored_values()
    assert len(values) > 40  # the demo's people, requesters, subscribers and the session's
    leaks = _scan(_needles(values))
    assert leaks == {}, "\n".join(
        f"{column}: {', '.join(sorted(hits))}" for column, hits in sorted(leaks.items())
    )
