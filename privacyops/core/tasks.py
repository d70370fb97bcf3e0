from celery import shared_task

from . import services


@shared_task(name="core.heartbeat", bind=True)
def heartbeat(self) -> int:
    return services.heartbeat_record(worker=self.request.hostname or "").pk


@shared_task(name="core.periodic_reviews")
def periodic_reviews() -> dict:
    from . import reviews

    return reviews.reviews_run()


@shared_task(name="core.privacy_doctor", bind=True)
def privacy_doctor(self) -> dict:
    from . import doctor

    report, run = doctor.doctor_run(worker=self.request.hostname or "")
    return {"ok": report.ok, "problems": report.problems, "job_run": run.pk}
