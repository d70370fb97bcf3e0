"""The before and after of a license-holder change encrypted at rest (docs/security.md).

The columns become text holding one ciphertext each; existing rows (plain JSON text after the
type change) are read and written back encrypted, in batches. Reversing writes plain JSON text.
"""

from django.db import migrations

import privacyops.security.encryption

BATCH = 2000


def encrypt_existing(apps, schema_editor):
    # Reading plain JSON yields the value; writing it through the field encrypts it.
    LicenseHolderChange = apps.get_model("subjects", "LicenseHolderChange")
    last = 0
    while rows := list(LicenseHolderChange.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        LicenseHolderChange.objects.bulk_update(rows, ["old_values", "new_values"])
        last = rows[-1].pk


def decrypt_existing(apps, schema_editor):
    import json

    LicenseHolderChange = apps.get_model("subjects", "LicenseHolderChange")
    with schema_editor.connection.cursor() as cursor:
        for row in LicenseHolderChange.objects.order_by("pk").iterator(chunk_size=BATCH):
            cursor.execute(
                "UPDATE subjects_licenseholderchange SET old_values = %s, new_values = %s "
                "WHERE id = %s",
                [json.dumps(row.old_values), json.dumps(row.new_values), row.pk],
            )


class Migration(migrations.Migration):
    dependencies = [("subjects", "0007_personal_data_change")]

    operations = [
        migrations.AlterField(
            model_name="licenseholderchange",
            name="new_values",
            field=privacyops.security.encryption.EncryptedJSONDocumentField(verbose_name="after"),
        ),
        migrations.AlterField(
            model_name="licenseholderchange",
            name="old_values",
            field=privacyops.security.encryption.EncryptedJSONDocumentField(verbose_name="before"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
    ]
