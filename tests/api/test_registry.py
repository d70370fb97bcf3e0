"""Every model of the api app is declared in the personal-data registry (none holds any)."""

from django.apps import apps

from privacyops.core import registry


def test_every_api_model_is_declared():
    declared = {r.label for r in registry.registrations()} | set(registry.declared_not_personal())
    models = {model._meta.label for model in apps.get_app_config("api").get_models()}
    assert models == {"api.ApiClient", "api.ApiKey", "api.ApiCall", "api.ReceivedEvent"}
    assert models <= declared


def test_nothing_imports_the_api():
    """The api sits on top (DESIGN.md): no other app's module imports it."""
    import pathlib

    root = pathlib.Path(apps.get_app_config("api").path).parent
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "api" not in path.relative_to(root).parts[:1]
        and ("privacyops.api" in (text := path.read_text()) or "from privacyops import api" in text)
    ]
    assert not offenders
