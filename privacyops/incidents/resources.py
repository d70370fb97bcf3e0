"""The Art. 33(5) register as a spreadsheet: every breach, notified or not, with its facts,
effects and remedial action. No reporter details: the register is about the breach."""

from import_export import fields, resources

from .models import Incident


class BreachRegisterResource(resources.ModelResource):
    reference = fields.Field(attribute="reference", column_name="reference")
    state_label = fields.Field(attribute="get_state_display", column_name="state")
    risk_label = fields.Field(attribute="get_risk_display", column_name="risk")
    data_categories = fields.Field(column_name="categories of personal data")
    notifications = fields.Field(column_name="notifications to the authority")
    customers = fields.Field(column_name="customers notified (processor)")
    people = fields.Field(column_name="people told (Art. 34)")

    class Meta:
        model = Incident
        fields = (
            "reference",
            "kind",
            "title",
            "state_label",
            "description",
            "started_at",
            "discovered_at",
            "aware_at",
            "authority_deadline",
            "authority_notified_at",
            "delay_reasons",
            "data_categories",
            "subject_categories",
            "approx_subjects",
            "approx_records",
            "likely_consequences",
            "risk_label",
            "risk_reasoning",
            "measures_taken",
            "measures_proposed",
            "notifications",
            "customers",
            "people",
            "art34_exception",
            "art34_exception_reason",
            "closed_at",
        )
        export_order = fields

    def dehydrate_data_categories(self, incident: Incident) -> str:
        return ", ".join(element.name for element in incident.data_elements.all())

    def dehydrate_notifications(self, incident: Incident) -> str:
        return "; ".join(
            f"{n.get_phase_display()} {n.submitted_at:%Y-%m-%d %H:%M}"
            + (" (late)" if n.late else "")
            for n in incident.authority_notifications.all()
            if n.submitted_at
        )

    def dehydrate_customers(self, incident: Incident) -> str:
        return "; ".join(
            f"{n.account.company_name} {n.sent_at:%Y-%m-%d}"
            + (" acknowledged" if n.acknowledged_at else "")
            for n in incident.customer_notices.all()
        )

    def dehydrate_people(self, incident: Incident) -> str:
        counts = [
            f"{c.deliveries.filter(outcome='sent').count()} e-mailed ({c.get_status_display()})"
            for c in incident.subject_communications.all()
        ]
        return "; ".join(counts)
