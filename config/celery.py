import os

from celery import Celery
from celery.signals import beat_init, worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("privacyops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
@beat_init.connect
def check_security_before_starting(**kwargs):
    from django.core.exceptions import ImproperlyConfigured

    from privacyops.security.checks import refuse_to_start_on_security_errors

    try:
        refuse_to_start_on_security_errors()
    except ImproperlyConfigured as exc:
        # Celery logs and swallows an Exception raised by a signal handler; SystemExit stops.
        raise SystemExit(str(exc)) from exc
