"""Spreadsheets that are safe to open: no formula from a cell's text, no character that breaks
the file.

Much of what Legal exports was typed by outsiders (a public-form name, a failed sign-in's
username). A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a live
formula in Excel and LibreOffice (`=HYPERLINK("http://…"&B2,"Open")` sends the next cell away),
so such text is written with a leading apostrophe, the spreadsheet's own mark for "this is
text" (OWASP's advice on CSV injection). Control characters that XLSX cannot hold (a `\x01` in a
name made the whole export fail) become U+FFFD.

`cell_safe` is the one rule; the import-export formats below and every CSV the product writes
by hand use it.
"""

import re

import tablib
from import_export.formats.base_formats import CSV, XLSX

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# C0 controls other than tab, newline and carriage return, and DEL: neither XML nor a reader
# of a CSV file expects them.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def cell_safe(value, *, prefixes: tuple[str, ...] = FORMULA_PREFIXES):
    """The value as a spreadsheet cell may hold it; anything but text is left as it is."""
    if not isinstance(value, str):
        return value
    text = CONTROL_CHARACTERS.sub("\N{REPLACEMENT CHARACTER}", value)
    if text.startswith(prefixes):
        return "'" + text
    return text


def row_safe(row, *, prefixes: tuple[str, ...] = FORMULA_PREFIXES) -> list:
    return [cell_safe(value, prefixes=prefixes) for value in row]


def dataset_safe(dataset: tablib.Dataset, *, prefixes=FORMULA_PREFIXES) -> tablib.Dataset:
    clean = tablib.Dataset(title=dataset.title)
    if dataset.headers:
        clean.headers = row_safe(dataset.headers, prefixes=prefixes)
    for row in dataset:
        clean.append(row_safe(row, prefixes=prefixes))
    return clean


class SafeCSV(CSV):
    def export_data(self, dataset, **kwargs):
        return super().export_data(dataset_safe(dataset), **kwargs)


class SafeXLSX(XLSX):
    # An XLSX cell is typed: text that starts with "+", "-" or "@" stays text (a phone number
    # keeps its "+"). Only "=" would be written as a formula, so only that is marked as text.
    def export_data(self, dataset, **kwargs):
        return super().export_data(dataset_safe(dataset, prefixes=("=",)), **kwargs)


# Legal works in spreadsheets; CSV and XLSX are the two formats every export offers.
SPREADSHEET_FORMATS = [SafeCSV, SafeXLSX]
