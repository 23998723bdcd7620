"""Path and chain results as people read them, and why a query found none.

:func:`format_paths` and :func:`format_chains` turn the results of :func:`graph.paths.find_paths`
and :func:`graph.explain.explain` into the text ``exokg path`` and ``exokg explain`` print:
readable chains with the evidence of every hop (``table``), JSON, or CSV/TSV with one row per
statement of each hop (:data:`HOP_COLUMNS`). :func:`no_path_message` diagnoses an empty result:
not connected at all, or the smallest change of the query that finds a path.
:func:`write_paths_html` draws the paths with the network view.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("m", key="miR-X", label="miR-X", type="MicroRNA"); G.add_node("d", key="drugY", label="drugY", type="Drug")
>>> _ = G.add_edge("m", "d", key="S1", relation="confersResistanceTo", relation_label="confers resistance to",
...                sign=1, section="3.1", references=[7], summary="miR-X makes drugY fail.", context={})
>>> from graph.paths import find_paths
>>> print(format_paths(G, find_paths(G, "m", "d", k=1), "table", source="m", target="d",
...                    mode="shortest path", hops=6), end="")
Shortest path from miR-X (MicroRNA) to drugY (Drug), at most 6 hops: 1 found
<BLANKLINE>
#1  1 hop, sign + (increases), 1 statement
    miR-X -[confersResistanceTo +]-> drugY
    1. miR-X confers resistance to drugY  [sign +]
       S1 | section 3.1 | refs 7
       "miR-X makes drugY fail."
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from .output import printable, render
from .paths import find_paths, hop_statements

if TYPE_CHECKING:
    from .paths import GraphLike

__all__ = ["SIGN_TEXT", "SIGN_WORD", "CONTEXT_NAMES", "HOP_COLUMNS", "format_paths", "format_chains", "path_json",
           "hop_rows", "chain_line", "evidence_lines", "describe", "node_key", "entity_json", "no_path_message",
           "no_chain_message", "write_paths_html"]

SIGN_TEXT = {1: "+", -1: "-", 0: "0"}
SIGN_WORD = {1: "increases", -1: "decreases", 0: "unsigned"}
CONTEXT_NAMES = {"cancer": "cancer", "drug": "drug", "cell_line": "cell line", "donor_cell": "donor cell",
                 "recipient_cell": "recipient cell", "body_fluid": "body fluid", "mechanism": "mechanism",
                 "biomarker_role": "biomarker role", "model": "model", "direction": "direction",
                 "certainty": "certainty", "evidence_level": "evidence"}
HOP_COLUMNS = ["path", "hop", "source", "relation", "sign", "reversed", "target", "statement", "certainty", "section",
               "table_row", "references", "inferred_references", "cancer", "drug", "summary", "source_name", "evidence"]
#: The source of a statement the networkx projection holds (it carries the review and loaded files only).
REVIEW = "review"
CHAIN_COLUMNS = ("rank", "effect", "target_match", "support")
#: Path-dict fields a chain adds (graph.explain), shown in JSON.
CHAIN_FIELDS = ("rank", "effect", "target_match", "support", "corroborating", "context_matches")


# ---------------------------------------------------------------- pieces

def node_key(G, node) -> str:
    """The node's curation key; an imported entity the review does not name has none: its label."""
    attrs = G.nodes[node]
    return attrs.get("key") or attrs.get("label") or str(node)


def entity_json(G, node) -> dict:
    attrs = G.nodes[node]
    return {"iri": node, "key": attrs.get("key"), "label": attrs.get("label"), "type": attrs.get("type"),
            "curie": attrs.get("curie")}


def describe(G, node) -> str:
    attrs = G.nodes[node]
    label, key = attrs.get("label") or str(node), attrs.get("key")
    named = label if not key or key == label else f"{label} [{key}]"
    return f"{named} ({attrs['type']})" if attrs.get("type") else named


def _value(G, value):
    return node_key(G, value) if isinstance(value, str) and value in G else value


