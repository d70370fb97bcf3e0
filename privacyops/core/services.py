"""Business operations of the core app: roles and job records."""

from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import roles
from .models import JobRun


def _permissions_for(grants: dict[str, str | frozenset[str]]) -> Iterable[Permission]:
    query = Q(pk__in=[])
    for target, actions in grants.items():
        app_label, _, model = target.partition(".")
        scope = Q(content_type__app_label=app_label)
        if model:
            scope &= Q(content_type__model=model)
        if actions != roles.ALL:
            scope &= Q(codename__regex=r"^(" + "|".join(sorted(actions)) + r")_")
        query |= scope
    return Permission.objects.filter(query)


@transaction.atomic
def roles_sync() -> dict[str, int]:
    """Make every role group hold exactly the permissions `roles.ROLE_PERMISSIONS` grants."""
    counts = {}
    for name, grants in roles.ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = list(_permissions_for(grants))
        group.permissions.set(permissions)
        counts[name] = len(permissions)
    return counts


def roles_sync_after_migrate(sender, **kwargs) -> None:
    # post_migrate fires once per app; only the last app's run sees every permission,
    # but syncing each time is cheap and keeps partial migrates consistent too.
    if kwargs.get("using", "default") == "default":
        roles_sync()


def job_run_start(*, job: str, total: int | None = None, worker: str = "") -> JobRun:
    return JobRun.objects.create(job=job, progress_total=total, worker=worker)


def job_run_progress(*, run: JobRun, done: int, total: int | None = None) -> None:
    run.progress_done = done
    fields = ["progress_done"]
    if total is not None:
        run.progress_total = total
        fields.append("progress_total")
    run.save(update_fields=fields)


def job_run_finish(
    *,
    run: JobRun,
    status: str = JobRun.Status.SUCCEEDED,
    summary: dict | None = None,
    detail: str = "",
) -> JobRun:
    run.status = status
    run.finished_at = timezone.now()
    if summary is not None:
        run.summary = summary
    if detail:
        run.detail = detail
    run.save(update_fields=["status", "finished_at", "summary", "detail", "progress_done"])
    return run


def heartbeat_record(*, worker: str) -> JobRun:
    """Record that a Celery worker picked up and ran a task: proof the queue is alive."""
    run = job_run_start(job="heartbeat", total=1, worker=worker)
    run.progress_done = 1
    return job_run_finish(run=run, summary={"worker": worker})


DEMO_USERS = [
    ("legal", roles.LEGAL, "Lena", "Legalova"),
    ("auditor", roles.AUDITOR, "Anton", "Auditorov"),
    ("rep", roles.ACCOUNT_REPRESENTATIVE, "Radka", "Repova"),
]


@transaction.atomic
def demo_logins_reset(*, password: str) -> list[tuple[object, str]]:
    """Create or reset one staff login per role for the embedded demo."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    created = []
    for username, role, first, last in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.first_name, user.last_name = first, last
        user.email = f"{username}@infoserv.eu"
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        created.append((user, role))
    return created
