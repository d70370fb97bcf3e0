"""Signing in past the second factor in tests.

Every staff session in the admin must have passed two-step verification. Tests that are not
about signing in use the `client` fixture (conftest), a `SecondFactorClient`: its `force_login`
and `login` also verify the session with a test-only recovery-code device, exactly as
`django_otp.login` does after a real code, and accept the confidentiality undertaking in force
(as the user would on the page the admin shows next). Tests about signing in itself use
`raw_client`. Browser tests sign in with `browser_sign_in`, which types a real one-time code.
"""

from django.contrib.auth import SESSION_KEY, get_user_model
from django.http import HttpRequest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

TEST_DEVICE_NAME = "test suite"


def otp_device_for(user) -> StaticDevice:
    device, _ = StaticDevice.objects.get_or_create(user=user, name=TEST_DEVICE_NAME)
    return device


def recovery_code_for(user) -> str:
    """A fresh one-time code that the sign-in page accepts for this user."""
    code = StaticToken.random_token()
    otp_device_for(user).token_set.create(token=code)
    return code


def accept_undertaking(user) -> None:
    """Record that the user accepted the confidentiality undertaking in force (if any)."""
    from privacyops.security import confidentiality

    version = confidentiality.undertaking_in_force()
    if version is not None:
        confidentiality.undertaking_accept(user=user, version=version)


def mark_verified(client: Client, user) -> None:
    """Make the client's session one that has passed the second factor and the undertaking."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = otp_device_for(user).persistent_id
    session.save()
    accept_undertaking(user)


class SecondFactorClient(Client):
    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        mark_verified(self, user)

    def login(self, **credentials):
        # django-axes needs the request an attack would come with; the test client has none.
        credentials.setdefault("request", HttpRequest())
        if not super().login(**credentials):
            return False
        mark_verified(self, get_user_model().objects.get(pk=self.session[SESSION_KEY]))
        return True


def browser_sign_in(page, base_url: str, username: str, password: str) -> None:
    """Sign in to the admin in the browser: password, then a one-time code (the undertaking in
    force is accepted beforehand; tests/e2e/test_two_factor_browser.py clicks through it)."""
    user = get_user_model().objects.get(username=username)
    accept_undertaking(user)
    code = recovery_code_for(user)
    page.goto(f"{base_url}/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_selector("#id_token")
    page.fill("#id_token", code)
    page.click("input[type=submit]")
