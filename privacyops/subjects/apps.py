from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "privacyops.subjects"
    label = "subjects"
    verbose_name = "Data subjects and accounts"

    def ready(self) -> None:
        # Personal-data declarations and demo data register themselves.
        from . import demo, personal_data  # noqa: F401
