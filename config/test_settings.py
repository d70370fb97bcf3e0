"""The test suite's settings: the one settings module, as production runs it (DEBUG off, every
gate on), with secrets of the suite's own.

The repository's demo secrets are refused with DEBUG off (privacyops.security.checks), and the
real Celery workers the suite starts check that as production workers do; they inherit these
values through the environment, so they decrypt what the test process encrypted.
"""

import os

TEST_SECRETS = {
    "SECRET_KEY": "test-suite-only-secret-key-never-used-anywhere-else-7d1c0f9a2b4e6c8d",
    "FIELD_ENCRYPTION_SALTS": "test-suite-only-field-salt",
    "BLIND_INDEX_KEYS": "test-suite-only-blind-index-key",
}
for name, value in TEST_SECRETS.items():
    os.environ.setdefault(name, value)

from config.settings import *  # noqa: E402, F403  (the one settings module; overrides below)

# Tests create hundreds of users; PBKDF2's deliberate slowness is for production only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Webhook tests run a real receiver on http://127.0.0.1 (production allows https:// only).
WEBHOOKS_ALLOW_LOCAL_HTTP = True
WEBHOOKS_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOKS_TIMEOUT_SECONDS", "2"))
