"""Demo data contributors for `seed_demo`.

Each app registers a function that loads its part of the demo data set idempotently; core
runs them in registration order (which follows INSTALLED_APPS, so lower apps come first).
"""

from collections.abc import Callable

_loaders: list[tuple[str, Callable[[], str]]] = []


def register_demo(name: str):
    def decorator(loader: Callable[[], str]) -> Callable[[], str]:
        if all(existing != name for existing, _ in _loaders):
            _loaders.append((name, loader))
        return loader

    return decorator


def demo_loaders() -> list[tuple[str, Callable[[], str]]]:
    return list(_loaders)


# Apps that attach something to the demo staff logins (e.g. a second factor) register a helper:
# it receives the demo users and returns, per username, a line `demo_logins` prints.
_login_helpers: list[Callable[[list], dict[str, str]]] = []


def register_demo_login(helper: Callable[[list], dict[str, str]]):
    if helper not in _login_helpers:
        _login_helpers.append(helper)
    return helper


def demo_login_helpers() -> list[Callable[[list], dict[str, str]]]:
    return list(_login_helpers)
