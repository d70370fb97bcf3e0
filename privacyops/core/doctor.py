"""The privacy doctor: one integrity report over everything that can silently go wrong.

`manage.py privacy_doctor` (and a daily beat job) runs every registered check and stores the
result as a JobRun (job "privacy_doctor": failed when anything is wrong); the admin home shows
the last one. Checks are registered by the app that owns the data (its `doctor.py`), as
admin-home panels are (core/dashboard.py), so core imports nobody above it:

    @doctor.register_check("dsr.overdue", "Overdue privacy requests")
    def overdue_requests() -> list[str]:
        return [f"{r.reference} was due on {r.due_date}" for r in selectors.overdue()]

A check returns one line per problem (empty when all is well): references, ids and counts,
never a personal value. Core's own checks: registry coverage, personal data still present for
erased subjects, files in private storage (apps declare their folders with
`register_storage`), jobs running far past their expected time, beat and workers alive.
"""

import datetime
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import dashboard, journal, registry, selectors
from . import services as core_services
from .erasure import Strategy, is_erased
from .models import JobRun

JOB = "privacy_doctor"
TASK = "core.privacy_doctor"
HEARTBEAT_TASK = "core.heartbeat"
# Past this, a problem line per kind of record is followed by "... and N more".
SHOWN_PER_CHECK = 20

Check = Callable[[], list[str]]


@dataclass(frozen=True)
class RegisteredCheck:
    code: str
    title: str
    run: Check


_checks: dict[str, RegisteredCheck] = {}
# folder under PRIVATE_STORAGE_ROOT -> the file names records point to there
_storage: dict[str, Callable[[], set[str]]] = {}


def register_check(code: str, title: str) -> Callable[[Check], Check]:
    def decorator(check: Check) -> Check:
        _checks[code] = RegisteredCheck(code=code, title=str(title), run=check)
        return check

    return decorator


def unregister_check(code: str) -> None:
    """Take a check back (a test's temporary one)."""
    _checks.pop(code, None)


def register_storage(folder: str, expected: Callable[[], set[str]]) -> None:
    """A folder of private storage an app writes, and the file names its records point to;
    every other file in it is an orphan, every name without a file a missing file."""
    _storage[folder] = expected


def storage_folders() -> list[str]:
    return sorted(_storage)


def checks() -> list[RegisteredCheck]:
    return sorted(_checks.values(), key=lambda check: check.code)


def limited(lines: list[str], total: int | None = None) -> list[str]:
    total = len(lines) if total is None else total
    shown = lines[:SHOWN_PER_CHECK]
    if total > len(shown):
        shown.append(f"… and {total - len(shown)} more")
    return shown


@dataclass
class Result:
    code: str
    title: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Report:
    at: str
    results: list[Result]

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    @property
    def problems(self) -> int:
        return sum(len(result.problems) for result in self.results)

    def as_dict(self) -> dict:
        return {
            "at": self.at,
            "ok": self.ok,
            "checks": [{**asdict(result), "ok": result.ok} for result in self.results],
        }


def examine() -> Report:
    """Run every check; a check that fails to run is itself a problem."""
    results = []
    for check in checks():
        try:
            problems = [str(line) for line in check.run()]
        except Exception as error:  # the report must come out whatever one check does
            problems = [f"the check could not run: {type(error).__name__}: {error}"]
        results.append(Result(code=check.code, title=check.title, problems=problems))
    return Report(at=timezone.now().isoformat(), results=results)


def doctor_run(*, worker: str = "") -> tuple[Report, JobRun]:
    """Examine and store the result (what the admin home shows): a failed run when anything
    is wrong, with one line per problem in its detail."""
    run = core_services.job_run_start(job=JOB, total=len(_checks), worker=worker)
    report = examine()
    run.progress_done = len(report.results)
    lines = [f"{r.title}: {p}" for r in report.results for p in r.problems]
    core_services.job_run_finish(
        run=run,
        status=JobRun.Status.SUCCEEDED if report.ok else JobRun.Status.FAILED,
        summary=report.as_dict(),
        detail="\n".join(lines) or "Nothing wrong found.",
    )
    return report, run


def last_run() -> JobRun | None:
    return JobRun.objects.filter(job=JOB).exclude(status=JobRun.Status.RUNNING).first()


# --- Core's own checks -----------------------------------------------------------------------


@register_check("core.registry", _("Registry coverage"))
def registry_coverage() -> list[str]:
    """Every model of the project holds no personal data (declared so) or is registered."""
    declared = {r.label for r in registry.registrations()} | set(registry.declared_not_personal())
    missing = sorted(
        model._meta.label
        for model in apps.get_models()
        if model.__module__.startswith("privacyops.") and not model._meta.auto_created
        if model._meta.label not in declared
    )
    return [f"{label} is neither registered nor declared not personal" for label in missing]


def _subject_model():
    for registration in registry.registrations():
        if registration.subject_path == "" and any(
            f.name == "erased_at" for f in registration.model._meta.fields
        ):
            return registration.model
    return None


def _not_erased_q(registration: registry.Registration) -> Q:
    """Rows at least one of whose erased fields still holds a value (a candidate: the exact
    test is erasure.is_erased on the few rows found)."""
    q = Q(pk__in=[])
    for name in registration.erasure:
        model_field = registration.model._meta.get_field(name)
        filled = ~Q(**{f"{name}__isnull": True})
        if model_field.get_internal_type() in ("CharField", "TextField", "EmailField"):
            filled &= ~Q(**{name: ""})
        q |= filled
    return q


