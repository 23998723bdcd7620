"""path, explain: signed mechanism chains with context and evidence.

A thin shell: the search lives in :mod:`graph.paths` and :mod:`graph.explain`, the rendering
(``--format table``, the default, json, csv, tsv; ``--html FILE``) and the no-path diagnosis in
:mod:`graph.paths_render`. This module resolves the user's names, checks the options (every bad
value is a one-line error) and prints.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

import click

from ..errors import OntologyNameError
from ..explain import DEFAULT_BUDGET, GENERIC_CANCER_KEYS, UMBRELLA_DRUG_KEYS, explain, nodes_with_keys
from ..hierarchy import context_values
from ..ontology import load_ontology
from ..pathgraph import path_graph
from ..paths import DEFAULT_LIMIT, SIGNS, NoPathError, PathError, find_paths
from ..paths_render import (describe, format_chains, format_paths, no_chain_message, no_path_message, node_key,
                            write_paths_html)
from .core import FORMAT_OPTION, GRAPH_HELP

# The graph is checked when its path index is written (once per store version, from the checked view), so
# path and explain do not read the whole view again on every run, as the other commands' --graph does.
GRAPH_OPTION = click.option("--graph", "graph_source", type=click.Path(path_type=Path), default=None, help=GRAPH_HELP)

# ---------------------------------------------------------------- option checks

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


# ---------------------------------------------------------------- option checks (continued)

def _check_html_target(file: Path | None) -> None:
    if file is not None:
        folder = Path(file).parent
        if not folder.is_dir():
            raise PathError(f"folder {folder} does not exist. Fix: create it or give another --html path")


# ---------------------------------------------------------------- shared resolution

def _resolve(G, graph_source, name, types=None):
    """The IRI of the entity ``name`` means, looked up in the path index; when none or several
    match, the entity index says so with the candidates (the same message as every command)."""
    def fallback(text, wanted):
        from ..entities import entity_index

        return entity_index(graph_source).resolve(text, wanted)

    return G.resolve(name, types, fallback)


def _cancer_context(G, broader, cancer_iri) -> frozenset:
    return context_values(broader, cancer_iri, nodes_with_keys(G, GENERIC_CANCER_KEYS))


def _drug_context(G, broader, drug_iri) -> frozenset:
    return context_values(broader, drug_iri, nodes_with_keys(G, UMBRELLA_DRUG_KEYS))


HTML_OPTION = click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                           help="Also draw the paths into this HTML file.")
CANCER_OPTION = click.option("--cancer", default=None,
                             help="Keep only statements about this cancer or a subtype of it, or with no cancer stated.")
HUBS_OPTION = click.option("--allow-hubs", is_flag=True,
                           help="Let generic entities (cancer, exosomes, chemotherapy, drug, cancer cell ...) sit inside paths.")
SOURCES_OPTION = click.option(
    "--sources", default=None, metavar="NAMES",
    help="Sources whose statements paths may use, comma-separated: review, a loaded file's graph (load-...), an "
         "imported resource (mirtarbase, ncrnadrug, exocarta, gaf, orghs ...), or all. Default: the review and "
         "loaded files.")
LIMIT_OPTION = click.option("--limit", type=click.IntRange(min=1), default=DEFAULT_LIMIT, show_default=True, metavar="N",
                            help="Paths (partial or complete) enumerated before the search is cut short (and says so).")


# ---------------------------------------------------------------- path

@click.command("path")
@click.argument("source")
@click.argument("target")
@click.option("--k", "k", type=click.IntRange(min=1), default=None, metavar="N", help="The k shortest simple paths (default 1).")
@click.option("--all", "all_paths", is_flag=True, help="Every simple path up to --max-hops, shortest first.")
@click.option("--max-hops", type=click.IntRange(min=1), default=None, metavar="N",
              help="Longest path considered (default 6, or 4 with --all).")
@click.option("--relation", "-r", "relations", multiple=True,
              help="Use only this relation (repeat, or comma-separate, for several).")
@click.option("--include-type", "include_types", multiple=True,
              help="Intermediate nodes must be of this type (repeatable).")
@click.option("--exclude-type", "exclude_types", multiple=True,
              help="Intermediate nodes must not be of this type (repeatable).")
@CANCER_OPTION
@click.option("--drug", default=None, help="Keep only statements about this drug (or one under it), or with no drug stated.")
@click.option("--signed", type=click.Choice(tuple(SIGNS)), default=None, metavar="increases|decreases",
              help="Keep only paths whose composed sign increases (+1) or decreases (-1) the target.")
@click.option("--undirected", is_flag=True, help="Follow edges in both directions.")
@HUBS_OPTION
@SOURCES_OPTION
@click.option("--max-degree", type=click.IntRange(min=1), default=None, metavar="N",
              help="Also keep out of paths every node with more neighbours (successors + predecessors) than this.")
@LIMIT_OPTION
@GRAPH_OPTION
@FORMAT_OPTION
@HTML_OPTION
def path_command(source, target, k, all_paths, max_hops, relations, include_types, exclude_types, cancer, drug,
                 signed, undirected, allow_hubs, sources, max_degree, limit, graph_source, fmt, html_file):
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
    G = path_graph(graph_source, sources)
    src = _resolve(G, graph_source, source)
    dst = _resolve(G, graph_source, target)
    context = {}
    broader = G.broader() if (cancer or drug) else {}
    if cancer:
        context["cancer"] = _cancer_context(G, broader, _resolve(G, graph_source, cancer, ("CancerType",)))
    if drug:
        context["drug"] = _drug_context(G, broader, _resolve(G, graph_source, drug, ("Drug",)))
    hops = max_hops or (4 if all_paths else 6)
    filters = dict(relations=relations, include_types=include, exclude_types=exclude, context=context,
                   signed=signed, undirected=undirected, hubs=() if allow_hubs else None, max_degree=max_degree,
                   limit=limit)
    found = find_paths(G, src, dst, k=None if all_paths else (k or 1), max_hops=hops, **filters)
    if not found:
        raise NoPathError(no_path_message(G, src, dst, hops, found.truncated, filters))
    if html_file:
        write_paths_html(G, found, html_file, f"Paths from {node_key(G, src)} to {node_key(G, dst)}")
    mode = "all paths" if all_paths else (f"{k} shortest paths" if k and k > 1 else "shortest path")
    click.echo(format_paths(G, found, fmt, source=src, target=dst, mode=mode, hops=hops), nl=False)
    if found.truncated:
        click.echo(f"note: the search stopped after {limit:,} paths (partial or complete); more paths may exist "
                   "(raise --limit or narrow the filters)", err=True)
    if html_file:
        click.echo(f"wrote {html_file}", err=True)


# ---------------------------------------------------------------- explain

@click.command("explain")
@click.argument("agent")
@click.argument("drug")
@CANCER_OPTION
@click.option("--k", "k", type=click.IntRange(min=1), default=10, show_default=True, metavar="N", help="Chains shown.")
@click.option("--max-hops", type=click.IntRange(min=1), default=5, show_default=True, metavar="N",
              help="Longest chain considered.")
@click.option("--effect", type=click.Choice(("resistance", "sensitivity")), default=None,
              metavar="resistance|sensitivity",
              help="Only chains by which the agent increases resistance, or restores sensitivity.")
@click.option("--no-umbrella", is_flag=True,
              help="Drop chains that end in 'chemotherapy'/'drug' without naming DRUG.")
@HUBS_OPTION
@SOURCES_OPTION
@LIMIT_OPTION
@click.option("--budget", type=click.IntRange(min=1), default=DEFAULT_BUDGET, show_default=True, metavar="N",
              help="Edges the search may read before it stops with the chains it has (and says so).")
@GRAPH_OPTION
@FORMAT_OPTION
@HTML_OPTION
def explain_command(agent, drug, cancer, k, max_hops, effect, no_umbrella, allow_hubs, sources, limit, budget,
                    graph_source, fmt, html_file):
    """Ranked mechanism chains from AGENT to resistance or sensitivity to DRUG.

    The last hop confers or reverses resistance; the others are mechanistic relations. Ranked:
    chains naming DRUG first, then fewer hops, more supporting statements, more hops in the asked
    cancer. Example: exokg explain CAF chemotherapy --cancer GC
    """
    _check_html_target(html_file)
    G = path_graph(graph_source, sources)
    broader = G.broader()
    agent_iri = _resolve(G, graph_source, agent)
    drug_iri = _resolve(G, graph_source, drug, ("Drug",))
    cancer_iri = _resolve(G, graph_source, cancer, ("CancerType",)) if cancer else None
    chains = explain(G, agent_iri, drug_iri, cancer=cancer_iri, broader=broader, k=k, max_hops=max_hops,
                     effect=effect, umbrella=not no_umbrella, hubs=() if allow_hubs else None, limit=limit,
                     budget=budget)
    if not chains:
        message = no_chain_message(G, agent_iri, drug_iri, cancer_iri, max_hops)
        if chains.budget_cut:
            message += f" (the search stopped after reading {chains.spent:,} edges, its budget: raise --budget)"
        raise NoPathError(message)
    truncated = chains[0]["truncated"]
    where = f" in {describe(G, cancer_iri)}" if cancer_iri else ""
    if html_file:
        write_paths_html(G, chains, html_file, f"How {node_key(G, agent_iri)} acts on {node_key(G, drug_iri)} resistance{where}")
    click.echo(format_chains(G, chains, fmt, agent=agent_iri, drug=drug_iri, cancer=cancer_iri), nl=False)
    if truncated:
        click.echo(f"note: the search stopped after {limit:,} paths (partial or complete); more chains may exist "
                   "(raise --limit)", err=True)
    if chains.budget_cut:
        which = "chains" if chains.cut_match == "drug" else "chains into an umbrella drug entity (not naming the drug)"
        click.echo(f"note: the search stopped after reading {chains.spent:,} edges (--budget {budget:,}): {which} "
                   f"of {chains.cut_length} hops or more may be missing, so the ranks from there on may change "
                   "with a larger budget", err=True)
    if html_file:
        click.echo(f"wrote {html_file}", err=True)


COMMANDS = [path_command, explain_command]
