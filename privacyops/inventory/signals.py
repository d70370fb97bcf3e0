"""The cookie declaration is cached; any change to what it prints forgets the cached copy, from
the admin, a service, a shell or a data migration alike."""

from django.db.models.signals import post_delete, post_save

from . import services
from .models import DigitalProperty, ProcessingActivity, TrackingIdentifier, Vendor


def _forget(sender, **kwargs) -> None:
    services.cookie_declaration_refresh()


def connect() -> None:
    for model in (TrackingIdentifier, DigitalProperty, Vendor, ProcessingActivity):
        for signal in (post_save, post_delete):
            signal.connect(
                _forget, sender=model, dispatch_uid=f"inventory-cookies-{model.__name__}"
            )
