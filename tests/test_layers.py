"""The package's layers point one way: no import cycle between sefvoice's subpackages, and
importing the app does not load the heavy statistics libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import sefvoice

ROOT = Path(sefvoice.__file__).parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def module_level_imports(path: Path) -> set[str]:
    """The sefvoice modules `path` imports when it is loaded (imports inside functions or
    `if TYPE_CHECKING:` blocks are left out: they run later or never)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    body = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while body:
        node = body.pop(0)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            body[:0] = node.orelse
            continue
        if isinstance(node, ast.If | ast.Try):
            body[:0] = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{a.name}" for a in node.names)
    return {f for f in found if f == "sefvoice" or f.startswith("sefvoice.")}


def subpackage(module: str) -> str:
    """The first level under sefvoice (`sefvoice.feedback.views` → `feedback`)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def subpackage_graph() -> dict[str, set[str]]:
    modules = {module_name(p) for p in ROOT.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for path in ROOT.rglob("*.py"):
        source = subpackage(module_name(path))
        if not source:
            continue  # the app factory wires every subpackage together
        for target in module_level_imports(path) & modules:
            if subpackage(target) and subpackage(target) != source:
                graph.setdefault(source, set()).add(subpackage(target))
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in `graph` as the list of its nodes, or None."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for target in sorted(graph.get(node, ())):
            cycle = visit(target, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for node in sorted(graph):
        cycle = visit(node, [])
        if cycle:
            return cycle
    return None


def test_the_graph_sees_imports_between_subpackages():
    graph = subpackage_graph()
    assert "models" in graph["feedback"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_import_cycle_between_subpackages():
    cycle = find_cycle(subpackage_graph())
    assert cycle is None, "import cycle: " + " → ".join(cycle)


def test_building_the_app_leaves_pandas_and_scipy_unloaded():
    """Every blueprint and command is imported by create_app; pandas and scipy wait for the
    first release or indicator file that needs them."""
    script = (
        "import sys, sefvoice;"
        " sefvoice.create_app({'SQLALCHEMY_DATABASE_URI': 'sqlite://', 'CHECK_MIGRATED': False});"
        " print(sorted(m for m in ('pandas', 'scipy') if m in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
