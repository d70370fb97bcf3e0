import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

from privacyops.security.checks import refuse_to_start_on_security_errors  # noqa: E402

refuse_to_start_on_security_errors()
