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
