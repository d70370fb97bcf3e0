from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosuresConfig(AppConfig):
    name = "privacyops.disclosures"
    label = "disclosures"
    verbose_name = _("Disclosures to third parties")

    def ready(self) -> None:
        from . import personal_data  # noqa: F401  (registrations)
