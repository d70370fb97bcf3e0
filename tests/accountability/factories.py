"""Rows of the accountability app (also the role matrix's makers)."""

from privacyops.accountability import services


def stored_report():
    return services.report_store()


MAKERS = {"accountability.AccountabilityReport": stored_report}
