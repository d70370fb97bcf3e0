"""PostgreSQL: activity events move into monthly range partitions of `occurred_at`.

The table is recreated partitioned (primary key (id, occurred_at), the same index and foreign
key names, the id sequence continued) and every row is moved, in the migration's transaction;
SQLite keeps its one plain table. The Django model does not change (no state operation). Time
it takes: README.md ("Activity-event partitions").
"""

from django.db import migrations


def forwards(apps, schema_editor):
    from privacyops.subjects import partitions

    partitions.convert_to_partitions(connection=schema_editor.connection)


def backwards(apps, schema_editor):
    from privacyops.subjects import partitions

    partitions.convert_to_plain(connection=schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("subjects", "0008_encrypt_license_holder_changes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
