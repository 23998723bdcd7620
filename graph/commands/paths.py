"""path, explain: signed mechanism chains with context and evidence.

The algorithms live in :mod:`graph.paths` and :mod:`graph.explain`; this module resolves the
user's names, checks the options (every bad value is a one-line error), and renders the result
as readable chains (``--format table``, the default), JSON, CSV/TSV (one row per statement of
each hop) or an HTML drawing (``--html FILE``, a small pyvis page written here).
"""
from __future__ import annotations

import json
from functools import partial
from pathlib import Path

import click
import networkx as nx

from ..entities import entity_index
from ..errors import OntologyNameError
from ..explain import GENERIC_CANCER_KEYS, UMBRELLA_DRUG_KEYS, explain
from ..ontology import load_ontology
from ..output import render
from ..paths import (DEFAULT_LIMIT, SIGNS, NoPathError, PathError, context_values, find_paths, hop_statements,
                     load_broader)
from ..projection import projection
from .core import FORMAT_OPTION, GRAPH_OPTION

SIGN_TEXT = {1: "+", -1: "-", 0: "0"}
SIGN_WORD = {1: "increases", -1: "decreases", 0: "unsigned"}
CONTEXT_NAMES = {"cancer": "cancer", "drug": "drug", "cell_line": "cell line", "donor_cell": "donor cell",
                 "recipient_cell": "recipient cell", "body_fluid": "body fluid", "mechanism": "mechanism",
                 "biomarker_role": "biomarker role", "model": "model", "direction": "direction",
                 "certainty": "certainty", "evidence_level": "evidence"}
HOP_COLUMNS = ["path", "hop", "source", "relation", "sign", "reversed", "target", "statement", "certainty", "section",
               "table_row", "references", "inferred_references", "cancer", "drug", "summary"]


# ---------------------------------------------------------------- option checks

def _positive(name):
    def check(_ctx, _param, value):
        if value is None:
            return None
        try:
            number = int(value)
        except ValueError:
            raise PathError(f"{name} must be a whole number, not '{value}'") from None
        if number < 1:
            raise PathError(f"{name} must be at least 1, not {number}")
        return number
    return check


def _choice(name, choices):
    def check(_ctx, _param, value):
        if value is None or value in choices:
            return value
        raise PathError(f"{name} must be one of {', '.join(choices)}, not '{value}'")
    return check


def _check_names(names, lookup, where: str = "") -> frozenset | None:
    """Names given once or comma-separated, each turned into the ontology's name by ``lookup``
    (:meth:`~graph.ontology.Ontology.relation_named` or :meth:`~graph.ontology.Ontology.class_named`)."""
    if not names:
        return None
    result = set()
    for name in names:
        for part in name.split(","):
            try:
                result.add(lookup(part))
            except OntologyNameError as err:
                raise PathError(f"{err.problem}{where}. Fix: {err.fix}") from None
    return frozenset(result)


def _check_relations(names) -> frozenset | None:
    return _check_names(names, load_ontology().relation_named)


def _check_types(names, option) -> frozenset | None:
    return _check_names(names, partial(load_ontology().class_named, entity_only=True), f" for {option}")


# ---------------------------------------------------------------- rendering helpers

def _key(G, node) -> str:
    return G.nodes[node].get("key") or str(node)


def _entity(G, node) -> dict:
    attrs = G.nodes[node]
    return {"iri": node, "key": attrs.get("key"), "label": attrs.get("label"), "type": attrs.get("type"),
            "curie": attrs.get("curie")}


def _describe(G, node) -> str:
    attrs = G.nodes[node]
    label, key = attrs.get("label") or str(node), attrs.get("key")
    named = label if not key or key == label else f"{label} [{key}]"
    return f"{named} ({attrs['type']})" if attrs.get("type") else named


def _value(G, value):
    return _key(G, value) if isinstance(value, str) and value in G else value


def _context_json(G, context: dict) -> dict:
    return {q: [_value(G, v) for v in values] for q, values in (context or {}).items()}


