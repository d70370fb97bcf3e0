"""Navigation by task: which group of the sidebar and the admin home each model belongs to.

Django lists models by app, alphabetically, technical ones first among equals. The legal
department thinks in tasks, so the admin site (`admin_site.PrivacyOpsAdminSite.get_app_list`)
regroups what a user may see by this table: the groups in the order a working day needs them,
and in each group its models in the order of importance. A model not named here falls into its
app's group (`APP_GROUPS`); an app not named there falls into Settings, and a test fails for
every model that is placed by neither table, so a new model is placed on purpose.

Who sees a group is not decided here: a group only holds the models the user may view (the
permissions of `roles.py`), and an empty group is not shown.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    # "app_label.model_name" in the order they are listed; models of the group's fallback apps
    # that are not named here follow, alphabetically.
    models: tuple[str, ...]
    collapsed: bool = False


REQUESTS = "requests"
PEOPLE = "people"
RETENTION = "retention"
INCIDENTS = "incidents"
RECORD = "record"
MARKETING = "marketing"
EVIDENCE = "evidence"
SETTINGS = "settings"

GROUPS: tuple[Group, ...] = (
    Group(
        REQUESTS,
        _("Requests"),
        (
            "dsr.privacyrequest",
            "dsr.recipientnotification",
            "dsr.accesspackage",
            "dsr.customerdataforward",
            "dsr.erasurecertificate",
            "dsr.childdeclaration",
            "dsr.minoralert",
            "dsr.childerasure",
            "dsr.subjectchange",
            "dsr.requestevent",
            "dsr.remindersent",
            "dsr.requestoutcome",
        ),
    ),
    Group(
        PEOPLE,
        _("People and accounts"),
        (
            "subjects.datasubject",
            "subjects.account",
            "subjects.licenseholderchange",
            "subjects.contactpoint",
            "subjects.customerdataset",
            "subjects.activityevent",
        ),
    ),
    Group(
        RETENTION,
        _("Retention and holds"),
        (
            "retention.legalhold",
            "retention.dispositionreview",
            "retention.retentionrule",
            "retention.purgerun",
            "retention.retentionevent",
        ),
    ),
    Group(
        INCIDENTS,
        _("Incidents"),
        (
            "incidents.incident",
            "incidents.authoritynotification",
            "incidents.customernotice",
            "incidents.subjectcommunication",
            "incidents.affecteddata",
            "incidents.incidentevent",
            "incidents.clockreminder",
            "incidents.subjectdelivery",
        ),
    ),
    Group(
        RECORD,
        _("Record of processing"),
        (
            "inventory.processingactivity",
            "inventory.vendor",
            "core.review",
            "inventory.purpose",
            "inventory.informationcategory",
            "inventory.dataelement",
            "inventory.collectionsource",
            "inventory.recipientcategory",
            "inventory.adequacydecision",
            "inventory.trackingidentifier",
            "inventory.digitalproperty",
            "inventory.policyversion",
            "accountability.accountabilityreport",
            "accountability.policyparagraph",
        ),
    ),
    Group(
        MARKETING,
        _("Marketing"),
        (
            "marketing.subscription",
            "marketing.optout",
            "marketing.suppressionentry",
            "marketing.subscriptionevent",
        ),
    ),
    Group(
        EVIDENCE,
        _("Security evidence"),
        (
            "security.accesslogentry",
            "security.loginattempt",
            "security.securityevent",
            "security.undertakingacceptance",
            "security.trainingrecord",
            "security.undertakingversion",
            "api.apicall",
        ),
    ),
    Group(
        SETTINGS,
        _("Settings"),
        (
            "django_celery_beat.periodictask",
            "core.jobrun",
            "core.reviewschedule",
            "axes.accessattempt",
            "security.staffmember",
            "dsr.messagetemplate",
            "incidents.lettertemplate",
            "incidents.securitytxt",
            "api.apiclient",
            "auth.user",
            "auth.group",
            "django_celery_beat.crontabschedule",
            "django_celery_beat.intervalschedule",
            "django_celery_beat.clockedschedule",
            "django_celery_beat.solarschedule",
        ),
        collapsed=True,
    ),
)

# Where a model of an app goes when the table above does not name it.
APP_GROUPS: dict[str, str] = {
    "dsr": REQUESTS,
    "subjects": PEOPLE,
    "retention": RETENTION,
    "incidents": INCIDENTS,
    "inventory": RECORD,
    "marketing": MARKETING,
    "security": EVIDENCE,
    "api": SETTINGS,
    "webhooks": SETTINGS,
    "disclosures": REQUESTS,  # disclosures to authorities and third parties, request-like
    "accountability": RECORD,  # endpoints, events and deliveries to connected systems
    "core": SETTINGS,
    "axes": SETTINGS,
    "auth": SETTINGS,
    "django_celery_beat": SETTINGS,
    "django_otp": SETTINGS,
    "otp_static": SETTINGS,
    "otp_totp": SETTINGS,
}
FALLBACK_GROUP = SETTINGS

# Names a lawyer reads instead of a library's ("Clocked", "Crontabs", "Access attempts").
MODEL_LABELS: dict[str, str] = {
    "django_celery_beat.periodictask": _("Scheduled jobs"),
    "django_celery_beat.crontabschedule": _("Job timings: calendar (crontab)"),
    "django_celery_beat.intervalschedule": _("Job timings: every so often"),
    "django_celery_beat.clockedschedule": _("Job timings: once, at a time"),
    "django_celery_beat.solarschedule": _("Job timings: sunrise and sunset"),
    "axes.accessattempt": _("Sign-in lockouts"),
    "auth.user": _("Staff users"),
    "auth.group": _("Roles (groups)"),
}

_GROUP_BY_MODEL = {name: group.key for group in GROUPS for name in group.models}
_POSITION = {name: index for group in GROUPS for index, name in enumerate(group.models)}


def group_of(model_label: str) -> str:
    """The key of the group a model ("app_label.model_name") is listed in."""
    if model_label in _GROUP_BY_MODEL:
        return _GROUP_BY_MODEL[model_label]
    return APP_GROUPS.get(model_label.split(".", 1)[0], FALLBACK_GROUP)


def is_placed(model_label: str) -> bool:
    """Whether the tables place this model on purpose (not by the last-resort fallback)."""
    return model_label in _GROUP_BY_MODEL or model_label.split(".", 1)[0] in APP_GROUPS


def group_models(model_dicts: list[dict]) -> list[dict]:
    """Django's model entries (each with a "model" class) regrouped by task.

    Returns app-list entries as the admin templates read them (`name`, `app_label`, `models`),
    plus `collapsed`; empty groups are left out, the groups in the table's order.
    """
    placed: dict[str, list[dict]] = {group.key: [] for group in GROUPS}
    for entry in model_dicts:
        label = entry["model"]._meta.label_lower
        if label in MODEL_LABELS:
            entry = {**entry, "name": MODEL_LABELS[label]}
        placed[group_of(label)].append(entry)
    app_list = []
    for group in GROUPS:
        entries = placed[group.key]
        if not entries:
            continue
        entries.sort(
            key=lambda entry: (
                _POSITION.get(entry["model"]._meta.label_lower, len(group.models)),
                str(entry["name"]),
            )
        )
        app_list.append(
            {
                "name": group.title,
                "app_label": group.key,
                "app_url": "",
                "has_module_perms": True,
                "models": entries,
                "collapsed": group.collapsed,
                "is_task_group": True,
            }
        )
    return app_list
