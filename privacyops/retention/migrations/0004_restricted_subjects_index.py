"""An index the purge engine needs on a table it does not own.

Every purge window asks which data subjects are restricted (GDPR Art. 18: kept, never purged).
Without an index that is a scan of every data subject per window, which at 5M activity events
was most of the engine's gap to a single raw DELETE. A partial index holds only the few
restricted subjects. It lives here, not in subjects' model, because only the purge needs it.
"""

from django.db import migrations

INDEX = "retention_subject_restricted"


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0003_alter_retentionevent_kind"),
        ("subjects", "0003_processing_restricted"),
    ]
    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON subjects_datasubject (processing_restricted_at) "
            "WHERE processing_restricted_at IS NOT NULL",
            f"DROP INDEX IF EXISTS {INDEX}",
        )
    ]
