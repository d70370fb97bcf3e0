"""The shape of the code, checked on its source (no Django needed): every app under privacyops/.

- No import cycle at module level: a module never needs, while it is being imported, a module
  that needs it. Nor inside functions, but for the one cycle on purpose, an app's tasks <->
  services: a service queues a task, the task calls the service (both function-level).
- No `import *` outside migrations: a reader can always tell where a name comes from.
- No module uses another module's `_private` name: what two modules share is public.
- No hand-written module over 500 lines: split by concern first (migrations are generated).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "privacyops"
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> dict[str, tuple[Path, ast.Module]]:
    found = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        found[_module_name(path)] = (path, ast.parse(path.read_text(), filename=str(path)))
    return found


SOURCES = _sources()


def _is_migration(name: str) -> bool:
    return ".migrations." in f"{name}."


def _package_of(name: str) -> str:
    path = SOURCES[name][0]
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _absolute(importer: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _package_of(importer).split(".")
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(importer: str, node: ast.Import | ast.ImportFrom) -> list[tuple[str, str | None]]:
    """(module imported, name taken from it or None) for each name of the statement; a name
    that is itself a module counts as that module."""
    if isinstance(node, ast.Import):
        return [(alias.name, None) for alias in node.names]
    source = _absolute(importer, node)
    found = []
    for alias in node.names:
        submodule = f"{source}.{alias.name}"
        if submodule in SOURCES:
            found.append((submodule, None))
        else:
            found.append((source, alias.name))
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module):
    """Import statements that run while the module is imported (not inside a function)."""
    pending = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        elif isinstance(node, ast.If) and _is_type_checking(node):
            pending.extend(node.orelse)
        else:
            pending.extend(ast.iter_child_nodes(node))


def import_graph(*, module_level_only: bool = True) -> dict[str, set[str]]:
    graph = {name: set() for name in SOURCES}
    for name, (_, tree) in SOURCES.items():
        top = set(_module_level_imports(tree))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            if module_level_only and node not in top:
                continue
            if node not in top and _tasks_and_services(name, _targets(name, node)):
                continue  # the cycle on purpose
            for module, _ in _targets(name, node):
                if module in SOURCES and module != name:
                    graph[name].add(module)
    return graph


def _tasks_and_services(importer: str, targets) -> bool:
    """Whether this (function-level) import is between an app's tasks and its services."""

    def role(name: str) -> tuple[str, str]:
        parts = name.split(".")
        if len(parts) >= 3 and parts[2] in ("tasks", "services"):
            return parts[1], parts[2]
        return "", ""

    app, kind = role(importer)
    return bool(kind) and all(
        role(module)[0] == app and role(module)[1] not in ("", kind) for module, _ in targets
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _private(name: str | None) -> bool:
    return bool(name) and name.startswith("_") and not name.startswith("__")


def private_uses() -> list[str]:
    """`from x import _name`, or `x._name` on a module x, across two of our modules."""
    found = []
    for name, (_, tree) in SOURCES.items():
        modules_bound = {}  # local name -> our module it stands for
        for node in ast.walk(tree):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for (module, taken), alias in zip(_targets(name, node), node.names, strict=True):
                if not module.startswith(PACKAGE) or module == name:
                    continue
                if _private(taken):
                    found.append(f"{name} imports {module}.{taken}")
                local = alias.asname or (alias.name if taken is None else None)
                if taken is None and local and module in SOURCES:
                    if isinstance(node, ast.Import) and not alias.asname:
                        continue  # `import a.b` binds `a`, not the module
                    modules_bound[local] = module
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules_bound
                and _private(node.attr)
            ):
                found.append(f"{name} uses {modules_bound[node.value.id]}.{node.attr}")
    return sorted(set(found))


def star_imports() -> list[str]:
    return sorted(
        f"{name}: from {_absolute(name, node)} import *"
        for name, (_, tree) in SOURCES.items()
        if not _is_migration(name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names)
    )


def long_modules() -> list[str]:
    return sorted(
        f"{name}: {lines} lines"
        for name, (path, _) in SOURCES.items()
        if not _is_migration(name) and (lines := len(path.read_text().splitlines())) > MAX_LINES
    )


def test_no_import_cycle_at_module_level():
    assert cycles(import_graph()) == []


def test_no_import_cycle_inside_functions_but_tasks_and_services():
    assert cycles(import_graph(module_level_only=False)) == []


def test_no_import_star_outside_migrations():
    assert star_imports() == []


def test_no_module_uses_another_modules_private_name():
    assert private_uses() == []


def test_no_hand_written_module_over_500_lines():
    assert long_modules() == []


# --- the checks themselves ---------------------------------------------------------------------


def test_the_cycle_check_finds_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


@pytest.mark.parametrize(
    ("importer", "statement", "expected"),
    [
        ("privacyops.dsr.services.access", "from .. import packages", "privacyops.dsr.packages"),
        ("privacyops.dsr.services.access", "from ..models import X", "privacyops.dsr.models"),
        ("privacyops.dsr.services", "from .events import x", "privacyops.dsr.services.events"),
    ],
)
def test_relative_imports_resolve_to_the_module_they_name(importer, statement, expected):
    node = ast.parse(statement).body[0]
    assert _targets(importer, node)[0][0] == expected


def test_function_level_imports_are_not_module_level():
    tree = ast.parse("import a\ndef f():\n    import b\nclass C:\n    import c\n")
    names = {alias.name for node in _module_level_imports(tree) for alias in node.names}
    assert names == {"a", "c"}
