"""Every incident letter in Bulgarian too (editable afterwards in the admin).

The acknowledgement to a reporter goes out in the language of the page they reported on;
English stays the fallback for a letter missing in a language.
"""

from django.db import migrations

from privacyops.incidents.seed_bg import LETTERS_BG


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("incidents", "LetterTemplate")
    for key, (subject, body) in LETTERS_BG.items():
        LetterTemplate.objects.get_or_create(
            key=key, language="bg", defaults={"subject": subject, "body": body}
        )


def unseed(apps, schema_editor):
    apps.get_model("incidents", "LetterTemplate").objects.filter(language="bg").delete()


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_letter_language")]
    operations = [migrations.RunPython(seed, unseed)]
