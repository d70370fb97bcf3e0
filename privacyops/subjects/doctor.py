"""The privacy doctor's checks on data subjects and their activity (privacyops.core.doctor)."""

import importlib

from django.db import connections, router
from django.utils.translation import gettext_lazy as _

from privacyops.core import doctor

from .models import ActivityEvent, DataSubject


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


REPAIR = "python manage.py activity_bounds_repair"


@doctor.register_check(
    "subjects.bounds", _("Activity events outside their person's recorded months")
)
def events_outside_bounds() -> list[str]:
    """Events of a subject outside the months recorded on the subject, or whose subject has
    none: erasure and the access export look a subject's events up within those months only
    (models/activity_bounds.py), so they would miss these.

    One statement on any database: the events joined to their subjects, grouped by subject;
    the first subjects by id, each with the number of subjects and of events over all groups
    beside it (window functions over the groups), so nothing is read twice and no row reaches
    Python but the few shown. Ids and counts only: the lines name no person."""
    connection = connections[router.db_for_read(ActivityEvent)]
    name = connection.ops.quote_name
    events, subjects = name(ActivityEvent._meta.db_table), name(DataSubject._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.subject_id, count(*), count(*) OVER (), sum(count(*)) OVER () "
            f"FROM {events} AS e JOIN {subjects} AS s ON s.id = e.subject_id "
            "WHERE s.activity_from IS NULL OR s.activity_until IS NULL "
            "OR e.occurred_at < s.activity_from OR e.occurred_at >= s.activity_until "
            "GROUP BY e.subject_id ORDER BY e.subject_id LIMIT %s",
            [doctor.SHOWN_PER_CHECK],
        )
        rows = cursor.fetchall()
    if not rows:
        return []
    outside_subjects, outside_events = rows[0][2], rows[0][3]
    lines = [
        f"{outside_events} activity event(s) of {outside_subjects} data subject(s) lie outside "
        f"the months recorded for them (erasure and access exports would miss them): "
        f"run {REPAIR}"
    ]
    shown = [
        f"data subject #{subject_id}: {count} event(s)" for subject_id, count, *_totals in rows
    ]
    return lines + doctor.limited(shown, outside_subjects)
