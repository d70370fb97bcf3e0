from celery import shared_task

from . import jobs


@shared_task(name="dsr.reminders", bind=True)
def send_reminders(self) -> dict:
    return jobs.reminders_send(worker=self.request.hostname or "").summary


@shared_task(name="dsr.close_unconfirmed", bind=True)
def close_unconfirmed(self) -> dict:
    return jobs.requests_close_unconfirmed(worker=self.request.hostname or "").summary


@shared_task(name="dsr.build_access_package", bind=True)
def access_package_build_task(self, package_id: int) -> dict:
    from . import services

    package = services.access_package_build(
        package_id=package_id, worker=self.request.hostname or ""
    )
    return {"package": package.pk, "status": package.status}


@shared_task(name="dsr.sweep_package_builds", bind=True)
def sweep_package_builds(self) -> dict:
    from .services.access import access_package_builds_sweep

    return access_package_builds_sweep(worker=self.request.hostname or "").summary


@shared_task(name="dsr.expire_access_packages", bind=True)
def expire_access_packages(self) -> dict:
    from . import services

    return services.access_packages_expire(worker=self.request.hostname or "").summary


@shared_task(name="dsr.alert_minors")
def alert_minors() -> int:
    from . import services

    return services.minors_alert()


@shared_task(name="dsr.recipient_acknowledgements")
def recipient_acknowledgements() -> int:
    """Tick off the Art. 19 notices that recipients' webhook endpoints acknowledged."""
    from .services.recipients import recipient_acknowledgements_collect

    return recipient_acknowledgements_collect()
