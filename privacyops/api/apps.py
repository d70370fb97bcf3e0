from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "privacyops.api"
    label = "api"
    verbose_name = "Integration API"

    def ready(self) -> None:
        from . import personal_data, schema  # noqa: F401  (registrations)
