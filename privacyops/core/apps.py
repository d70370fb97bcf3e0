from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "privacyops.core"
    label = "core"
    verbose_name = "Operations"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from . import dashboard, doctor, journal, personal_data, services  # noqa: F401

        # Each app's privacy-doctor checks (its doctor.py), found the way the admin finds
        # each app's admin.py: core imports no app above it.
        autodiscover_modules("doctor")

        # Permissions exist only after every app has migrated, so roles are synced then,
        # and again on every migrate: the table in roles.py is the single source of truth.
        post_migrate.connect(services.roles_sync_after_migrate, dispatch_uid="core.roles_sync")


class PrivacyOpsAdminConfig(AdminConfig):
    default_site = "privacyops.core.admin_site.PrivacyOpsAdminSite"
