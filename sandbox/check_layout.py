#!/usr/bin/env python3
"""The sandbox's size and layout rules, checked with ``ast`` (issue 13):

* no file under ``sandbox/`` over 800 lines (Python and Markdown alike);
* no function or method over 60 lines, its decorators included (tests too);
* no star import;
* no import cycle between the ``emulator`` package's modules, and imports only downwards through
  its layers: core, plumbing, services, faults, control, server (a module imports from its own
  layer or the ones before it). Imports under ``if TYPE_CHECKING:`` are for type checkers only
  and do not count.

``python3 sandbox/check_layout.py`` prints every breach and exits 1 if there is one;
``tests/test_sandbox_layout.py`` runs the same checks in the sandbox suite.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

SANDBOX = Path(__file__).resolve().parent
PACKAGE = "emulator"
MAX_FILE_LINES = 800
MAX_FUNCTION_LINES = 60
CHECKED_SUFFIXES = (".py", ".md")
SKIPPED_DIRS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}
LAYERS = ("core", "plumbing", "services", "faults", "control", "server")  # emulator's, bottom up


def sandbox_files(root: Path = SANDBOX) -> list[Path]:
    """Every Python and Markdown file under ``root``, caches left out."""
    return sorted(
        path
        for path in root.rglob("*")
        if path.is_file()
        and path.suffix in CHECKED_SUFFIXES
        and not SKIPPED_DIRS.intersection(part for part in path.relative_to(root).parts)
    )


def long_files(paths: list[Path], limit: int = MAX_FILE_LINES) -> list[str]:
    """``path: N lines`` for each file over the limit."""
    breaches = []
    for path in paths:
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > limit:
            breaches.append(f"{path}: {count} lines (limit {limit})")
    return breaches


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """``path:line name: N lines`` for each function or method over the limit, decorators included."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    breaches = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            count = (node.end_lineno or node.lineno) - start + 1
            if count > limit:
                breaches.append(f"{path}:{start} {node.name}: {count} lines (limit {limit})")
    return breaches


def star_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path}:{node.lineno} from {node.module} import *"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Import statements that run: everything but the bodies of ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.AST] = [tree]
    while pending:
        node = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                pending.extend(child.orelse)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            else:
                pending.append(child)
    return found


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path = SANDBOX, package: str = PACKAGE) -> dict[str, set[str]]:
    """module -> the package's modules it imports when it runs (absolute imports, as the package writes)."""
    paths = sorted((root / package).rglob("*.py"))
    modules = {module_name(path, root) for path in paths}
    graph: dict[str, set[str]] = {}
    for path in paths:
        name = module_name(path, root)
        targets: set[str] = set()
        for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                candidates = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                candidates = [alias.name for alias in node.names]
            else:
                candidates = []
            targets.update(c for c in candidates if c in modules and c != name)
        graph[name] = targets
    return graph


def import_cycles(graph: dict[str, set[str]]) -> list[str]:
    """One ``a -> b -> a`` line per cycle found (depth-first search, each cycle reported once)."""
    cycles: list[str] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join(path[path.index(target) :] + [target]))
            elif target not in state:
                visit(target)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def layer_of(module: str, package: str = PACKAGE) -> int:
    """The index in LAYERS of the emulator module's layer (-1: the package itself)."""
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 and parts[0] == package and parts[1] in LAYERS else -1


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """``a imports b (layer x above layer y)`` for each import of a later layer."""
    found = []
    for module, targets in sorted(graph.items()):
        for target in sorted(targets):
            if layer_of(target) > layer_of(module):
                found.append(
                    f"{module} imports {target} ({LAYERS[layer_of(target)]} is above "
                    f"{LAYERS[layer_of(module)] if layer_of(module) >= 0 else 'the package'})"
                )
    return found


def breaches(root: Path = SANDBOX) -> list[str]:
    """Every breach of the rules under ``root``."""
    files = sandbox_files(root)
    found = long_files(files)
    for path in files:
        if path.suffix == ".py":
            found += long_functions(path) + star_imports(path)
    if (root / PACKAGE).is_dir():
        graph = import_graph(root)
        found += [f"import cycle: {cycle}" for cycle in import_cycles(graph)]
        found += [f"layering: {line}" for line in upward_imports(graph)]
    return found


def main() -> int:
    found = breaches()
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
