from privacyops.core import registry

from .models import JobRun

registry.not_personal(JobRun, reason="Counts and outcomes of jobs; never personal data values.")
