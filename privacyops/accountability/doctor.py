"""The privacy doctor's view of accountability reports (privacyops.core.doctor): each stored
report's file in private storage, and no file without its report."""

from privacyops.core import doctor

from .models import AccountabilityReport
from .services import REPORT_FOLDER


def report_files() -> set[str]:
    stored = AccountabilityReport.objects.exclude(stored_as="")
    return set(stored.values_list("stored_as", flat=True))


doctor.register_storage(REPORT_FOLDER, report_files)
