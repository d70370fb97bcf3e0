"""The demo staff logins get a second factor whose codes `demo_logins` prints, and have
accepted the confidentiality undertaking in force."""

from privacyops.core.demo import register_demo_login

DEMO_CODES_PER_USER = 5


@register_demo_login
def demo_second_factor(users: list) -> dict[str, str]:
    """Fresh one-time recovery codes for each demo user (demo only: printed in the terminal)."""
    from . import services

    lines = {}
    for user in users:
        codes = services.recovery_codes_issue(user=user, by=None)[:DEMO_CODES_PER_USER]
        lines[user.get_username()] = "second factor, one-time demo codes: " + " ".join(codes)
    return lines


@register_demo_login
def demo_undertaking_accepted(users: list) -> dict[str, str]:
    """The demo logins have accepted the undertaking in force, so the admin opens straight on."""
    from . import confidentiality

    version = confidentiality.undertaking_in_force()
    if version is None:
        return {}
    for user in users:
        confidentiality.undertaking_accept(user=user, version=version)
    return {
        user.get_username(): f"confidentiality undertaking version {version.version} accepted"
        for user in users
    }
