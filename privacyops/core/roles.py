"""Who may do what, as one table.

Each role maps an app label (or "app_label.model") to the permission actions it grants there:
"*" means every permission of those models, custom ones included. `roles_sync` makes each
group hold exactly these permissions, so a grant that is not written here does not exist.
Later apps add their rows here; nothing else assigns permissions to groups.
"""

LEGAL = "Legal"
AUDITOR = "Auditor"
ACCOUNT_REPRESENTATIVE = "Account representative"

ALL = "*"
VIEW = frozenset({"view"})

ROLE_PERMISSIONS: dict[str, dict[str, str | frozenset[str]]] = {
    LEGAL: {
        "core": ALL,
        "inventory": ALL,
        "django_celery_beat": ALL,
        "security": ALL,
        "axes": ALL,
        "dsr": ALL,
        # Marketing in full; consent receipts are append-only evidence (the admin refuses
        # changes and deletions, even Legal's).
        "marketing": ALL,
        # The disclosure log is evidence: recorded and its withholding decided, never deleted.
        "disclosures": frozenset({"view", "add", "change"}),
        # Accountability: the paragraphs are corrected and marked; stored reports are evidence.
        "accountability.policyparagraph": ALL,
        "accountability.accountabilityreport": VIEW,
        # Retention: rules in full; holds are released, never deleted; reviews are decided,
        # never made by hand; purge runs and their events are evidence (read-only).
        "retention.retentionrule": ALL,
        "retention.legalhold": frozenset({"view", "add", "change"}),
        "retention.dispositionreview": frozenset({"view", "change"}),
        "retention.purgerun": VIEW,
        "retention.retentionevent": VIEW,
        "subjects": ALL,
        # Incidents: the register is never deleted from (Art. 33(5)); notifications are drafted
        # from the workflow and edited, never added or deleted by hand; the timeline, counts,
        # reminders, communications and deliveries are evidence (read-only).
        "incidents.incident": frozenset({"view", "add", "change"}),
        "incidents.authoritynotification": frozenset({"view", "change"}),
        "incidents.customernotice": frozenset({"view", "change"}),
        "incidents.securitytxt": frozenset({"view", "change"}),
        "incidents.lettertemplate": ALL,
        "incidents.incidentevent": VIEW,
        "incidents.affecteddata": VIEW,
        "incidents.clockreminder": VIEW,
        "incidents.subjectcommunication": VIEW,
        "incidents.subjectdelivery": VIEW,
        # Integration API: clients are deactivated, never deleted (the admin refuses); the
        # call log is evidence (read-only in the admin).
        "api": ALL,
        # Webhooks out: endpoints are deactivated, never deleted (the admin refuses); events,
        # deliveries and attempts are evidence (read-only; deliveries may be redelivered).
        "webhooks": ALL,
    },
    AUDITOR: {
        "core": VIEW,
        "inventory": VIEW,
        "django_celery_beat": VIEW,
        "security": VIEW,
        "axes": VIEW,
        "dsr": VIEW,
        "marketing": VIEW,
        "disclosures": VIEW,
        "accountability": VIEW,
        "retention": VIEW,
        "subjects": VIEW,
        "incidents": VIEW,
        "api": VIEW,
        "webhooks": VIEW,
    },
    ACCOUNT_REPRESENTATIVE: {
        # Only the accounts assigned to them (privacyops.subjects.selectors.accounts_visible_to)
        # and, of those, only the license-holder details; every change is recorded.
        "subjects.account": frozenset({"view", "change"}),
        "subjects.licenseholderchange": VIEW,
    },
}

ROLE_DESCRIPTIONS = {
    LEGAL: "The legal department: every privacy operation, record and report.",
    AUDITOR: "Internal or external auditors: read-only view of records, runs and logs.",
    ACCOUNT_REPRESENTATIVE: (
        "Account representatives: the accounts assigned to them and those accounts' "
        "license-holder details, nothing else."
    ),
}
