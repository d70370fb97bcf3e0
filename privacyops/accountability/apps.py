from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    """The accountability report (GDPR Art. 5(2)): the policy paragraph by paragraph, each
    promise with the controls that keep it and their live evidence. Sits on top of every other
    app (beside api); nothing imports it."""

    name = "privacyops.accountability"
    label = "accountability"
    verbose_name = "Accountability"

    def ready(self) -> None:
        from . import controls, dashboard, personal_data  # noqa: F401  (registrations)