def _context_json(G, context: dict | None) -> dict:
    return {q: [_value(G, v) for v in values] for q, values in (context or {}).items()}


def _context_text(G, context: dict | None) -> str:
    parts = []
    for q, values in (context or {}).items():
        shown = ", ".join(str(G.nodes[v].get("label") or node_key(G, v)) if isinstance(v, str) and v in G else str(v)
                          for v in values)
        parts.append(f"{CONTEXT_NAMES.get(q, q)}: {shown}")
    return "; ".join(parts)


def source_of(d: dict) -> str:
    """The source a statement comes from: ``review``, a loaded file's graph, or an imported resource."""
    return d.get("source_name") or REVIEW


def hop_sources(G, hop: dict) -> list[str]:
    """The sources of the statements behind a hop, sorted."""
    return sorted({source_of(d) for d in hop_statements(G, hop)})


def statement_json(G, d: dict) -> dict:
    out = {"id": d["key"], "assertion": d.get("assertion"), "source_name": source_of(d),
           "source_title": d.get("source_title") or ("the review" if source_of(d) == REVIEW else source_of(d)),
           "relation": d.get("relation"),
           "relation_label": d.get("relation_label"), "section": d.get("section"),
           "section_title": d.get("section_title"), "table_row": d.get("table_row"),
           "references": d.get("references", []), "inferred_references": d.get("inferred_references", []),
           "summary": d.get("summary"), "context": _context_json(G, d.get("context"))}
    for name in ("evidence", "support_type", "experiments", "pmids", "knowledge_level", "source_record"):
        if name in d:  # an imported resource's own evidence
            out[name] = d[name]
    return out


def path_json(G, path: dict, extra: tuple = ()) -> dict:
    out = {"length": path["length"], "sign": path["sign"], "effect_sign": SIGN_WORD[path["sign"]],
           "cost": path["cost"], "nodes": [entity_json(G, n) for n in path["nodes"]]}
    for name in extra:
        out[name] = path[name]
    out["hops"] = [{"source": node_key(G, h["source"]), "relation": h["relation"], "sign": h["sign"],
                    "reversed": h["reversed"], "target": node_key(G, h["target"]), "sources": hop_sources(G, h),
                    "statements": [statement_json(G, d) for d in hop_statements(G, h)]} for h in path["hops"]]
    return out


def chain_line(G, path: dict) -> str:
    parts = [node_key(G, path["nodes"][0])]
    for hop in path["hops"]:
        sources = [s for s in hop_sources(G, hop) if s != REVIEW]  # a hop of the review alone is not marked
        label = f"{hop['relation']} {SIGN_TEXT[hop['sign']]}" + (f" @{','.join(sources)}" if sources else "")
        arrow = f" <-[{label}]- " if hop["reversed"] else f" -[{label}]-> "
        parts.append(arrow + node_key(G, hop["target"]))
    return "".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def evidence_lines(G, path: dict, indent: str = "    ") -> list[str]:
    lines = []
    for i, hop in enumerate(path["hops"], 1):
        subject, obj = (hop["target"], hop["source"]) if hop["reversed"] else (hop["source"], hop["target"])
        statements = hop_statements(G, hop)
        relation = statements[0].get("relation_label") or hop["relation"]
        note = " (read backwards)" if hop["reversed"] else ""
        lines.append(f"{indent}{i}. {node_key(G, subject)} {relation} {node_key(G, obj)}  "
                     f"[sign {SIGN_TEXT[hop['sign']]}]{note}")
        for d in statements:
            if "evidence" in d:  # an imported resource's row: its name and its own evidence
                title = d.get("source_title") or source_of(d)
                lines.append(f"{indent}   {' | '.join(b for b in (d['key'], title, d['evidence']) if b)}")
                continue
            where = f"section {d.get('section')}"
            if source_of(d) != REVIEW:
                where = f"{source_of(d)}, {where}"
            if d.get("table_row"):
                where += f", Table 1 row {d['table_row']}"
            refs, inferred = d.get("references") or [], d.get("inferred_references") or []
            cited = ("refs " + ", ".join(map(str, refs))) if refs else "no reference number"
            if inferred:  # taken from the passage, not printed with the fact: shown apart
                cited += "; inferred " + ", ".join(map(str, inferred))
            bits = [f"{d['key']}", where, cited]
            context = _context_text(G, d.get("context"))
            if context:
                bits.append(context)
            lines.append(f"{indent}   {' | '.join(bits)}")
            lines.append(f"{indent}   \"{d.get('summary', '')}\"")
    return lines


