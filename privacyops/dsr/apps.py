from django.apps import AppConfig


class DsrConfig(AppConfig):
    name = "privacyops.dsr"
    label = "dsr"
    verbose_name = "Privacy requests"

    def ready(self) -> None:
        # Admin-home panel, demo data and personal-data declarations register themselves.
        from . import children, controls, dashboard, demo, personal_data  # noqa: F401
