"""The import structure, read statically (ast): data flows one way and no vigil module imports itself back.

Every `import` counts, including those inside functions (a lazy import still ties two modules together).
`LAYERS` is the order of docs/ARCHITECTURE.md: a module may import its own package and anything in a
lower layer, never a higher one; the front ends (cli, api, web) are imported by nothing below them.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
FRONT_ENDS = {"cli", "api", "web"}
LAYERS = {  # top-level part of vigil -> layer (lower imports nothing higher)
    "__init__": 0, "settings": 0, "errors": 0,
    "model": 1,
    "sources": 2,
    "store": 3,
    "matching": 4,
    "service": 5,
    "monitor": 6, "media": 6, "parties": 6, "bench": 6, "spark": 6,
    "api": 7, "web": 7, "cli": 7,
}


def modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / "vigil").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> dict[str, int]:
    """vigil modules `name` imports (anywhere in the file) -> first line."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    out: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        while target not in known and "." in target:
            target = target.rsplit(".", 1)[0]
        if target in known and target != name:
            out.setdefault(target, line)

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "vigil" or alias.name.startswith("vigil."):
                    add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module != "vigil" and not module.startswith("vigil."):
                continue
            for alias in node.names:
                candidate = f"{module}.{alias.name}"
                add(candidate if candidate in known else module, node.lineno)
    return out


def part(module: str) -> str:
    pieces = module.split(".")
    return pieces[1] if len(pieces) > 1 else "__init__"


@pytest.fixture(scope="module")
def graph() -> dict[str, dict[str, int]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def test_every_part_of_vigil_has_a_layer(graph):
    missing = sorted({part(m) for m in graph} - set(LAYERS))
    assert missing == [], f"add these to LAYERS in tests/test_layers.py (and docs/ARCHITECTURE.md): {missing}"


def test_no_upward_imports(graph):
    """Lower layers never import higher ones; in particular nothing below the front ends imports cli/api/web."""
    bad = []
    for module, targets in graph.items():
        for target, line in targets.items():
            src, dst = part(module), part(target)
            if src == dst or src not in LAYERS or dst not in LAYERS:
                continue
            if LAYERS[dst] > LAYERS[src] or (dst in FRONT_ENDS and src not in FRONT_ENDS):
                bad.append(f"{module}:{line} imports {target}")
    assert bad == []


def test_cli_is_imported_by_no_other_part(graph):
    bad = [f"{m}:{line} imports {t}" for m, ts in graph.items() for t, line in ts.items()
           if part(t) == "cli" and part(m) != "cli"]
    assert bad == []


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_no_import_circles(graph):
    assert _cycles(graph) == []


def test_the_checks_can_fail(tmp_path):
    """The checker sees a lazy (in-function) import, a circle and an upward import when there is one."""
    known = modules()
    lazy = tmp_path / "batch.py"
    lazy.write_text("import json\n\ndef bar():\n    from vigil.cli.common import err_console\n"
                    "    from ..monitor import hooks\n", encoding="utf-8")
    assert imports("vigil.service.batch", lazy, known) == {"vigil.cli.common": 4, "vigil.monitor.hooks": 5}
    fake = {"vigil.service.batch": {"vigil.cli.common": 4}, "vigil.cli.common": {"vigil.monitor.hooks": 5},
            "vigil.monitor.hooks": {"vigil.service.batch": 7}}
    assert _cycles(fake) == [["vigil.cli.common", "vigil.monitor.hooks", "vigil.service.batch"]]
