"""A requester's contact details encrypted at rest; the request history masks quoted contacts.

- Privacy requests: e-mail (with a keyed-hash column the intake matches repeats and subjects
  on), telephone, postal address and the identity-verification note become ciphertext.
- The subject change log's before and after become ciphertext (erasure now blanks them).
- Request history: e-mail addresses and telephone numbers quoted in notes and details are
  masked, as `request_event_record` writes them from now on.

Existing rows are rewritten in batches. Reversing decrypts the request and change-log fields
(masked history stays masked).
"""

from django.core.validators import EmailValidator
from django.db import migrations, models

import privacyops.security.encryption

BATCH = 2000
REQUEST_FIELDS = [
    "requester_email",
    "requester_phone",
    "requester_address",
    "identity_verification_note",
]


def _batches(model):
    last = 0
    while rows := list(model.objects.filter(pk__gt=last).order_by("pk")[:BATCH]):
        yield rows
        last = rows[-1].pk


def encrypt_existing(apps, schema_editor):
    from privacyops.core.erasure import MASK_TEXT, masked_contacts_in_text
    from privacyops.dsr.services.events import organisation_addresses
    from privacyops.security.encryption import blind_index

    keep = organisation_addresses()

    PrivacyRequest = apps.get_model("dsr", "PrivacyRequest")
    SubjectChange = apps.get_model("dsr", "SubjectChange")
    RequestEvent = apps.get_model("dsr", "RequestEvent")
    # Reading a plain value yields it unchanged; writing it through the field encrypts it.
    for rows in _batches(PrivacyRequest):
        for row in rows:
            row.requester_email_index = blind_index(row.requester_email)
        PrivacyRequest.objects.bulk_update(rows, [*REQUEST_FIELDS, "requester_email_index"])
    for rows in _batches(SubjectChange):
        for row in rows:
            row.old_value = "" if row.old_value == MASK_TEXT else row.old_value
            row.new_value = "" if row.new_value == MASK_TEXT else row.new_value
        SubjectChange.objects.bulk_update(rows, ["old_value", "new_value"])
    for rows in _batches(RequestEvent):
        changed = []
        for row in rows:
            note = masked_contacts_in_text(row.note, keep=keep)
            data = masked_contacts_in_text(row.data, keep=keep)
            if (note, data) != (row.note, row.data):
                row.note, row.data = note, data
                changed.append(row)
        # bulk_update: the model's save() (append-only) is not involved in a migration.
        RequestEvent.objects.bulk_update(changed, ["note", "data"])


def decrypt_existing(apps, schema_editor):
    PrivacyRequest = apps.get_model("dsr", "PrivacyRequest")
    SubjectChange = apps.get_model("dsr", "SubjectChange")
    with schema_editor.connection.cursor() as cursor:
        for row in PrivacyRequest.objects.order_by("pk").iterator(chunk_size=BATCH):
            cursor.execute(
                "UPDATE dsr_privacyrequest SET requester_email = %s, requester_phone = %s, "
                "requester_address = %s, identity_verification_note = %s WHERE id = %s",
                [*(getattr(row, name) for name in REQUEST_FIELDS), row.pk],
            )
        for row in SubjectChange.objects.order_by("pk").iterator(chunk_size=BATCH):
            cursor.execute(
                "UPDATE dsr_subjectchange SET old_value = %s, new_value = %s WHERE id = %s",
                [row.old_value, row.new_value, row.pk],
            )


class Migration(migrations.Migration):
    dependencies = [("dsr", "0005_typed_request_history")]

    operations = [
        migrations.RemoveIndex(model_name="privacyrequest", name="dsr_request_email"),
        migrations.AddField(
            model_name="privacyrequest",
            name="requester_email_index",
            field=privacyops.security.encryption.BlindIndexField(
                source="requester_email", verbose_name="search hash of the requester's e-mail"
            ),
        ),
        migrations.AlterField(
            model_name="privacyrequest",
            name="identity_verification_note",
            field=privacyops.security.encryption.EncryptedContactTextField(
                blank=True, verbose_name="how identity was verified"
            ),
        ),
        migrations.AlterField(
            model_name="privacyrequest",
            name="requester_address",
            field=privacyops.security.encryption.EncryptedContactTextField(
                blank=True, verbose_name="requester's postal address, as given"
            ),
        ),
        migrations.AlterField(
            model_name="privacyrequest",
            name="requester_email",
            field=privacyops.security.encryption.EncryptedSearchableCharField(
                blank=True,
                blind_index_field="requester_email_index",
                max_length=254,
                validators=[EmailValidator()],
                verbose_name="requester's e-mail, as given",
            ),
        ),
        migrations.AlterField(
            model_name="privacyrequest",
            name="requester_phone",
            field=privacyops.security.encryption.EncryptedContactCharField(
                blank=True, max_length=50, verbose_name="requester's telephone, as given"
            ),
        ),
        migrations.AlterField(
            model_name="subjectchange",
            name="new_value",
            field=privacyops.security.encryption.EncryptedContactTextField(
                blank=True, verbose_name="after"
            ),
        ),
        migrations.AlterField(
            model_name="subjectchange",
            name="old_value",
            field=privacyops.security.encryption.EncryptedContactTextField(
                blank=True, verbose_name="before"
            ),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing, elidable=False),
        migrations.AddIndex(
            model_name="privacyrequest",
            index=models.Index(fields=["requester_email_index"], name="dsr_request_email"),
        ),
    ]