def _context_text(G, context: dict) -> str:
    parts = []
    for q, values in (context or {}).items():
        shown = ", ".join(str(G.nodes[v].get("label") or _key(G, v)) if isinstance(v, str) and v in G else str(v)
                          for v in values)
        parts.append(f"{CONTEXT_NAMES.get(q, q)}: {shown}")
    return "; ".join(parts)


def _statement_json(G, d: dict) -> dict:
    return {"id": d["key"], "assertion": d.get("assertion"), "relation": d.get("relation"),
            "relation_label": d.get("relation_label"), "section": d.get("section"),
            "section_title": d.get("section_title"), "table_row": d.get("table_row"),
            "references": d.get("references", []), "inferred_references": d.get("inferred_references", []),
            "summary": d.get("summary"), "context": _context_json(G, d.get("context"))}


def _path_json(G, path: dict, extra: tuple = ()) -> dict:
    out = {"length": path["length"], "sign": path["sign"], "effect_sign": SIGN_WORD[path["sign"]],
           "cost": path["cost"], "nodes": [_entity(G, n) for n in path["nodes"]]}
    for name in extra:
        out[name] = path[name]
    out["hops"] = [{"source": _key(G, h["source"]), "relation": h["relation"], "sign": h["sign"],
                    "reversed": h["reversed"], "target": _key(G, h["target"]),
                    "statements": [_statement_json(G, d) for d in hop_statements(G, h)]} for h in path["hops"]]
    return out


def _chain_line(G, path: dict) -> str:
    parts = [_key(G, path["nodes"][0])]
    for hop in path["hops"]:
        arrow = (f" <-[{hop['relation']} {SIGN_TEXT[hop['sign']]}]- " if hop["reversed"]
                 else f" -[{hop['relation']} {SIGN_TEXT[hop['sign']]}]-> ")
        parts.append(arrow + _key(G, hop["target"]))
    return "".join(parts)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _evidence_lines(G, path: dict, indent: str = "    ") -> list[str]:
    lines = []
    for i, hop in enumerate(path["hops"], 1):
        subject, obj = (hop["target"], hop["source"]) if hop["reversed"] else (hop["source"], hop["target"])
        statements = hop_statements(G, hop)
        relation = statements[0].get("relation_label") or hop["relation"]
        note = " (read backwards)" if hop["reversed"] else ""
        lines.append(f"{indent}{i}. {_key(G, subject)} {relation} {_key(G, obj)}  "
                     f"[sign {SIGN_TEXT[hop['sign']]}]{note}")
        for d in statements:
            where = f"section {d.get('section')}"
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


def _hop_rows(G, paths: list[dict], extra: tuple = ()) -> list[dict]:
    rows = []
    for n, path in enumerate(paths, 1):
        for i, hop in enumerate(path["hops"], 1):
            for d in hop_statements(G, hop):
                context = d.get("context") or {}
                row = {"path": n, "hop": i, "source": _key(G, hop["source"]), "relation": hop["relation"],
                       "sign": hop["sign"], "reversed": hop["reversed"], "target": _key(G, hop["target"]),
                       "statement": d["key"], "section": d.get("section"), "table_row": d.get("table_row"),
                       "certainty": "".join(context.get("certainty", [])),
                       "references": d.get("references"), "inferred_references": d.get("inferred_references"),
                       "cancer": [_value(G, v) for v in context.get("cancer", [])],
                       "drug": [_value(G, v) for v in context.get("drug", [])], "summary": d.get("summary")}
                for name in extra:
                    row[name] = path[name]
                rows.append(row)
    return rows


def _check_html_target(file: Path | None) -> None:
    if file is not None:
        folder = Path(file).parent
        if not folder.is_dir():
            raise PathError(f"folder {folder} does not exist. Fix: create it or give another --html path")


