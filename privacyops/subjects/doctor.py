"""The privacy doctor's checks on data subjects and their activity (privacyops.core.doctor)."""

import importlib

from django.utils.translation import gettext_lazy as _

from privacyops.core import doctor


@doctor.register_check("subjects.default_partition", _("Activity events outside their month"))
def default_partition() -> list[str]:
    """Events in the default partition have no month partition yet (beat creates them ahead):
    a retention purge cannot drop them with their month."""
    try:
        partitions = importlib.import_module("privacyops.subjects.partitions")
    except ImportError:  # before monthly partitions exist
        return []
    rows = partitions.default_partition_rows()
    if not rows:  # None on SQLite (one plain table)
        return []
    return [f"{rows} activity event(s) in the default partition: create their months"]
