"""The Art. 30 record as a spreadsheet (django-import-export)."""

from django.conf import settings
from import_export import fields, resources

from .models import ProcessingActivity, Vendor


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
    vendors_display = fields.Field(column_name="Named recipients (processors and vendors)")
    transfers = fields.Field(column_name="Transfers to third countries and safeguards")
    identifiers = fields.Field(column_name="Cookies and tracking identifiers")
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
            "vendors_display",
            "transfers",
            "identifiers",
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

    def dehydrate_vendors_display(self, activity) -> str:
        return _names(f"{v.name} ({v.service})" for v in activity.vendors.all()) or "None named"

    def dehydrate_transfers(self, activity) -> str:
        # Named vendors outside the EEA with their mechanism; then what a recipient category
        # says for recipients not yet named.
        lines = [
            f"{v.name} ({v.country}): {v.safeguard()}"
            for v in activity.vendors.all()
            if v.is_transfer
        ]
        lines += [
            f"{v.name}: destination not yet recorded"
            for v in activity.vendors.all()
            if not v.country
        ]
        lines += [
            f"{r.name}: {r.transfer_safeguards or 'safeguards to be documented'}"
            for r in activity.recipients.all()
            if r.third_country_transfer
        ]
        return _names(lines) or "None"

    def dehydrate_identifiers(self, activity) -> str:
        return _names(
            f"{i.name} on {i.digital_property.name}: {i.get_purpose_category_display()}"
            + (" (consent required)" if i.needs_consent else "")
            for i in activity.tracking_identifiers.all()
        )


class SubProcessorResource(resources.ModelResource):
    """The sub-processor list: one row per vendor, as customers and auditors ask for it."""

    vendor = fields.Field(attribute="name", column_name="Vendor")
    category = fields.Field(column_name="Recipient category")
    service = fields.Field(attribute="service", column_name="Service")
    sub_processor = fields.Field(column_name="Sub-processor of Customer-Generated Data")
    contact = fields.Field(attribute="contact", column_name="Privacy contact")
    country = fields.Field(attribute="country", column_name="Country the data goes to")
    safeguard = fields.Field(column_name="Transfer safeguard")
    elements = fields.Field(column_name="Data elements received")
    activities = fields.Field(column_name="Processing activities served")
    agreement = fields.Field(column_name="Data processing agreement signed")
    review = fields.Field(column_name="Next review of the agreement")
    public = fields.Field(column_name="Listed publicly")

    class Meta:
        model = Vendor
        fields = (
            "vendor",
            "category",
            "service",
            "sub_processor",
            "contact",
            "country",
            "safeguard",
            "elements",
            "activities",
            "agreement",
            "review",
            "public",
        )
        export_order = fields

    def dehydrate_category(self, vendor) -> str:
        return vendor.recipient_category.name

    def dehydrate_sub_processor(self, vendor) -> str:
        return "yes" if vendor.is_sub_processor else "no"

    def dehydrate_safeguard(self, vendor) -> str:
        return vendor.safeguard()

    def dehydrate_elements(self, vendor) -> str:
        return _names(vendor.data_elements.all())

    def dehydrate_activities(self, vendor) -> str:
        return _names(vendor.activities.all())

    def dehydrate_agreement(self, vendor) -> str:
        return f"{vendor.dpa_signed_on:%Y-%m-%d}" if vendor.dpa_signed_on else "not signed"

    def dehydrate_review(self, vendor) -> str:
        return f"{vendor.dpa_next_review_on:%Y-%m-%d}" if vendor.dpa_next_review_on else ""

    def dehydrate_public(self, vendor) -> str:
        return "yes" if vendor.listed_publicly else "no"