def write_paths_html(G: nx.MultiDiGraph, paths: list[dict], file: Path, title: str) -> None:
    """Draw the union of the paths with the network view (:func:`graph.viz.render_paths`)."""
    from ..viz import render_paths, write_html  # pyvis and the page template load only for --html

    description = f"{len(paths)} path(s); end entities in bold; hover an edge for its statements."
    write_html(render_paths(G, paths, title=title, description=description), file)


# ---------------------------------------------------------------- shared resolution

def _resolve(graph_source, name, types=None, what="entity"):
    record = entity_index(graph_source).resolve(name, types)
    return record.iri


def _cancer_context(G, broader, cancer_iri) -> frozenset:
    generic = {n for n in G if G.nodes[n].get("key") in GENERIC_CANCER_KEYS}
    return context_values(broader, cancer_iri, generic)


def _drug_context(G, broader, drug_iri) -> frozenset:
    umbrellas = {n for n in G if G.nodes[n].get("key") in UMBRELLA_DRUG_KEYS}
    return context_values(broader, drug_iri, umbrellas)


HTML_OPTION = click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                           help="Also draw the paths into this HTML file.")
CANCER_OPTION = click.option("--cancer", default=None,
                             help="Keep only statements about this cancer or a subtype of it, or with no cancer stated.")
HUBS_OPTION = click.option("--allow-hubs", is_flag=True,
                           help="Let generic entities (cancer, exosomes, chemotherapy, drug, cancer cell ...) sit inside paths.")
LIMIT_OPTION = click.option("--limit", default=str(DEFAULT_LIMIT), show_default=True, callback=_positive("--limit"), metavar="N",
                            help="Paths (partial or complete) enumerated before the search is cut short (and says so).")


# ---------------------------------------------------------------- path

@click.command("path")
@click.argument("source")
@click.argument("target")
@click.option("--k", "k", default=None, callback=_positive("--k"), metavar="N", help="The k shortest simple paths (default 1).")
@click.option("--all", "all_paths", is_flag=True, help="Every simple path up to --max-hops, shortest first.")
@click.option("--max-hops", default=None, callback=_positive("--max-hops"), metavar="N",
              help="Longest path considered (default 6, or 4 with --all).")
@click.option("--relation", "-r", "relations", multiple=True,
              help="Use only this relation (repeat, or comma-separate, for several).")
@click.option("--include-type", "include_types", multiple=True,
              help="Intermediate nodes must be of this type (repeatable).")
@click.option("--exclude-type", "exclude_types", multiple=True,
              help="Intermediate nodes must not be of this type (repeatable).")
@CANCER_OPTION
@click.option("--drug", default=None, help="Keep only statements about this drug (or one under it), or with no drug stated.")
@click.option("--signed", default=None, callback=_choice("--signed", tuple(SIGNS)), metavar="increases|decreases",
              help="Keep only paths whose composed sign increases (+1) or decreases (-1) the target.")
@click.option("--undirected", is_flag=True, help="Follow edges in both directions.")
@HUBS_OPTION
@click.option("--max-degree", default=None, callback=_positive("--max-degree"), metavar="N",
              help="Also keep out of paths every node with more neighbours (successors + predecessors) than this.")
