"""The package's shape: every module imports, and no two modules import each other in a circle."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import gradscape

SRC = Path(gradscape.__file__).parent


def _modules() -> dict[str, Path]:
    """Every module of the package, by dotted name, with its file."""
    out = {"gradscape": SRC / "__init__.py"}
    for info in pkgutil.walk_packages([str(SRC)], prefix="gradscape."):
        spec = importlib.util.find_spec(info.name)
        assert spec is not None and spec.origin is not None
        out[info.name] = Path(spec.origin)
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The package modules `name` imports anywhere in its file (at the top or inside a function:
    a lazy import is still an import, and a circle through one is still a circle)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            for alias in node.names:  # `from . import gallery` imports the module gallery
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.endswith("__main__")))
def test_every_module_imports(name):
    importlib.import_module(name)


def test_no_module_imports_itself_through_others():
    done: set[str] = set()
    path: list[str] = []

    def visit(module: str) -> None:
        if module in path:
            circle = [*path[path.index(module) :], module]
            raise AssertionError("import circle: " + " -> ".join(circle))
        if module in done:
            return
        path.append(module)
        for other in sorted(GRAPH[module]):
            visit(other)
        path.pop()
        done.add(module)

    for module in sorted(GRAPH):
        visit(module)


def test_the_graph_sees_relative_and_lazy_imports():
    # the walk above would pass vacuously if it missed these
    assert "gradscape.program.build" in GRAPH["gradscape.program.derive"]
    assert "gradscape.plot" in GRAPH["gradscape.cli.plot"]  # imported inside the command
    assert "gradscape.gallery" in GRAPH["gradscape.cli.args"]  # `from .. import gallery`


def test_the_plotting_library_never_imports_the_command_line():
    assert not any(m.startswith("gradscape.cli") for m in GRAPH["gradscape.plot"])
    assert not any(m.startswith("gradscape.cli") for m in GRAPH["gradscape.export"])
