"""Rows of the api app made through its services (also the role matrix's makers)."""

from privacyops.api import services


def api_client(name="CRM", scopes=("events:write",), **kwargs):
    """(ApiClient, key)"""
    return services.api_client_create(name=name, scopes=list(scopes), **kwargs)


def _call():
    client, _ = api_client(name="matrix-client")
    return services.api_call_record(
        client=client,
        key_prefix="",
        method="POST",
        endpoint="events",
        status_code=200,
        records=1,
        ip="192.0.2.1",
    )


MAKERS = {
    "api.ApiClient": lambda: api_client(name="matrix-client")[0],
    "api.ApiCall": _call,
}
