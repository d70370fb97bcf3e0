"""Journey: Legal opens the accountability report in the admin, filters it by status, opens the
printable report and prints it to PDF in chromium; the PDF's text holds the cover (company,
policy version, date) and every paragraph's section heading."""

import io
import unicodedata

import pytest
from django.utils import timezone
from pypdf import PdfReader

from privacyops.accountability.models import PolicyParagraph
from privacyops.core import roles
from tests.e2e.test_privacy_request_browser import sign_in
from tests.factories import UserFactory


def pdf_text(data: bytes) -> str:
    """The PDF's text, whitespace collapsed and ligatures (ﬀ, ﬁ) spelled out (NFKC)."""
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_printed_report_holds_the_cover_and_every_section(live_server, page, reference_data):
    UserFactory(username="lena", role=roles.LEGAL)
    sign_in(page, live_server.url, "lena")

    page.goto(f"{live_server.url}/admin/accountability/policyparagraph/report/")
    assert page.locator("section.paragraph").count() == 59
    page.locator("#status-filter a", has_text="Not operated").click()
    page.wait_for_load_state()
    shown = page.locator("section.paragraph")
    assert shown.count() == PolicyParagraph.objects.filter(kind="promise", control_keys=[]).count()
    assert "No control in this back office operates this promise." in shown.first.inner_text()

    page.click("text=Printable report (HTML)")
    page.wait_for_load_state()
    page.emulate_media(media="print")
    text = pdf_text(page.pdf(format="A4", print_background=True))

    cover = text[: text.index("§1 ")]
    today = timezone.localdate()
    assert "DAN electronic LTD" in cover
    assert "Accountability report" in cover
    assert "Privacy policy version: 2025.1" in cover
    assert f"Date: {today.day} {today:%B %Y}" in cover
    position = 0
    for paragraph in PolicyParagraph.objects.order_by("number"):
        heading = " ".join(f"§{paragraph.number} {paragraph.heading}".split())
        found = text.find(heading, position)
        assert found >= 0, heading
        position = found
    assert "Evidence computed at" in text
