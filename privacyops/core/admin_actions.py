"""Every admin action requires the permission it exercises, and every run leaves a log entry.

Django offers an action to everyone who can open the change list unless the action names its
`allowed_permissions`. Third-party admins often name none — django-celery-beat's enable,
disable, toggle and run were offered to the read-only Auditor, who could switch the retention
purge off, and nothing recorded it. So the project's admin site (`admin_site.py`) gives every
registered ModelAdmin, ours and third-party, these rules through `ActionRulesMixin`:

- an action without `allowed_permissions` requires the permission its name implies
  (`delete…` needs delete; anything else needs change);
- an action is offered, and runs, only for a user who holds one of its permissions: an action
  that is not offered is refused by Django's own action form ("No action selected");
- every run leaves one admin log entry (`LogEntry`) per selected object naming the action —
  unless the action wrote its own entries (Django's "delete selected" logs each deletion), or
  answered with a page instead of doing it (a confirmation, a form to fill in, a dry-run
  preview: nothing has changed yet; the run that follows is logged).

The objects are read before the run (an action may delete them or change what the selection
matches), so a "select all" over a large table costs what Django's own delete costs.
"""

import functools

from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import model_format_dict
from django.template.response import TemplateResponse


def implied_permissions(name: str) -> tuple[str, ...]:
    """The permissions an action that names none exercises, read from its name."""
    return ("delete",) if name.startswith("delete") else ("change",)


def action_permissions(func, name: str) -> tuple[str, ...]:
    return tuple(getattr(func, "allowed_permissions", None) or implied_permissions(name))


def logged_action(func, name: str, description: str):
    """`func` as an admin action whose every run leaves a LogEntry per selected object."""

    @functools.wraps(func)
    def run(modeladmin, request, queryset):
        objects = list(queryset.all())  # before the run: the action may delete or re-filter
        last_entry = LogEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
        response = func(modeladmin, request, queryset)
        if isinstance(response, TemplateResponse):
            return response  # a confirmation, a form, a preview: nothing changed yet
        logged_itself = LogEntry.objects.filter(
            user_id=request.user.pk, pk__gt=last_entry or 0
        ).exists()
        if not logged_itself:
            label = str(description) % model_format_dict(modeladmin.opts)
            message = f"Ran the action “{label}” ({name})."
            for obj in objects:
                modeladmin.log_change(request, obj, message)
        return response

    return run


class ActionRulesMixin:
    """Actions offered only with the permission they exercise, every run logged."""

    def has_action_permission(self, request, func, name: str) -> bool:
        return any(
            getattr(self, f"has_{permission}_permission")(request)
            for permission in action_permissions(func, name)
        )

    def get_actions(self, request):
        return {
            name: (logged_action(func, name, description), name, description)
            for name, (func, _, description) in super().get_actions(request).items()
            if self.has_action_permission(request, func, name)
        }


@functools.cache
def with_action_rules(admin_class: type) -> type:
    """`admin_class` with `ActionRulesMixin` in front: same name, same module, same behaviour
    otherwise. Django's own `AdminSite.register(**options)` derives classes the same way."""
    if issubclass(admin_class, ActionRulesMixin):
        return admin_class
    return type(
        admin_class.__name__,
        (ActionRulesMixin, admin_class),
        {
            "__module__": admin_class.__module__,
            "__qualname__": admin_class.__qualname__,
            "__doc__": admin_class.__doc__,
        },
    )
