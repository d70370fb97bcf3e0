"""Reference data core seeds (migration 0004) and runtime code may read: the periodic reviews
the policy promises, each a schedule Legal edits afterwards (how often, who, next due)."""

REVIEWS_TASK = "core.periodic_reviews"

# (area, title, every how many months, first due this many months after seeding)
REVIEW_SCHEDULES = [
    ("security_measures", "Security measures review", 12, 3),
    ("physical_security", "Physical security review", 12, 4),
    ("record_of_processing", "Record of processing review (Art. 30)", 12, 5),
    ("retention_schedule", "Retention schedule review", 12, 6),
    ("vendors", "Vendors and hosting partners review", 12, 7),
]
