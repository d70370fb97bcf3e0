"""Privacy requests as a spreadsheet (django-import-export); the deadline is the real one."""

from django.utils import timezone
from import_export import fields, resources

from .models import PrivacyRequest


class PrivacyRequestResource(resources.ModelResource):
    reference = fields.Field(column_name="Reference")
    right = fields.Field(column_name="Right exercised")
    received_by = fields.Field(column_name="Received by")
    regime_display = fields.Field(column_name="Regime")
    requester = fields.Field(attribute="requester_name", column_name="Requester")
    email = fields.Field(attribute="requester_email", column_name="Requester e-mail")
    received = fields.Field(column_name="Received")
    state_display = fields.Field(column_name="State")
    handled_by = fields.Field(column_name="Handled by")
    deadline = fields.Field(column_name="Due date (after pauses and extension)")
    days_left = fields.Field(column_name="Days left")
    extended = fields.Field(column_name="Extension announced")
    paused = fields.Field(attribute="paused_days", column_name="Days clock stood still")
    closed = fields.Field(column_name="Closed")

    class Meta:
        model = PrivacyRequest
        fields = (
            "reference",
            "right",
            "received_by",
            "regime_display",
            "requester",
            "email",
            "received",
            "state_display",
            "handled_by",
            "deadline",
            "days_left",
            "extended",
            "paused",
            "closed",
        )
        export_order = fields

    def dehydrate_reference(self, request) -> str:
        return request.reference

    def dehydrate_right(self, request) -> str:
        return request.get_request_type_display()

    def dehydrate_received_by(self, request) -> str:
        return request.get_channel_display()

    def dehydrate_regime_display(self, request) -> str:
        return request.regime

    def dehydrate_received(self, request) -> str:
        return f"{timezone.localtime(request.received_at):%Y-%m-%d %H:%M}"

    def dehydrate_state_display(self, request) -> str:
        return request.get_state_display()

    def dehydrate_handled_by(self, request) -> str:
        return str(request.assignee) if request.assignee_id else ""

    def dehydrate_deadline(self, request) -> str:
        return request.due_date.isoformat()

    def dehydrate_days_left(self, request) -> str:
        return str(request.days_left()) if request.is_open else ""

    def dehydrate_extended(self, request) -> str:
        return request.extended_on.isoformat() if request.extended_on else ""

    def dehydrate_closed(self, request) -> str:
        return f"{timezone.localtime(request.closed_at):%Y-%m-%d}" if request.closed_at else ""
