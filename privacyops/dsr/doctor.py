"""The privacy doctor's checks on privacy requests (privacyops.core.doctor)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacyops.core import doctor

from . import selectors
from .models import AccessPackage
from .services import access

# A package build takes seconds; one queued or building for longer lost its worker.
PACKAGE_HOURS = 2


@doctor.register_check("dsr.overdue", _("Overdue privacy requests"))
def overdue_requests() -> list[str]:
    overdue = selectors.overdue().order_by("due_date", "pk")
    lines = [
        f"{request.reference} was due on {request.due_date:%Y-%m-%d}"
        for request in overdue[: doctor.SHOWN_PER_CHECK]
    ]
    return doctor.limited(lines, overdue.count())


@doctor.register_check("dsr.packages", _("Access packages stuck being built"))
def packages_stuck() -> list[str]:
    since = timezone.now() - datetime.timedelta(hours=PACKAGE_HOURS)
    stuck = selectors.packages_in_progress().filter(requested_at__lt=since).order_by("pk")
    lines = [
        f"package #{package.pk} of {package.request.reference}: "
        f"{package.get_status_display()} since {package.requested_at:%Y-%m-%d %H:%M}"
        for package in stuck.select_related("request")[: doctor.SHOWN_PER_CHECK]
    ]
    return doctor.limited(lines, stuck.count())


def package_files() -> set[str]:
    """The files access packages point to: only a package offered has one."""
    ready = AccessPackage.objects.filter(status=AccessPackage.Status.READY).exclude(stored_as="")
    return set(ready.values_list("stored_as", flat=True))


doctor.register_storage(access.PACKAGE_FOLDER, package_files)
