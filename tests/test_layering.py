"""Imports inside the package run one way, along the data flow (as pybel keeps model, I/O and
algorithms apart).

The modules form four groups, and the groups a graph: each group builds on the groups it points
to, directly or through another group:

    core -> ingest -> store -> use

- core: names, identifiers, the ontology, the typed model, plain-text output; needed everywhere.
- ingest: curated tables to RDF files (read, check, write).
- store: the built graph opened for reading: the store, entity index, projection, the
  ``skos:broader`` hierarchy, counts and coverage.
- use: what people do with the graph: queries, paths and explanations, the network views
  (graph/viz/), exports (graph/export/), the server and the command line.

A module may import its own group and the groups its group builds on, never a group that builds
on its own. Inside a group there is no order, but top-level modules (a package counts as one)
import each other in no cycle, and only the command line (graph/commands/, graph/cli.py) imports
the command line.
"""
from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

GROUPS = {
    "core": "errors vocab terms identifiers ontology model output",
    "ingest": "review_text curation rdf storage build validate",
    "store": "store view graphcheck stats entities completeness coverage projection hierarchy",
    "use": "conflicts load sparql query competency querypool server remote hops paths paths_render explain pathgraph pathindex_write viz export ingest api commands cli",
}
BUILDS_ON = {"ingest": ["core"], "store": ["ingest"], "use": ["store"]}  # group -> the groups it builds on directly
COMMAND_LINE = {"commands", "cli"}
NOT_CODE = {"__init__", "owl", "data", "queries", "server_assets"}  # package data: the ontology, curated tables, SPARQL files
PACKAGE = Path(__file__).resolve().parents[1] / "graph"
GROUP_OF = {module: group for group, names in GROUPS.items() for module in names.split()}


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


def top_of(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def imports() -> list[tuple[str, str, str]]:
    """(importing top module, imported top module, where) for every import between two of them."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        top = top_of(path)
        for target, line in imported_top_modules(path):
            if target != top and target in GROUP_OF:
                found.append((top, target, f"{path.relative_to(PACKAGE.parent)}:{line}"))
    return found


def allowed_groups(group: str) -> set[str]:
    """``group`` and every group it builds on, directly or not."""
    graph = nx.DiGraph([(g, base) for g, bases in BUILDS_ON.items() for base in bases])
    graph.add_nodes_from(GROUPS)
    return {group} | nx.descendants(graph, group)


def test_every_module_is_in_a_group():
    tops = {top_of(p) for p in PACKAGE.rglob("*.py")} - NOT_CODE
    assert tops <= set(GROUP_OF), f"add {sorted(tops - set(GROUP_OF))} to a group in GROUPS"


def test_imports_run_one_way():
    upward = [f"{where} imports graph.{target} ({GROUP_OF[target]}) into {top} ({GROUP_OF[top]})"
              for top, target, where in imports()
              if top in GROUP_OF and GROUP_OF[target] not in allowed_groups(GROUP_OF[top])]
    assert not upward, "these imports run against the data flow: " + "; ".join(upward)


def test_modules_import_each_other_in_no_cycle():
    graph = nx.DiGraph((top, target) for top, target, _ in imports() if top in GROUP_OF)
    cycles = sorted(sorted(c) for c in nx.simple_cycles(graph))
    assert not cycles, f"these modules import each other in a cycle: {cycles}"


def test_only_the_command_line_imports_the_command_line():
    wrong = [where for top, target, where in imports() if target in COMMAND_LINE and top not in COMMAND_LINE]
    assert not wrong, "the library must not import the CLI (move the code into the library): " + "; ".join(wrong)
