from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "privacyops.inventory"
    label = "inventory"
    verbose_name = "Record of processing"

    def ready(self) -> None:
        from . import controls, dashboard, personal_data, signals  # noqa: F401  (registrations)

        signals.connect()
