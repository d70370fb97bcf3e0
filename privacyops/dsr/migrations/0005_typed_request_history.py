"""Typed request history: every fulfilment step has its own kind of history entry.

Until now the fulfilment steps wrote their entries as "note" and the business state was read
back from keys of the details; the existing entries get their kind from those keys (or the
wording of the note, for the steps that wrote no details). A package download was a generic
"download". History entries refuse save(): the kind is set with QuerySet.update().
"""

from django.db import migrations, models

# (new kind, how an old "note" entry of that step is recognised), first match wins.
BY_KEY = [
    ("erasure_previewed", "plan"),
    ("erased", "certificate"),
    ("recipients_listed", "recipients"),
    ("recipient_notified", "recipient"),
    ("package_built", "records"),
    ("package_requested", "package"),
    ("rectified", "changes"),
    ("objection_recorded", "opt_out"),
    ("customer_forwarded", "forwards"),
    ("instruction_recorded", "instruction"),
    ("instruction_applied", "forward"),
    ("subject_matched", "subject_to"),
]
BY_NOTE = [
    ("restricted", "Processing restricted"),
    ("restriction_lifted", "Restriction lifted"),
]


def backfill(apps, schema_editor):
    RequestEvent = apps.get_model("dsr", "RequestEvent")
    notes = RequestEvent.objects.filter(kind="note")
    for kind, key in BY_KEY:
        notes.filter(data__has_key=key).update(kind=kind)
    for kind, start in BY_NOTE:
        notes.filter(note__startswith=start).update(kind=kind)
    notes.filter(note__startswith="Access package #", note__contains=" deleted: ").update(
        kind="package_deleted"
    )
    RequestEvent.objects.filter(kind="download", note__startswith="Access package #").update(
        kind="package_downloaded"
    )


def untype(apps, schema_editor):
    RequestEvent = apps.get_model("dsr", "RequestEvent")
    RequestEvent.objects.filter(kind="package_downloaded").update(kind="download")
    kinds = [kind for kind, _ in BY_KEY + BY_NOTE] + ["package_deleted"]
    RequestEvent.objects.filter(kind__in=kinds).update(kind="note")


class Migration(migrations.Migration):
    dependencies = [
        ("dsr", "0004_completion_letter_and_package_expiry"),
    ]

    operations = [
        migrations.AlterField(
            model_name="requestevent",
            name="kind",
            field=models.CharField(
                choices=[
                    ("submitted", "Received"),
                    ("repeat", "Repeat received and linked"),
                    ("transition", "State changed"),
                    ("identity_verified", "Identity verified"),
                    ("clock_paused", "Clock stopped (waiting for identity)"),
                    ("clock_resumed", "Clock resumed"),
                    ("extended", "Deadline extended"),
                    ("assigned", "Assigned"),
                    ("message", "Message sent"),
                    ("reminder", "Reminder sent"),
                    ("escalation", "Escalated to Legal"),
                    ("download", "Downloaded"),
                    ("note", "Note"),
                    ("subject_matched", "Matched to a data subject"),
                    ("package_requested", "Access package requested"),
                    ("package_built", "Access package built"),
                    ("package_downloaded", "Access package downloaded"),
                    ("package_deleted", "Access package deleted"),
                    ("erasure_previewed", "Erasure previewed"),
                    ("erased", "Erasure carried out"),
                    ("rectified", "Details rectified"),
                    ("restricted", "Processing restricted (Art. 18)"),
                    ("restriction_lifted", "Restriction lifted"),
                    ("objection_recorded", "Objection to direct marketing recorded"),
                    ("recipients_listed", "Recipients to notify listed (Art. 19)"),
                    ("recipient_notified", "Recipient notification marked (Art. 19)"),
                    ("customer_forwarded", "Forwarded to the customer (controller)"),
                    ("instruction_recorded", "Customer's instruction recorded"),
                    ("instruction_applied", "Customer's instruction carried out"),
                ],
                max_length=20,
                verbose_name="what happened",
            ),
        ),
        migrations.RunPython(backfill, untype),
    ]
