"""`python manage.py accountability_report --output FILE.html [--format html|json]`"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from privacyops.accountability import report


class Command(BaseCommand):
    help = (
        "Write the accountability report: every paragraph of the privacy policy in force with "
        "its status, controls and evidence computed now (HTML for print, or JSON)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", help="File to write (default: standard output).")
        parser.add_argument("--format", choices=["html", "json"], default="html")

    def handle(self, *args, **options):
        data = report.report_build()
        if options["format"] == "json":
            text = json.dumps(report.report_json(data), indent=2, ensure_ascii=False) + "\n"
        else:
            text = report.report_html(data)
        if options["output"]:
            Path(options["output"]).write_text(text, encoding="utf-8")
            counts = data["counts"]
            self.stderr.write(
                f"{options['output']}: {len(data['sections'])} paragraphs; "
                f"{counts['kept']} kept, {counts['at_risk']} at risk, "
                f"{counts['not_operated']} not operated."
            )
        else:
            self.stdout.write(text, ending="")
