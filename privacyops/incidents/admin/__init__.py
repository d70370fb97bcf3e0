"""Admin of the incident register: Legal runs it, the Auditor reads it, nobody else sees it."""

from . import incidents, records  # noqa: F401  (each module registers its admins)
