"""Admin building blocks every app uses: spreadsheets, large tables, exports that leave out
restricted subjects, and an add form whose object a service creates."""

from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportMixin

from .paginators import CappedCountPaginator
from .spreadsheets import SPREADSHEET_FORMATS


class SpreadsheetExportMixin(ExportMixin):
    export_formats = SPREADSHEET_FORMATS


class SpreadsheetImportExportMixin(ImportExportMixin):
    import_formats = SPREADSHEET_FORMATS
    export_formats = SPREADSHEET_FORMATS


class AllOrNothingImportMixin(SpreadsheetImportExportMixin):
    """An import that fails on any invalid row imports nothing; exports only what the user
    may see and asked for."""

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def get_valid_export_item_pks(self, request):
        # Only the rows the user may see, and only those asked for (not every pk of a
        # million-row table, as the default does).
        asked = [pk for pk in request.POST.getlist("export_items") if str(pk).isdigit()]
        return self.get_queryset(request).filter(pk__in=asked).values_list("pk", flat=True)


class LargeTableAdmin(admin.ModelAdmin):
    """A list over millions of rows: never COUNT(*) the whole table."""

    paginator = CappedCountPaginator
    show_full_result_count = False
    list_per_page = 50


def without_restricted_subjects(queryset, *, subject_path: str = ""):
    """Leave out rows of data subjects whose processing is restricted (GDPR Art. 18).

    An export is processing beyond storage, which a restriction stops; rows that belong to no
    subject stay in. `subject_path` leads from the rows to their subject ("" for subjects).
    """
    field = (
        f"{subject_path}__processing_restricted_at" if subject_path else "processing_restricted_at"
    )
    return queryset.filter(**{f"{field}__isnull": True})


class RestrictedSubjectsNotExportedMixin:
    """Exports leave out subjects whose processing is restricted (GDPR Art. 18)."""

    restricted_subject_path = ""

    def get_export_queryset(self, request):
        return without_restricted_subjects(
            super().get_export_queryset(request), subject_path=self.restricted_subject_path
        )


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
