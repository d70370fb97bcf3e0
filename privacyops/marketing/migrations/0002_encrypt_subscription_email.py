"""Subscription addresses encrypted at rest, looked up through their keyed hash (docs/security.md).

Adds the keyed-hash column, turns `email` into ciphertext, encrypts the rows that exist (in
batches) and masks the address in the subscription history's before/after. The (hash,
channel) index replaces the (email, channel) one, so `may_send` stays one indexed query.
Reversing decrypts the addresses back to plain text (the history stays masked).
"""

from django.core.validators import EmailValidator
from django.db import migrations, models

import privacyops.security.encryption

BATCH = 2000


def encrypt_existing(apps, schema_editor):
    from privacyops.core.erasure import masked
    from privacyops.security.encryption import blind_index

    Subscription = apps.get_model("marketing", "Subscription")
    SubscriptionEvent = apps.get_model("marketing", "SubscriptionEvent")
    # Reading a plain value yields it unchanged; writing it through the field encrypts it.
    last = 0
    while rows := list(Subscription.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        for row in rows:
            row.email_index = blind_index(row.email)
        Subscription.objects.bulk_update(rows, ["email", "email_index"])
        last = rows[-1].pk
    last = 0
    while rows := list(SubscriptionEvent.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        changed = []
        for row in rows:
            detail = dict(row.detail or {})
            for side in ("before", "after"):
                values = detail.get(side)
                if isinstance(values, dict) and values.get("email") and "•" not in values["email"]:
                    detail[side] = {**values, "email": masked(values["email"])}
            if detail != row.detail:
                row.detail = detail
                changed.append(row)
        # bulk_update: the model's save() (append-only) is not involved in a migration.
        SubscriptionEvent.objects.bulk_update(changed, ["detail"])
        last = rows[-1].pk


def decrypt_existing(apps, schema_editor):
    Subscription = apps.get_model("marketing", "Subscription")
    with schema_editor.connection.cursor() as cursor:
        for row in Subscription.objects.order_by("pk").iterator(chunk_size=BATCH):
            cursor.execute(
                "UPDATE marketing_subscription SET email = %s WHERE id = %s", [row.email, row.pk]
            )


class Migration(migrations.Migration):
    dependencies = [("marketing", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="subscription", name="marketing_sub_email_channel"),
        migrations.AddField(
            model_name="subscription",
            name="email_index",
            field=privacyops.security.encryption.BlindIndexField(
                source="email", verbose_name="search hash of the e-mail address"
            ),
        ),
        migrations.AlterField(
            model_name="subscription",
            name="email",
            field=privacyops.security.encryption.EncryptedSearchableCharField(
                blind_index_field="email_index",
                help_text="The address the consent was given for and mail goes to.",
                max_length=254,
                validators=[EmailValidator()],
                verbose_name="e-mail address",
            ),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
        migrations.AddIndex(
            model_name="subscription",
            index=models.Index(
                fields=["email_index", "channel"], name="marketing_sub_email_channel"
            ),
        ),
    ]