@LIMIT_OPTION
@GRAPH_OPTION
@FORMAT_OPTION
@HTML_OPTION
def path_command(source, target, k, all_paths, max_hops, relations, include_types, exclude_types, cancer, drug,
                 signed, undirected, allow_hubs, max_degree, limit, graph_source, fmt, html_file):
    """Shortest, k shortest or all simple paths from SOURCE to TARGET, with signs and evidence.

    Names may be keys, labels, synonyms or CURIEs (`exokg find TEXT` lists them). A path's sign is
    the product of its relations' signs (0 if any is unsigned). Generic hubs never sit inside a
    path unless --allow-hubs. Example: exokg path miR-522 chemotherapy --k 3 --cancer GC
    """
    if all_paths and k is not None:
        raise PathError("--all and --k exclude each other. Fix: use one of them")
    _check_html_target(html_file)
    relations = _check_relations(relations)
    include = _check_types(include_types, "--include-type")
    exclude = _check_types(exclude_types, "--exclude-type")
    G = projection(graph_source)
    src = _resolve(graph_source, source)
    dst = _resolve(graph_source, target)
    context = {}
    broader = load_broader(graph_source) if (cancer or drug) else {}
    if cancer:
        context["cancer"] = _cancer_context(G, broader, _resolve(graph_source, cancer, ("CancerType",)))
    if drug:
        context["drug"] = _drug_context(G, broader, _resolve(graph_source, drug, ("Drug",)))
    hops = max_hops or (4 if all_paths else 6)
    filters = dict(relations=relations, include_types=include, exclude_types=exclude, context=context,
                   signed=signed, undirected=undirected, hubs=() if allow_hubs else None, max_degree=max_degree,
                   limit=limit)
    found = find_paths(G, src, dst, k=None if all_paths else (k or 1), max_hops=hops, **filters)
    if not found:
        raise NoPathError(_no_path_message(G, src, dst, hops, found.truncated, filters))
    if html_file:
        write_paths_html(G, found, html_file, f"Paths from {_key(G, src)} to {_key(G, dst)}")
    if fmt == "json":
        payload = {"source": _entity(G, src), "target": _entity(G, dst), "truncated": found.truncated,
                   "paths": [_path_json(G, p) for p in found]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif fmt in ("csv", "tsv"):
        click.echo(render(_hop_rows(G, found), HOP_COLUMNS, fmt), nl=False)
    else:
        mode = "all paths" if all_paths else (f"{k} shortest paths" if k and k > 1 else "shortest path")
        click.echo(f"{mode.capitalize()} from {_describe(G, src)} to {_describe(G, dst)}, at most {hops} hops: "
                   f"{len(found)} found")
        for n, p in enumerate(found, 1):
            support = sum(len(h["statements"]) for h in p["hops"])
            click.echo(f"\n#{n}  {_plural(p['length'], 'hop')}, sign {SIGN_TEXT[p['sign']]} ({SIGN_WORD[p['sign']]}), "
                       f"{_plural(support, 'statement')}")
            click.echo(f"    {_chain_line(G, p)}")
            for line in _evidence_lines(G, p, "    "):
                click.echo(line)
    if found.truncated:
        click.echo(f"note: the search stopped after {limit:,} paths (partial or complete); more paths may exist "
                   "(raise --limit or narrow the filters)", err=True)
    if html_file:
        click.echo(f"wrote {html_file}", err=True)


def _no_path_message(G, src, dst, hops, truncated, filters: dict) -> str:
    """Why there is no path, and the smallest change of the query that finds one."""
    text = f"no path from {_key(G, src)} to {_key(G, dst)} within {hops} hops"
    filtered = any(filters.get(name) for name in ("relations", "include_types", "exclude_types", "context",
                                                  "signed", "max_degree"))
    if filtered:
        text += " with these filters"
    if truncated:
        return text + " before the search limit was reached. Fix: raise --limit or narrow the filters"
    probe = dict(filters, limit=20_000)
    if not find_paths(G, src, dst, k=1, undirected=True, hubs=(), limit=20_000):
        return text + f"; {_key(G, src)} and {_key(G, dst)} are not connected at all in the graph"
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


# ---------------------------------------------------------------- explain

@click.command("explain")
@click.argument("agent")
@click.argument("drug")
@CANCER_OPTION
@click.option("--k", "k", default="10", show_default=True, callback=_positive("--k"), metavar="N", help="Chains shown.")
@click.option("--max-hops", default="5", show_default=True, callback=_positive("--max-hops"), metavar="N",
              help="Longest chain considered.")
@click.option("--effect", default=None, callback=_choice("--effect", ("resistance", "sensitivity")),
              metavar="resistance|sensitivity",
              help="Only chains by which the agent increases resistance, or restores sensitivity.")
@click.option("--no-umbrella", is_flag=True,
              help="Drop chains that end in 'chemotherapy'/'drug' without naming DRUG.")
@HUBS_OPTION
@LIMIT_OPTION
@GRAPH_OPTION
@FORMAT_OPTION
@HTML_OPTION
def explain_command(agent, drug, cancer, k, max_hops, effect, no_umbrella, allow_hubs, limit, graph_source, fmt,
                    html_file):
    """Ranked mechanism chains from AGENT to resistance or sensitivity to DRUG.

    The last hop confers or reverses resistance; the others are mechanistic relations. Ranked:
    chains naming DRUG first, then fewer hops, more supporting statements, more hops in the asked
    cancer. Example: exokg explain CAF chemotherapy --cancer GC
    """
    _check_html_target(html_file)
    G = projection(graph_source)
    broader = load_broader(graph_source)
    agent_iri = _resolve(graph_source, agent)
    drug_iri = _resolve(graph_source, drug, ("Drug",))
    cancer_iri = _resolve(graph_source, cancer, ("CancerType",)) if cancer else None
    chains = explain(G, agent_iri, drug_iri, cancer=cancer_iri, broader=broader, k=k, max_hops=max_hops,
                     effect=effect, umbrella=not no_umbrella, hubs=() if allow_hubs else None, limit=limit)
    where = f" in {_describe(G, cancer_iri)}" if cancer_iri else ""
    if not chains:
        raise NoPathError(f"no mechanism chain from {_key(G, agent_iri)} to resistance or sensitivity to "
                          f"{_key(G, drug_iri)}{where} within {max_hops} hops. Fix: raise --max-hops, drop --cancer/"
                          f"--effect, or check `exokg path {_key(G, agent_iri)} {_key(G, drug_iri)} --undirected`")
    truncated = chains[0]["truncated"]
    extra = ("rank", "effect", "target_match", "support", "corroborating", "context_matches")
    if html_file:
        write_paths_html(G, chains, html_file, f"How {_key(G, agent_iri)} acts on {_key(G, drug_iri)} resistance{where}")
    if fmt == "json":
        payload = {"agent": _entity(G, agent_iri), "drug": _entity(G, drug_iri),
                   "cancer": _entity(G, cancer_iri) if cancer_iri else None, "truncated": truncated,
                   "chains": [_path_json(G, c, extra) for c in chains]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
    elif fmt in ("csv", "tsv"):
        rows = _hop_rows(G, chains, ("rank", "effect", "target_match", "support"))
        click.echo(render(rows, ["rank", "effect", "target_match", "support"] + HOP_COLUMNS[1:], fmt), nl=False)
    else:
        click.echo(f"Mechanism chains from {_describe(G, agent_iri)} to {_describe(G, drug_iri)}{where}: "
                   f"{len(chains)} shown, best first")
        for c in chains:
            effect_text = {"resistance": "increases resistance", "sensitivity": "restores sensitivity",
                           "unsigned": "direction not stated on every hop"}[c["effect"]]
            target_note = "" if c["target_match"] == "drug" else f" (via {_key(G, c['target'])}: drug not named)"
            context_note = f", {c['context_matches']} in the asked cancer" if cancer_iri else ""
            click.echo(f"\n#{c['rank']}  {effect_text}{target_note}; {_plural(c['length'], 'hop')}, "
                       f"{_plural(c['support'], 'supporting statement')}{context_note}")
            click.echo(f"    {_chain_line(G, c)}")
            for line in _evidence_lines(G, c, "    "):
                click.echo(line)
            if c["corroborating"]:
                click.echo(f"    corroborated by {', '.join(c['corroborating'])} (a direct statement naming this mechanism)")
    if truncated:
        click.echo(f"note: the search stopped after {limit:,} paths (partial or complete); more chains may exist "
                   "(raise --limit)", err=True)
    if html_file:
        click.echo(f"wrote {html_file}", err=True)


COMMANDS = [path_command, explain_command]
