from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "privacyops.subjects"
    label = "subjects"
    verbose_name = "Data subjects and accounts"

    def ready(self) -> None:
        from . import personal_data  # noqa: F401  (registers personal-data models)
