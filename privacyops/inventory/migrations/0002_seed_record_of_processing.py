"""Seed the record of processing from the privacy policy (privacyops/inventory/seed/)."""

import datetime
from pathlib import Path

from django.db import migrations

from privacyops.inventory.seed import record

POLICY_TEXT = Path(__file__).resolve().parent.parent / "seed" / "privacy-policy.txt"


def seed(apps, schema_editor):
    Category = apps.get_model("inventory", "InformationCategory")
    Element = apps.get_model("inventory", "DataElement")
    Source = apps.get_model("inventory", "CollectionSource")
    Purpose = apps.get_model("inventory", "Purpose")
    Recipient = apps.get_model("inventory", "RecipientCategory")
    Activity = apps.get_model("inventory", "ProcessingActivity")
    PolicyVersion = apps.get_model("inventory", "PolicyVersion")

    categories = {}
    for data in record.CATEGORIES:
        categories[data["code"]], _ = Category.objects.update_or_create(
            code=data["code"], defaults={k: v for k, v in data.items() if k != "code"}
        )
    for category, code, name, direct, description in record.ELEMENTS:
        Element.objects.update_or_create(
            code=code,
            defaults={
                "category": categories[category],
                "name": name,
                "identifies_directly": direct,
                "description": description,
            },
        )
    for code, name, collection, description in record.SOURCES:
        Source.objects.update_or_create(
            code=code,
            defaults={"name": name, "collection": collection, "description": description},
        )
    for code, name, basis, interest, description in record.PURPOSES:
        Purpose.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "legal_basis": basis,
                "legitimate_interest": interest,
                "description": description,
            },
        )
    for code, name, kind, description in record.RECIPIENTS:
        Recipient.objects.update_or_create(
            code=code, defaults={"name": name, "kind": kind, "description": description}
        )
    for data in record.ACTIVITIES:
        activity, _ = Activity.objects.update_or_create(
            code=data["code"],
            defaults={
                "name": data["name"],
                "role": data["role"],
                "data_subject_categories": data["data_subject_categories"],
                "retention_period": data["retention_period"],
                "retention_months": data["retention_months"],
                "security_measures": record.SECURITY_MEASURES,
            },
        )
        activity.purposes.set(Purpose.objects.filter(code__in=data["purposes"]))
        activity.data_elements.set(Element.objects.filter(code__in=data["elements"]))
        activity.sources.set(Source.objects.filter(code__in=data["sources"]))
        activity.recipients.set(Recipient.objects.filter(code__in=data["recipients"]))

    PolicyVersion.objects.get_or_create(
        version="2025.1",
        defaults={
            "effective_from": datetime.date(2025, 1, 1),
            "url": "https://www.infoserv.eu/privacy-policy",
            "summary_of_changes": "The policy as published (seed copy). The seed text does "
            "not state its date: legal to confirm the effective date.",
            "text": POLICY_TEXT.read_text(encoding="utf-8"),
        },
    )


def unseed(apps, schema_editor):
    for model in (
        "ProcessingActivity",
        "DataElement",
        "InformationCategory",
        "CollectionSource",
        "Purpose",
        "RecipientCategory",
        "PolicyVersion",
    ):
        apps.get_model("inventory", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
