from django.db import migrations

# Admin search of accounts matches the start of the company name case-insensitively
# (UPPER(company_name::text) LIKE 'ACME%'): on PostgreSQL an expression index with pattern
# ops answers it without reading the whole table. SQLite needs none.
INDEX = "subjects_account_company_prefix"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON subjects_account "
            "((UPPER((company_name)::text)) text_pattern_ops)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("subjects", "0005_encrypt_contact_details")]

    operations = [migrations.RunPython(create_index, drop_index)]
