"""Every letter to requesters and customers in Bulgarian too (editable afterwards in the admin).

The letter a requester receives is in the language recorded on their request
(`PrivacyRequest.language`); English stays the fallback for a letter missing in that language.
"""

from django.db import migrations

from privacyops.dsr.seed.letters_bg import LETTERS_BG


def seed(apps, schema_editor):
    MessageTemplate = apps.get_model("dsr", "MessageTemplate")
    for key, (subject, body) in LETTERS_BG.items():
        MessageTemplate.objects.get_or_create(
            key=key, language="bg", defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    apps.get_model("dsr", "MessageTemplate").objects.filter(language="bg").delete()


class Migration(migrations.Migration):
    dependencies = [("dsr", "0011_request_language")]
    operations = [migrations.RunPython(seed, unseed)]
