from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

# Legal works in spreadsheets; CSV and XLSX are the two formats every export offers.
SPREADSHEET_FORMATS = [CSV, XLSX]


class SpreadsheetExportMixin(ExportMixin):
    export_formats = SPREADSHEET_FORMATS


class SpreadsheetImportExportMixin(ImportExportMixin):
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS
