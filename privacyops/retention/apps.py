from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "privacyops.retention"
    label = "retention"
    verbose_name = "Retention and legal holds"

    def ready(self) -> None:
        from privacyops.core import registry

        from . import controls, dashboard, demo, personal_data, services  # noqa: F401

        # erase() (and every DSR erasure built on it) honours legal holds through this.
        registry.register_hold_check(services.hold_reasons)
