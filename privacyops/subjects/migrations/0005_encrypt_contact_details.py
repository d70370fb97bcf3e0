"""Contact details encrypted at rest (privacyops.security.encryption, docs/security.md).

Adds the keyed-hash column that search and uniqueness use, changes the columns to ciphertext,
and encrypts the rows that exist (in batches). Reversing decrypts them back to plain text.
"""

from django.db import migrations, models

import privacyops.security.encryption

BATCH = 2000


def _rewrite(apps, *, encrypt: bool):
    from privacyops.security.encryption import blind_index

    ContactPoint = apps.get_model("subjects", "ContactPoint")
    Account = apps.get_model("subjects", "Account")
    last = 0
    while rows := list(ContactPoint.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        for row in rows:
            row.value_index = blind_index(row.value) if encrypt else ""
        ContactPoint.objects.bulk_update(rows, ["value", "value_index"])
        last = rows[-1].pk
    last = 0
    fields = ["billing_address", "license_holder_email", "license_holder_phone"]
    while rows := list(Account.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        Account.objects.bulk_update(rows, fields)
        last = rows[-1].pk


def encrypt_existing(apps, schema_editor):
    # Reading a plain value yields it unchanged; writing it through the field encrypts it.
    _rewrite(apps, encrypt=True)


def decrypt_existing(apps, schema_editor):
    # The encrypted field classes are still in place here: they decrypt on read; the plain
    # text is written back with raw SQL so that nothing encrypts it again.
    ContactPoint = apps.get_model("subjects", "ContactPoint")
    Account = apps.get_model("subjects", "Account")
    with schema_editor.connection.cursor() as cursor:
        for row in ContactPoint.objects.order_by("pk").iterator(chunk_size=BATCH):
            cursor.execute(
                "UPDATE subjects_contactpoint SET value = %s WHERE id = %s", [row.value, row.pk]
            )
        for row in Account.objects.order_by("pk").iterator(chunk_size=BATCH):
            cursor.execute(
                "UPDATE subjects_account SET billing_address = %s, license_holder_email = %s, "
                "license_holder_phone = %s WHERE id = %s",
                [row.billing_address, row.license_holder_email, row.license_holder_phone, row.pk],
            )


class Migration(migrations.Migration):
    dependencies = [("subjects", "0004_event_database_defaults")]

    operations = [
        migrations.RemoveConstraint(model_name="contactpoint", name="subjects_contact_unique"),
        migrations.RemoveIndex(model_name="contactpoint", name="subjects_contact_lookup"),
        migrations.AddField(
            model_name="contactpoint",
            name="value_index",
            field=privacyops.security.encryption.BlindIndexField(
                source="value", verbose_name="search hash of the value"
            ),
        ),
        migrations.AlterField(
            model_name="account",
            name="billing_address",
            field=privacyops.security.encryption.EncryptedContactTextField(
                blank=True, verbose_name="billing address"
            ),
        ),
        migrations.AlterField(
            model_name="account",
            name="license_holder_email",
            field=privacyops.security.encryption.EncryptedContactEmailField(
                blank=True, max_length=254, verbose_name="license-holder e-mail"
            ),
        ),
        migrations.AlterField(
            model_name="account",
            name="license_holder_phone",
            field=privacyops.security.encryption.EncryptedContactCharField(
                blank=True, max_length=50, verbose_name="license-holder telephone"
            ),
        ),
        migrations.AlterField(
            model_name="contactpoint",
            name="value",
            field=privacyops.security.encryption.EncryptedSearchableCharField(
                blind_index_field="value_index", max_length=500, verbose_name="value"
            ),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
        migrations.AddIndex(
            model_name="contactpoint",
            index=models.Index(fields=["kind", "value_index"], name="subjects_contact_lookup"),
        ),
        migrations.AddConstraint(
            model_name="contactpoint",
            constraint=models.UniqueConstraint(
                fields=("subject", "kind", "value_index"), name="subjects_contact_unique"
            ),
        ),
    ]
