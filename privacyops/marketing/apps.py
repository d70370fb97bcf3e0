from django.apps import AppConfig


class MarketingConfig(AppConfig):
    name = "privacyops.marketing"
    label = "marketing"
    verbose_name = "Marketing communications"

    def ready(self) -> None:
        from . import controls, dashboard, demo, personal_data  # noqa: F401  (registrations)
