"""The months each data subject's activity events lie in (DataSubject.activity_from / until),
filled from the events already stored, so that a lookup of one subject's events reads only those
months' partitions (privacyops/subjects/models/activity_bounds.py).

The backfill is one UPDATE ... FROM (GROUP BY) on PostgreSQL, a grouped read and one update per
subject elsewhere (SQLite holds demo-sized tables).
"""

from django.db import migrations, models

from privacyops.subjects.models import activity_bounds


def backfill(apps, schema_editor):
    activity_bounds.bounds_recompute(
        subject_model=apps.get_model("subjects", "DataSubject"),
        event_model=apps.get_model("subjects", "ActivityEvent"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("subjects", "0013_external_id"),
    ]

    operations = [
        migrations.AddField(
            model_name="datasubject",
            name="activity_from",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="The start of the month of this person's earliest activity event.",
                null=True,
                verbose_name="activity recorded from",
            ),
        ),
        migrations.AddField(
            model_name="datasubject",
            name="activity_until",
            field=models.DateTimeField(
                blank=True,
                editable=False,
                help_text="The start of the month after this person's latest activity event.",
                null=True,
                verbose_name="activity recorded until",
            ),
        ),
        # Backwards the columns go, with nothing to undo.
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
