import json
import sys

from django.core.management.base import BaseCommand

from privacyops.core import doctor


class Command(BaseCommand):
    help = (
        "One integrity report: registry coverage, personal data left for erased people, files "
        "in private storage, jobs past their time, legal holds past their end, beat alive, "
        "overdue requests and breaches, rows in the default partition, events outside their "
        "person's recorded months. Exit status 1 when anything is wrong. The result is stored "
        "(the admin home shows the last one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, format="text", **options):
        report, _ = doctor.doctor_run(worker="manage.py privacy_doctor")
        if format == "json":
            self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        else:
            for result in report.results:
                mark = self.style.SUCCESS("ok  ") if result.ok else self.style.ERROR("FAIL")
                self.stdout.write(f"{mark} {result.title}")
                for problem in result.problems:
                    self.stdout.write(f"       - {problem}")
            summary = (
                "All clear."
                if report.ok
                else f"{report.problems} problem(s) in "
                f"{sum(not r.ok for r in report.results)} check(s)."
            )
            self.stdout.write(summary)
        if not report.ok:
            sys.exit(1)
