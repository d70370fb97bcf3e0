"""On PostgreSQL the access log refuses UPDATE and DELETE in the database itself.

Even a superuser's SQL console or a bug in our code cannot rewrite who saw what. (TRUNCATE, a
table-level operation for the database owner, is left to the owner: test databases use it.)
Other databases rely on the model and the admin, which refuse changes too.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION security_access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'the access log is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS security_access_log_append_only ON security_accesslogentry;
CREATE TRIGGER security_access_log_append_only
    BEFORE UPDATE OR DELETE ON security_accesslogentry
    FOR EACH ROW EXECUTE FUNCTION security_access_log_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS security_access_log_append_only ON security_accesslogentry;
DROP FUNCTION IF EXISTS security_access_log_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
