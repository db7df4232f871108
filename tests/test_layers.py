"""The package's imports flow one way (docs/DEVELOPING.md, "The shape of the code").

Every ``import`` in ``blockwatch/`` counts, including the ones inside functions (a lazy import
is still a dependency).  Three rules: no module imports itself back through others (no cycle),
no package or module imports a higher layer than its own, and a command module of ``cli``
imports only the shared ``cli`` modules, never another command.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.reads_source  # reads the source text: not in mutation runs

PACKAGE = Path(__file__).resolve().parents[1] / "blockwatch"

# Top to bottom.  A unit is a top-level module or subpackage of blockwatch ("blockwatch" is the
# package's own __init__: the version).  A unit may import units of lower layers, and of its
# own layer as long as no cycle forms.
LAYERS = [
    ["_entry", "__main__"],
    ["cli"],
    ["demo"],
    ["drafting"],
    ["bundle"],
    ["report"],
    ["importing", "logbook", "files"],
    ["vault", "importers"],
    [
        "ledger",
        "incidents",
        "kinds",
        "inputs",
        "phones",
        "when",
        "deadlines",
        "words",
        "stats",
        "timestamps",
    ],
    ["env"],
    ["i18n", "errors", "documents", "numerals", "names", "law", "blockwatch"],
]
CLI_SHARED = {"blockwatch.cli", "blockwatch.cli.common", "blockwatch.cli.timeline"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            # "from blockwatch.x import y": y may be a module of its own
            targets = [
                f"{module}.{a.name}" if f"{module}.{a.name}" in modules else module
                for a in node.names
            ]
        else:
            continue
        out.update(t for t in targets if t in modules and t != name)
    return out


GRAPH = {name: _imports(name, path, _modules()) for name, path in _modules().items()}


def _unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "blockwatch"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_every_unit_has_a_layer() -> None:
    placed = {unit for layer in LAYERS for unit in layer}
    assert {_unit(m) for m in GRAPH} == placed


def test_no_module_imports_itself_back() -> None:
    assert _cycle(GRAPH) is None


def test_no_package_imports_itself_back() -> None:
    units: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        units.setdefault(_unit(module), set()).update(
            _unit(t) for t in targets if _unit(t) != _unit(module)
        )
    assert _cycle(units) is None


def test_imports_go_down_the_layers() -> None:
    layer = {unit: n for n, units in enumerate(LAYERS) for unit in units}
    upward = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        for target in targets
        if layer[_unit(target)] < layer[_unit(module)]
    )
    assert upward == []


def test_cli_commands_do_not_import_each_other() -> None:
    siblings = sorted(
        f"{module} -> {target}"
        for module, targets in GRAPH.items()
        if module.startswith("blockwatch.cli.") and module not in CLI_SHARED
        for target in targets
        if target.startswith("blockwatch.cli") and target not in CLI_SHARED
    )
    assert siblings == []


@pytest.mark.parametrize(
    ("graph", "found"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": set()}, None),
    ],
)
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], found: list[str] | None) -> None:
    assert _cycle(graph) == found


def test_lazy_imports_count() -> None:
    """An import inside a function is a dependency too: the graph sees one we know of."""
    assert "blockwatch.bundle.verify" in GRAPH["blockwatch.drafting"]
