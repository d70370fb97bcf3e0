"""Seed the adequacy decisions, the cookie register the policy describes (with the two
third-party providers it mentions, to be named by Legal) and the agreement-review beat job."""

from django.db import migrations

from privacyops.inventory.seed import cookies, transfers

SCHEDULE = (
    "Record of processing: processor agreement reviews",
    "inventory.vendor_review_reminders",
    "Tells Legal, once per review date, that a vendor's processing agreement is due for review.",
)


def seed(apps, schema_editor):
    get = apps.get_model
    Adequacy = get("inventory", "AdequacyDecision")
    for code, country, name, scope, decision, adopted in transfers.ADEQUACY_DECISIONS:
        Adequacy.objects.get_or_create(
            code=code,
            defaults={
                "country": country,
                "name": name,
                "scope": scope,
                "decision": decision,
                "adopted_on": adopted,
            },
        )

    Recipient = get("inventory", "RecipientCategory")
    Element = get("inventory", "DataElement")
    Activity = get("inventory", "ProcessingActivity")
    Vendor = get("inventory", "Vendor")
    for data in cookies.VENDORS:
        vendor, created = Vendor.objects.get_or_create(
            name=data["name"],
            defaults={
                "recipient_category": Recipient.objects.get(code=data["recipient_category"]),
                "service": data["service"],
                "description": data["description"],
            },
        )
        if created:
            vendor.data_elements.set(Element.objects.filter(code__in=data["elements"]))
            vendor.activities.set(Activity.objects.filter(code__in=data["activities"]))

    Property = get("inventory", "DigitalProperty")
    Identifier = get("inventory", "TrackingIdentifier")
    for code, name, kind, domain in cookies.PROPERTIES:
        Property.objects.get_or_create(
            code=code, defaults={"name": name, "kind": kind, "domain": domain}
        )
    for prop, name, kind, provider, purpose, party, duration, activity, text in cookies.IDENTIFIERS:
        Identifier.objects.get_or_create(
            digital_property=Property.objects.get(code=prop),
            name=name,
            defaults={
                "kind": kind,
                "provider": Vendor.objects.get(name=provider) if provider else None,
                "purpose_category": purpose,
                "party": party,
                "duration": duration,
                "activity": Activity.objects.get(code=activity),
                "description": text,
            },
        )

    CrontabSchedule = get("django_celery_beat", "CrontabSchedule")
    PeriodicTask = get("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0",
        hour="8",
        day_of_week="*",
        day_of_month="*",
        month_of_year="*",
        timezone="Europe/Sofia",
    )
    name, task, description = SCHEDULE
    PeriodicTask.objects.get_or_create(
        name=name, defaults={"task": task, "crontab": crontab, "description": description}
    )


def unseed(apps, schema_editor):
    get = apps.get_model
    get("django_celery_beat", "PeriodicTask").objects.filter(task=SCHEDULE[1]).delete()
    get("inventory", "TrackingIdentifier").objects.all().delete()
    get("inventory", "DigitalProperty").objects.all().delete()
    get("inventory", "Vendor").objects.filter(
        name__in=[data["name"] for data in cookies.VENDORS]
    ).delete()
    get("inventory", "AdequacyDecision").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0003_vendors_transfers_cookies"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(seed, unseed)]
