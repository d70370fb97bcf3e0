"""Make the seeded record of processing say what the policy says (issue 15).

The policy (paragraph 17) says the information provided to third parties through analytics and
advertising cookies "does not include personal information", and (paragraph 35) that affiliates
receive aggregate data. The seeded record contradicted both:

- "Website and application analytics" sent account names, IP addresses and the rest of the
  usage data to advertising and analytics partners and to affiliates. Now it goes to service
  providers only (the analytics tools we use as processors);
- "Targeted advertising and re-targeting" sent IP addresses to advertising partners. Now they
  receive cookie identifiers, pages viewed and the referring URL only.

Only the seeded entries are changed, and only if they still hold the seeded links: a record
Legal has edited since is left as it is (the accountability report's consistency checks show
what is still contradictory).
"""

from django.db import migrations

# (activity, recipients removed, data elements removed)
FIXES = [
    ("site-analytics", ["advertising-partners", "affiliates"], []),
    ("advertising", [], ["ip-address"]),
]


def seed(apps, schema_editor):
    Activity = apps.get_model("inventory", "ProcessingActivity")
    for code, recipients, elements in FIXES:
        activity = Activity.objects.filter(code=code).first()
        if activity is None:
            continue
        activity.recipients.remove(*activity.recipients.filter(code__in=recipients))
        activity.data_elements.remove(*activity.data_elements.filter(code__in=elements))


def unfix(apps, schema_editor):
    Activity = apps.get_model("inventory", "ProcessingActivity")
    Recipient = apps.get_model("inventory", "RecipientCategory")
    Element = apps.get_model("inventory", "DataElement")
    for code, recipients, elements in FIXES:
        activity = Activity.objects.filter(code=code).first()
        if activity is None:
            continue
        activity.recipients.add(*Recipient.objects.filter(code__in=recipients))
        activity.data_elements.add(*Element.objects.filter(code__in=elements))


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_seed_vendors_adequacy_cookies")]
    operations = [migrations.RunPython(seed, unfix)]