@register_check("core.erased", _("Personal data still present for erased people"))
def erased_subjects_data() -> list[str]:
    subject_model = _subject_model()
    if subject_model is None:
        return []
    erased = subject_model._base_manager.filter(erased_at__isnull=False).values("pk")
    problems = []
    for registration in registry.registrations():
        if registration.keep_reason or registration.subject_path is None:
            continue
        key = f"{registration.subject_path}__in" if registration.subject_path else "pk__in"
        rows = registration.model._base_manager.filter(**{key: erased})
        if registration.erasure == Strategy.DELETE_ROW:
            count = rows.count()
            if count:
                problems.append(f"{registration.label}: {count} row(s) of erased people remain")
            continue
        names = list(registration.erasure)
        found = []
        for row in rows.filter(_not_erased_q(registration)).values("pk", *names).iterator():
            if any(not is_erased(row[n], registration.erasure[n]) for n in names):
                found.append(row["pk"])
        if found:
            ids = ", ".join(str(pk) for pk in found[:SHOWN_PER_CHECK])
            problems.append(
                f"{registration.label}: {len(found)} row(s) of erased people still hold "
                f"values (ids {ids}{'…' if len(found) > SHOWN_PER_CHECK else ''})"
            )
    return problems


def job_hours() -> float:
    return float(getattr(settings, "PRIVACYOPS_DOCTOR_JOB_HOURS", 6))


@register_check("core.jobs", _("Jobs running far past their expected time"))
def jobs_overrunning() -> list[str]:
    since = timezone.now() - datetime.timedelta(hours=job_hours())
    runs = JobRun.objects.filter(status=JobRun.Status.RUNNING, started_at__lt=since)
    lines = [
        f"job run #{run.pk} ({run.job}) running since {run.started_at:%Y-%m-%d %H:%M} "
        f"(worker {run.worker or 'unknown'})"
        for run in runs.order_by("started_at")[:SHOWN_PER_CHECK]
    ]
    return limited(lines, runs.count())


def beat_minutes() -> int:
    return int(getattr(settings, "PRIVACYOPS_DOCTOR_BEAT_MINUTES", 15))


@register_check("core.beat", _("Beat and workers alive"))
def beat_alive() -> list[str]:
    """Beat sends the heartbeat every 5 minutes (django-celery-beat notes when: last_run_at)
    and a worker records it (a JobRun): the first proves beat runs, the second the workers."""
    from django_celery_beat.models import PeriodicTask

    now = timezone.now()
    limit = now - datetime.timedelta(minutes=beat_minutes())
    problems = []
    sent = (
        PeriodicTask.objects.filter(task=HEARTBEAT_TASK, enabled=True)
        .exclude(last_run_at=None)
        .order_by("-last_run_at")
        .values_list("last_run_at", flat=True)
        .first()
    )
    if not PeriodicTask.objects.filter(task=HEARTBEAT_TASK, enabled=True).exists():
        problems.append("the heartbeat schedule is missing or disabled")
    elif sent is None or sent < limit:
        when = f"last at {sent:%Y-%m-%d %H:%M}" if sent else "never"
        problems.append(f"beat has not sent the heartbeat for {beat_minutes()} minutes ({when})")
    beat = selectors.last_heartbeat()
    if beat is None or beat.started_at < limit:
        when = f"last at {beat.started_at:%Y-%m-%d %H:%M}" if beat else "never"
        problems.append(f"no worker has run the heartbeat for {beat_minutes()} minutes ({when})")
    return problems


def storage_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


@register_check("core.storage", _("Files in private storage and records pointing to them"))
def private_storage() -> list[str]:
    root = storage_root()
    problems = []
    present_folders = {p.name for p in root.iterdir() if p.is_dir()} if root.is_dir() else set()
    if root.is_dir():
        stray = sorted(p.name for p in root.iterdir() if p.is_file())
        problems += [f"{name}: a file no record points to" for name in stray]
        for name in sorted(present_folders - set(_storage)):
            problems.append(f"{name}/: a folder no app declares")
    for folder, expected_names in sorted(_storage.items()):
        expected = expected_names()
        path = root / folder
        present = {p.name for p in path.iterdir() if p.is_file()} if path.is_dir() else set()
        orphans = sorted(present - expected)
        missing = sorted(expected - present)
        problems += limited([f"{folder}/{name}: no record points to it" for name in orphans])
        problems += limited(
            [f"{folder}/{name}: a record points to it, the file is missing" for name in missing]
        )
    return problems


register_storage(journal.FOLDER, lambda: {p.name for p in journal.files()})


# --- The admin home --------------------------------------------------------------------------


@dashboard.register_panel
def doctor_panel(user) -> dashboard.Panel | None:
    if not user.has_perm("core.view_jobrun"):
        return None
    run = last_run()
    url = reverse("admin:core_jobrun_changelist") + f"?job__exact={JOB}"
    if run is None:
        facts = [(str(_("Last check")), str(_("never run (beat runs it daily)")))]
        return dashboard.Panel(title=str(_("Privacy doctor")), facts=facts, order=890)
    checks_run = run.summary.get("checks", [])
    failing = [c for c in checks_run if not c.get("ok")]
    facts = [
        (str(_("Last check")), f"{run.started_at:%d %b %Y %H:%M}"),
        (str(_("Result")), str(_("all clear")) if not failing else str(_("problems found"))),
    ]
    facts += [(c["title"], f"{len(c['problems'])}: {c['problems'][0]}") for c in failing[:6]]
    return dashboard.Panel(
        title=str(_("Privacy doctor")),
        bars=[
            dashboard.Bar(
                str(_("Checks with problems")),
                len(failing),
                reverse("admin:core_jobrun_change", args=[run.pk]),
                tone="alert" if failing else "",
            )
        ],
        facts=facts,
        link_url=url,
        link_label=str(_("All doctor runs")),
        order=890,
    )
