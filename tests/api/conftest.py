import pytest
from django.core.cache import cache

from tests.api.factories import api_client

ALL_SCOPES = ("events:write", "subjects:write", "consents:write", "requests:write", "may-send:read")


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # the throttle counts calls in the cache
    yield
    cache.clear()


@pytest.fixture
def crm(db):
    """(ApiClient, key) with every scope."""
    return api_client(name="CRM", scopes=ALL_SCOPES)


def post(client, url, body, key, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Api-Key {key}"} if key else {}
    return client.post(url, body, content_type="application/json", **headers, **extra)
