"""The privacy doctor's checks on the record of processing (privacyops.core.doctor)."""

from privacyops.core import doctor

from .models import Vendor
from .services import AGREEMENT_FOLDER


def agreement_files() -> set[str]:
    return set(Vendor.objects.exclude(dpa_stored_as="").values_list("dpa_stored_as", flat=True))


doctor.register_storage(AGREEMENT_FOLDER, agreement_files)
