from import_export.admin import ExportMixin, ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

# Legal works in spreadsheets; CSV and XLSX are the two formats every export offers.
SPREADSHEET_FORMATS = [CSV, XLSX]


class SpreadsheetExportMixin(ExportMixin):
    export_formats = SPREADSHEET_FORMATS


class SpreadsheetImportExportMixin(ImportExportMixin):
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS


def copy_created_object(obj, created) -> None:
    """Make the admin's unsaved `obj` the row a service created: every field, and "saved"."""
    for field in created._meta.concrete_fields:
        setattr(obj, field.attname, getattr(created, field.attname))
    obj._state.adding = False
    obj._state.db = created._state.db


class ServiceCreatesObjectMixin:
    """For a ModelAdmin whose add form must not save the object itself: a service creates it.

    The service validates, writes the row and its history entry in one transaction; the admin
    only renders the answer. Implement `create_with_service(request, form)` returning the object
    the service created; the mixin copies it back onto the admin's `obj`, so the redirect, the
    "added successfully" message and the admin log point at the stored row. A change of an
    existing object goes to `change_with_service(request, obj, form)` (default: an ordinary
    save; override it to call the service that changes the object, or to refuse).
    """

    def create_with_service(self, request, form):
        raise NotImplementedError("return the object a service created from form.cleaned_data")

    def change_with_service(self, request, obj, form) -> None:
        super().save_model(request, obj, form, True)

    def save_model(self, request, obj, form, change):
        if change:
            self.change_with_service(request, obj, form)
            return
        copy_created_object(obj, self.create_with_service(request, form))
