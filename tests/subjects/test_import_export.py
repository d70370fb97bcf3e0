"""Spreadsheet import/export: all or nothing, each bad row and field reported, idempotent."""

import io

import pytest
import tablib
from django.urls import reverse

from privacyops.subjects.models import Account, AccountContact, ContactPoint, DataSubject
from privacyops.subjects.resources import (
    AccountResource,
    ContactPointResource,
    DataSubjectResource,
)
from tests.factories import AccountFactory, DataSubjectFactory

pytestmark = pytest.mark.django_db

ACCOUNT_HEADERS = ["account_number", "company_name", "vat_number", "license_holder_email", "status"]
GOOD_ACCOUNTS = [
    ["ACC-1", "Acme Ltd", "BG111", "boss@acme.example", "open"],
    ["ACC-2", "Beta OOD", "BG222", "", "open"],
]
SUBJECT_HEADERS = ["login_name", "email", "kind", "full_name", "account", "account_role"]
CONTACT_HEADERS = ["subject", "kind", "value", "is_primary"]


def dataset(headers, rows):
    return tablib.Dataset(*rows, headers=headers)


def import_rows(resource, headers, rows, *, dry_run=False):
    return resource().import_data(dataset(headers, rows), dry_run=dry_run)


def errors_by_row(result) -> dict[int, set[str]]:
    return {row.number: set(row.error_dict) for row in result.invalid_rows}


# --- Accounts --------------------------------------------------------------------------------


def test_accounts_import_and_reimport_changes_nothing():
    result = import_rows(AccountResource, ACCOUNT_HEADERS, GOOD_ACCOUNTS)
    assert not result.has_errors() and not result.has_validation_errors()
    assert result.totals["new"] == 2
    before = list(Account.objects.order_by("pk").values())

    again = import_rows(AccountResource, ACCOUNT_HEADERS, GOOD_ACCOUNTS)
    assert again.totals["new"] == again.totals["update"] == 0
    assert again.totals["skip"] == 2
    assert list(Account.objects.order_by("pk").values()) == before


@pytest.mark.parametrize(
    ("bad_row", "field"),
    [
        (["ACC-3", "Gamma", "BG3", "not-an-email", "open"], "license_holder_email"),
        (["ACC-3", "", "BG3", "", "open"], "company_name"),
        (["", "Gamma", "BG3", "", "open"], "account_number"),
        (["ACC-1", "Acme again", "BG1", "", "open"], "account_number"),  # duplicate in file
        (["ACC-3", "Gamma", "BG3", "", "closed"], "closed_at"),
    ],
)
def test_one_bad_account_row_imports_nothing(bad_row, field):
    result = import_rows(AccountResource, ACCOUNT_HEADERS, [*GOOD_ACCOUNTS, bad_row])
    assert errors_by_row(result) == {3: {field}}
    assert not Account.objects.exists()


def test_license_holder_details_of_an_existing_account_are_not_changed_by_import():
    AccountFactory(account_number="ACC-1", company_name="Acme Ltd", license_holder_email="a@b.eu")
    rows = [["ACC-1", "Acme Ltd", "BG111", "other@acme.example", "open"]]
    result = import_rows(AccountResource, ACCOUNT_HEADERS, rows)
    assert errors_by_row(result) == {1: {"license_holder_email"}}
    assert Account.objects.get().license_holder_email == "a@b.eu"


# --- Subjects --------------------------------------------------------------------------------


@pytest.fixture
def acme():
    return AccountFactory(account_number="ACC-1", company_name="Acme Ltd")


GOOD_SUBJECTS = [
    ["ana", "Ana@Acme.example", "customer_contact", "Ana Petrova", "ACC-1", "license_holder"],
    ["", "visitor@example.com", "visitor", "", "", ""],
]


def test_subjects_import_with_email_and_account_link_and_reimport_is_idempotent(acme):
    result = import_rows(DataSubjectResource, SUBJECT_HEADERS, GOOD_SUBJECTS)
    assert not result.has_validation_errors() and not result.has_errors()
    ana = DataSubject.objects.get(login_name="ana")
    assert ana.contact_points.get().value == "ana@acme.example"
    assert ana.contact_points.get().is_primary
    assert AccountContact.objects.get(subject=ana).role == "license_holder"
    visitor = DataSubject.objects.get(contact_points__value="visitor@example.com")
    assert visitor.login_name is None

    again = import_rows(DataSubjectResource, SUBJECT_HEADERS, GOOD_SUBJECTS)
    assert again.totals["skip"] == 2 and again.totals["new"] == 0
    assert DataSubject.objects.count() == 2
    assert ContactPoint.objects.count() == 2 and AccountContact.objects.count() == 1


@pytest.mark.parametrize(
    ("bad_row", "field"),
    [
        (["bo", "bo@", "lead", "Bo", "", ""], "email"),
        (["bo", "bo@acme.example", "lead", "Bo", "ACC-404", ""], "account"),
        (["bo", "bo@acme.example", "", "Bo", "", ""], "kind"),
        (["bo", "bo@acme.example", "pirate", "Bo", "", ""], "kind"),
        (["", "", "lead", "Nobody", "", ""], "login_name"),
        (["ana", "ana2@acme.example", "lead", "Ana twice", "", ""], "login_name"),
        (["bo", "ana@acme.example", "lead", "Bo", "", ""], "email"),
    ],
)
def test_one_bad_subject_row_imports_nothing(acme, bad_row, field):
    result = import_rows(DataSubjectResource, SUBJECT_HEADERS, [*GOOD_SUBJECTS, bad_row])
    assert errors_by_row(result) == {3: {field}}, [r.error_dict for r in result.invalid_rows]
    assert not DataSubject.objects.exists() and not ContactPoint.objects.exists()


def test_subjects_export_has_primary_email_and_account(acme):
    import_rows(DataSubjectResource, SUBJECT_HEADERS, GOOD_SUBJECTS)
    exported = DataSubjectResource().export()
    rows = {row["login_name"] or row["email"]: row for row in exported.dict}
    assert rows["ana"]["email"] == "ana@acme.example"
    assert rows["ana"]["account"] == "ACC-1"
    assert rows["visitor@example.com"]["kind"] == "visitor"


# --- Contact points --------------------------------------------------------------------------


def test_contact_points_import_by_natural_key_and_reimport_changes_nothing():
    ana = DataSubjectFactory(login_name="ana")
    rows = [
        ["ana", "email", "Ana@Example.com", "1"],
        ["ana", "phone", "+359 88 123", "1"],
    ]
    result = import_rows(ContactPointResource, CONTACT_HEADERS, rows)
    assert not result.has_validation_errors() and not result.has_errors()
    assert set(ana.contact_points.values_list("value", flat=True)) == {
        "ana@example.com",
        "+359 88 123",
    }
    again = import_rows(ContactPointResource, CONTACT_HEADERS, rows)
    assert again.totals["skip"] == 2 and ContactPoint.objects.count() == 2


@pytest.mark.parametrize(
    ("bad_row", "field"),
    [
        (["ghost", "email", "g@example.com", "0"], "subject"),
        (["ana", "email", "no-at-sign", "0"], "value"),
        (["ana", "fax", "123", "0"], "kind"),
        (["ana", "phone", "", "0"], "value"),
        (["ana", "email", "ANA@example.com", "0"], "value"),  # same key as row 1
    ],
)
def test_one_bad_contact_row_imports_nothing(bad_row, field):
    DataSubjectFactory(login_name="ana")
    rows = [["ana", "email", "ana@example.com", "1"], bad_row]
    result = import_rows(ContactPointResource, CONTACT_HEADERS, rows)
    assert errors_by_row(result) == {2: {field}}
    assert not ContactPoint.objects.exists()


# --- Through the admin, CSV and XLSX ---------------------------------------------------------

FORMATS = {"csv": 0, "xlsx": 1}


def upload(rows, headers, fmt):
    data = dataset(headers, rows)
    content = data.export(fmt)
    if isinstance(content, str):
        content = content.encode()
    file = io.BytesIO(content)
    file.name = f"upload.{fmt}"
    return file


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_import_shows_each_bad_row_and_imports_nothing(client, legal, fmt):
    client.force_login(legal)
    rows = [*GOOD_ACCOUNTS, ["ACC-3", "", "BG3", "nope", "open"]]
    response = client.post(
        reverse("admin:subjects_account_import"),
        {"import_file": upload(rows, ACCOUNT_HEADERS, fmt), "format": FORMATS[fmt]},
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert errors_by_row(result) == {3: {"company_name", "license_holder_email"}}
    page = response.content.decode()
    assert "company_name" in page and "license_holder_email" in page
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert not Account.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_import_confirms_then_imports_and_second_time_changes_nothing(client, legal, fmt):
    client.force_login(legal)

    def run_import():
        response = client.post(
            reverse("admin:subjects_account_import"),
            {"import_file": upload(GOOD_ACCOUNTS, ACCOUNT_HEADERS, fmt), "format": FORMATS[fmt]},
        )
        assert not response.context["result"].has_validation_errors()
        confirm = response.context["confirm_form"].initial
        return client.post(reverse("admin:subjects_account_process_import"), confirm)

    assert run_import().status_code == 302
    assert set(Account.objects.values_list("account_number", flat=True)) == {"ACC-1", "ACC-2"}
    before = list(Account.objects.order_by("pk").values())
    assert run_import().status_code == 302
    assert list(Account.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_import_of_subjects_reports_unknown_account(client, legal, acme, fmt):
    client.force_login(legal)
    rows = [*GOOD_SUBJECTS, ["bo", "bo@x.example", "lead", "Bo", "ACC-404", ""]]
    response = client.post(
        reverse("admin:subjects_datasubject_import"),
        {"import_file": upload(rows, SUBJECT_HEADERS, fmt), "format": FORMATS[fmt]},
    )
    assert errors_by_row(response.context["result"]) == {3: {"account"}}
    assert "ACC-404" in response.content.decode()
    assert not DataSubject.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_admin_export_of_contact_points(client, legal, fmt):
    client.force_login(legal)
    import_rows(ContactPointResource, CONTACT_HEADERS, [["ana", "email", "a@x.example", "1"]])
    DataSubjectFactory(login_name="ana")
    import_rows(ContactPointResource, CONTACT_HEADERS, [["ana", "email", "a@x.example", "1"]])
    data = {"format": FORMATS[fmt], "resource": "0"}
    for name in ContactPointResource().get_export_order():
        data[f"contactpointresource_{name}"] = "on"
    response = client.post(reverse("admin:subjects_contactpoint_export"), data)
    assert response.status_code == 200
    exported = tablib.Dataset().load(
        response.content if fmt == "xlsx" else response.content.decode(), format=fmt
    )
    assert exported.dict[0]["value"] == "a@x.example"
    assert exported.dict[0]["subject"] == "ana"
