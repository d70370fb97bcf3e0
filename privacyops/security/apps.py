from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "privacyops.security"
    label = "security"
    verbose_name = "Security and access evidence"

    def ready(self) -> None:
        from . import checks, controls, dashboard, demo, personal_data, receivers  # noqa: F401
