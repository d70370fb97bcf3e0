"""Journey: a new staff member signs in, enrols an authenticator app, accepts the
confidentiality undertaking, and reaches the admin."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from privacyops.core import roles
from privacyops.security.models import UndertakingAcceptance
from tests.factories import PASSWORD, UserFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_new_staff_member_enrols_totp_and_signs_in_with_a_code(live_server, page, reference_data):
    user = UserFactory(username="anton", role=roles.AUDITOR)
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)

    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "anton")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")

    page.wait_for_selector("#qr-code svg")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.fill("#id_token", f"{code:0{device.digits}d}")
    page.click("input[type=submit]")

    assert page.locator("#recovery-codes li").count() == 10
    page.click("#continue")

    # The undertaking in force comes before any admin page, once.
    page.wait_for_selector("#undertaking-text")
    page.click("#accept-undertaking")
    assert "/undertaking/" in page.url  # not without ticking the box
    assert not UndertakingAcceptance.objects.filter(user=user).exists()
    page.check("#id_accept")
    page.click("#accept-undertaking")
    assert page.locator("#dashboard").is_visible()
    assert UndertakingAcceptance.objects.get(user=user).ip == "127.0.0.1"

    # Signing in again asks for the code, not for a new enrolment.
    page.click("#logout-form button")
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", "anton")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#id_token")
    assert page.locator("#qr-code").count() == 0
    device.refresh_from_db()
    device.throttle_reset()
    # The code just used is refused a second time (replay), so wait for the next one.
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=1)
    page.fill("#id_token", f"{code:0{device.digits}d}")
    page.click("input[type=submit]")
    assert page.locator("#dashboard").is_visible()
    assert not violations, violations
