from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "privacyops.incidents"
    label = "incidents"
    verbose_name = "Security incidents and breaches"

    def ready(self) -> None:
        # Admin-home panel, demo data and personal-data declarations register themselves.
        from . import controls, dashboard, demo, personal_data  # noqa: F401