def hop_rows(G, paths: list[dict], extra: tuple = ()) -> list[dict]:
    rows = []
    for n, path in enumerate(paths, 1):
        for i, hop in enumerate(path["hops"], 1):
            for d in hop_statements(G, hop):
                context = d.get("context") or {}
                row = {"path": n, "hop": i, "source": node_key(G, hop["source"]), "relation": hop["relation"],
                       "sign": hop["sign"], "reversed": hop["reversed"], "target": node_key(G, hop["target"]),
                       "statement": d["key"], "section": d.get("section"), "table_row": d.get("table_row"),
                       "certainty": "".join(context.get("certainty", [])),
                       "references": d.get("references"), "inferred_references": d.get("inferred_references"),
                       "cancer": [_value(G, v) for v in context.get("cancer", [])],
                       "drug": [_value(G, v) for v in context.get("drug", [])], "summary": d.get("summary"),
                       "source_name": source_of(d), "evidence": d.get("evidence", "")}
                for name in extra:
                    row[name] = path[name]
                rows.append(row)
    return rows


# ---------------------------------------------------------------- whole answers

def format_paths(G: GraphLike, found: list[dict], fmt: str, *, source, target, mode: str, hops: int) -> str:
    """The text of ``exokg path``: ``fmt`` is table, json, csv or tsv; ``mode`` names the query
    ("shortest path", "3 shortest paths", "all paths"); ``hops`` is its --max-hops."""
    if fmt == "json":
        payload = {"source": entity_json(G, source), "target": entity_json(G, target),
                   "truncated": getattr(found, "truncated", False), "paths": [path_json(G, p) for p in found]}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        return render(hop_rows(G, found), HOP_COLUMNS, fmt)
    lines = [f"{mode.capitalize()} from {describe(G, source)} to {describe(G, target)}, at most {hops} hops: "
             f"{len(found)} found"]
    for n, p in enumerate(found, 1):
        support = sum(len(h["statements"]) for h in p["hops"])
        lines.append(f"\n#{n}  {_plural(p['length'], 'hop')}, sign {SIGN_TEXT[p['sign']]} ({SIGN_WORD[p['sign']]}), "
                     f"{_plural(support, 'statement')}")
        lines.append(f"    {chain_line(G, p)}")
        lines.extend(evidence_lines(G, p, "    "))
    return printable("\n".join(lines), keep_newlines=True) + "\n"


