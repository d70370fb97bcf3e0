from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "privacyops.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks to recipients")

    def ready(self) -> None:
        from . import dashboard, personal_data  # noqa: F401  (registrations)
