"""The Art. 30 record as a spreadsheet (django-import-export)."""

from django.conf import settings
from import_export import fields, resources

from .models import ProcessingActivity


def _names(items) -> str:
    return "; ".join(sorted(str(item) for item in items))


class Art30RecordResource(resources.ModelResource):
    """One row per processing activity, with the columns Art. 30(1) asks for."""

    controller = fields.Field(column_name="Controller and contact")
    activity = fields.Field(attribute="name", column_name="Processing activity")
    role_display = fields.Field(column_name="Our role")
    purposes_display = fields.Field(column_name="Purposes (legal basis)")
    subjects = fields.Field(
        attribute="data_subject_categories", column_name="Categories of data subjects"
    )
    categories = fields.Field(column_name="Categories of personal data")
    elements = fields.Field(column_name="Personal data processed")
    sources_display = fields.Field(column_name="Sources")
    recipients_display = fields.Field(column_name="Categories of recipients")
    transfers = fields.Field(column_name="Transfers to third countries")
    retention = fields.Field(attribute="retention_period", column_name="Time limits for erasure")
    measures = fields.Field(
        attribute="security_measures", column_name="Technical and organisational measures"
    )

    class Meta:
        model = ProcessingActivity
        fields = (
            "controller",
            "activity",
            "role_display",
            "purposes_display",
            "subjects",
            "categories",
            "elements",
            "sources_display",
            "recipients_display",
            "transfers",
            "retention",
            "measures",
        )
        export_order = fields

    def dehydrate_controller(self, activity) -> str:
        c = settings.PRIVACYOPS_CONTROLLER
        return f"{c['name']}, {c['address']}, {c['email']}"

    def dehydrate_role_display(self, activity) -> str:
        return activity.get_role_display()

    def dehydrate_purposes_display(self, activity) -> str:
        return _names(f"{p.name} ({p.get_legal_basis_display()})" for p in activity.purposes.all())

    def dehydrate_categories(self, activity) -> str:
        return _names({e.category.name for e in activity.data_elements.all()})

    def dehydrate_elements(self, activity) -> str:
        return _names(activity.data_elements.all())

    def dehydrate_sources_display(self, activity) -> str:
        return _names(activity.sources.all())

    def dehydrate_recipients_display(self, activity) -> str:
        return _names(activity.recipients.all())

    def dehydrate_transfers(self, activity) -> str:
        abroad = [r for r in activity.recipients.all() if r.third_country_transfer]
        if not abroad:
            return "None"
        return _names(
            f"{r.name}: {r.transfer_safeguards or 'safeguards to be documented'}" for r in abroad
        )