def format_chains(G: GraphLike, chains: list[dict], fmt: str, *, agent, drug, cancer=None) -> str:
    """The text of ``exokg explain`` for ranked chains (:func:`graph.explain.explain`); ``fmt`` as
    :func:`format_paths`; ``cancer`` is the asked cancer node, if any."""
    if fmt == "json":
        payload = {"agent": entity_json(G, agent), "drug": entity_json(G, drug),
                   "cancer": entity_json(G, cancer) if cancer else None,
                   "truncated": chains[0]["truncated"] if chains else False,
                   "budget_cut": getattr(chains, "budget_cut", False),
                   "chains": [path_json(G, c, CHAIN_FIELDS) for c in chains]}
        return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"
    if fmt in ("csv", "tsv"):
        rows = hop_rows(G, chains, CHAIN_COLUMNS)
        return render(rows, list(CHAIN_COLUMNS) + HOP_COLUMNS[1:], fmt)
    where = f" in {describe(G, cancer)}" if cancer else ""
    lines = [f"Mechanism chains from {describe(G, agent)} to {describe(G, drug)}{where}: "
             f"{len(chains)} shown, best first"]
    for c in chains:
        effect_text = {"resistance": "increases resistance", "sensitivity": "restores sensitivity",
                       "unsigned": "direction not stated on every hop"}[c["effect"]]
        target_note = "" if c["target_match"] == "drug" else f" (via {node_key(G, c['target'])}: drug not named)"
        context_note = f", {c['context_matches']} in the asked cancer" if cancer else ""
        lines.append(f"\n#{c['rank']}  {effect_text}{target_note}; {_plural(c['length'], 'hop')}, "
                     f"{_plural(c['support'], 'supporting statement')}{context_note}")
        lines.append(f"    {chain_line(G, c)}")
        lines.extend(evidence_lines(G, c, "    "))
        if c["corroborating"]:
            lines.append(f"    corroborated by {', '.join(c['corroborating'])} (a direct statement naming this mechanism)")
    return printable("\n".join(lines), keep_newlines=True) + "\n"


# ---------------------------------------------------------------- no answer

def no_path_message(G, src, dst, hops, truncated, filters: dict) -> str:
    """Why there is no path, and the smallest change of the query that finds one."""
    text = f"no path from {node_key(G, src)} to {node_key(G, dst)} within {hops} hops"
    filtered = any(filters.get(name) for name in ("relations", "include_types", "exclude_types", "context",
                                                  "signed", "max_degree"))
    if filtered:
        text += " with these filters"
    if truncated:
        return text + " before the search limit was reached. Fix: raise --limit or narrow the filters"
    probe = dict(filters, limit=20_000)
    if not find_paths(G, src, dst, k=1, undirected=True, hubs=(), limit=20_000):
        return text + f"; {node_key(G, src)} and {node_key(G, dst)} are not connected at all in the graph"
    unfiltered = dict(hubs=filters.get("hubs"), undirected=filters.get("undirected"), limit=20_000)
    relaxations = [("raise --max-hops", dict(probe, max_hops=None))]
    if filters.get("hubs") is None:
        relaxations.append(("add --allow-hubs", dict(probe, max_hops=hops, hubs=())))
    if not filters.get("undirected"):
        relaxations.append(("add --undirected", dict(probe, max_hops=hops, undirected=True)))
    if filtered:
        relaxations.append(("drop the filters", dict(unfiltered, max_hops=hops)))
    for hint, options in relaxations:
        found = find_paths(G, src, dst, k=1, **options)
        if found:
            return text + f". Fix: {hint} (a path of {_plural(found[0]['length'], 'hop')} exists then)"
    return text + ". Fix: loosen several options at once, e.g. --undirected --allow-hubs"


def no_chain_message(G: GraphLike, agent, drug, cancer, max_hops: int) -> str:
    """Why :func:`graph.explain.explain` found no chain, and what to try."""
    where = f" in {describe(G, cancer)}" if cancer else ""
    return (f"no mechanism chain from {node_key(G, agent)} to resistance or sensitivity to "
            f"{node_key(G, drug)}{where} within {max_hops} hops. Fix: raise --max-hops, drop --cancer/"
            f"--effect, or check `exokg path {node_key(G, agent)} {node_key(G, drug)} --undirected`")


# ---------------------------------------------------------------- drawing

def write_paths_html(G: GraphLike, paths: list[dict], file: Path, title: str) -> None:
    """Draw the union of the paths with the network view (:func:`graph.viz.render_paths`)."""
    from .pathgraph import PathGraph
    from .viz import render_paths, write_html  # pyvis and the page template load only for --html

    description = f"{len(paths)} path(s); end entities in bold; hover an edge for its statements."
    drawn = G.subgraph_of_paths(paths) if isinstance(G, PathGraph) else G  # the index: a small networkx graph of the paths
    write_html(render_paths(drawn, paths, title=title, description=description), file)
