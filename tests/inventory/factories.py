"""Vendors and register entries for the inventory tests."""

import factory

from privacyops.inventory.models import RecipientCategory, Vendor


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n} Ltd")
    service = "Cloud hosting"
    country = "DE"
    recipient_category = factory.LazyFunction(
        lambda: RecipientCategory.objects.get(code="service-providers")
    )
