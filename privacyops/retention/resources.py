from import_export import fields, resources

from .models import PurgeRun


class PurgeRunResource(resources.ModelResource):
    """Proof of disposition, one line per run."""

    rule = fields.Field(attribute="rule__code", column_name="rule")
    rule_name = fields.Field(attribute="rule__name", column_name="rule name")
    legal_basis = fields.Field(attribute="rule__legal_basis", column_name="legal basis")
    review = fields.Field(attribute="review_id", column_name="disposition review")

    class Meta:
        model = PurgeRun
        fields = (
            "id",
            "rule",
            "rule_name",
            "legal_basis",
            "action",
            "status",
            "started_at",
            "finished_at",
            "cutoff",
            "rows_examined",
            "rows_deleted",
            "rows_anonymised",
            "rows_skipped_held",
            "errors",
            "worker",
            "review",
            "resumed_from",
        )
        export_order = fields
