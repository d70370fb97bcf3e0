"""The OpenAPI 3 schema at /api/schema/ validates (drf-spectacular's own validator)."""

import json

import pytest
from drf_spectacular.validation import validate_schema


@pytest.mark.django_db
def test_the_schema_is_valid_openapi_3_and_lists_the_endpoints(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)  # raises on anything that is not OpenAPI 3
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/events/", "/api/v1/may-send/", "/api/v1/requests/"} <= set(schema["paths"])
    assert "ApiKeyAuth" in json.dumps(schema["components"].get("securitySchemes", {}))
