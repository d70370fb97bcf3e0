from privacyops.core import registry

from .models import JobRun, Review, ReviewEvent, ReviewSchedule

registry.not_personal(JobRun, reason="Counts and outcomes of jobs; never personal data values.")
registry.not_personal(ReviewSchedule, reason="What is reviewed, how often, by which staff member.")
registry.not_personal(Review, reason="A periodic review's dates, findings and actions.")
registry.not_personal(ReviewEvent, reason="When a periodic review was opened, reminded, completed.")
