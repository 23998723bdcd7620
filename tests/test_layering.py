"""Imports inside the package run one way, along the data flow (as pybel keeps model, I/O and
algorithms apart): a module may import only modules at or before its own layer."""
from __future__ import annotations

import ast
from pathlib import Path

LAYERS = ("errors vocab terms identifiers ontology model curation rdf build validate store stats output entities "
          "coverage projection query competency server remote paths explain viz export ingest commands cli").split()
PACKAGE = Path(__file__).resolve().parents[1] / "graph"


def imported_top_modules(path: Path) -> list[tuple[str, int]]:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    package = list(parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package[: len(package) - (node.level - 1)]
            target = base + [m for m in (node.module or "").split(".") if m]
            found.append(((target or [node.names[0].name])[0], node.lineno))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("graph."):
            found.append((node.module.split(".")[1], node.lineno))
    return found


def test_every_module_is_in_a_layer():
    tops = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in PACKAGE.rglob("*.py")}
    tops -= {"__init__", "owl", "data", "queries", "viz_assets"}
    assert tops <= set(LAYERS), f"add {sorted(tops - set(LAYERS))} to LAYERS in the right place"


def test_imports_run_one_way():
    rank = {name: i for i, name in enumerate(LAYERS)}
    upward = []
    for path in PACKAGE.rglob("*.py"):
        top = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if top not in rank:
            continue
        for target, line in imported_top_modules(path):
            if target in rank and rank[target] > rank[top]:
                upward.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports graph.{target}")
    assert not upward, "these imports run against the data flow: " + "; ".join(upward)
