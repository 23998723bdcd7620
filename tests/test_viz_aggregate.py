"""The aggregated page (graph.viz.aggregate): a view of many thousand entities opens as one node per
group; the groups open on demand in a real, offline chromium; the file stays small and holds every
entity and statement. The large graph is made here from renamed copies of the curated projection
(as scripts/make_scale_fixture.py makes a store), so its evidence is the review's own text."""
from __future__ import annotations

import re
from collections import Counter

import networkx as nx
import pytest

from graph import viz
from graph.errors import VizError
from graph.projection import projection
from graph.viz.aggregate import unpack
from graph.vocab import PREFIXES

from .test_viz import payload_of
from .test_viz_browser import assert_clean, browser, open_page, wait_for, write  # noqa: F401 (fixture)

ENTITIES = 20_000


def copies(G: nx.MultiDiGraph, entities: int) -> nx.MultiDiGraph:
    """Renamed copies of ``G`` (every entity and statement, "-c<i>" on ids and keys, "(copy i)" on
    labels) until ``entities`` entities; each copy keeps its statements' evidence as it is."""
    H = nx.MultiDiGraph(**G.graph)
    copy = 0
    while H.number_of_nodes() < entities:
        copy += 1
        name = {n: f"{n}-c{copy}" for n in G}
        for n, d in G.nodes(data=True):
            H.add_node(name[n], **dict(d, key=f"{d.get('key')}-c{copy}", label=f"{d.get('label')} (copy {copy})"))
        for u, v, k, d in G.edges(keys=True, data=True):
            H.add_edge(name[u], name[v], key=f"{k}-c{copy}", **dict(d, assertion=f"{d.get('assertion')}-c{copy}"))
    return H


@pytest.fixture(scope="module")
def G(graph_file):
    return projection(graph_file)


@pytest.fixture(scope="module")
def large(G):
    return copies(G, ENTITIES)


@pytest.fixture(scope="module")
def page(large):
    return viz.render_aggregate(large, title="large", description="whole graph")


def test_the_page_holds_every_entity_and_statement_and_stays_small(G, large, page):
    data = payload_of(page)
    nodes, edges = unpack(data["blocks"]["nodes"]), unpack(data["blocks"]["edges"])
    assert nodes["id"] == sorted(large.nodes)
    assert len(edges["from"]) == large.number_of_edges()
    # each statement keeps its ends, relation and evidence
    ids = nodes["id"]
    got = {(ids[f], ids[t], k) for f, t, k in zip(edges["from"], edges["to"], edges["id"])}
    assert got == set(large.edges(keys=True))
    k = edges["id"].index(sorted(edges["id"])[0])
    u, v = ids[edges["from"][k]], ids[edges["to"][k]]
    d = large.edges[u, v, edges["id"][k]]
    assert edges["strings"][edges["summary"][k]] == d["summary"]
    assert data["relations"][edges["rel"][k]]["name"] == d["relation"]
    # groups: every entity in one group of each grouping, counts add up
    for grouping, entry in data["groupings"].items():
        counts = Counter(nodes["group"][grouping])
        assert [g["count"] for g in entry["groups"]] == [counts[i] for i in range(len(entry["groups"]))]
        assert sum(counts.values()) == large.number_of_nodes()
    types = Counter(d["type"] for _, d in large.nodes(data=True))
    assert {g["key"]: g["count"] for g in data["groupings"]["type"]["groups"]} == dict(types)
    # the edges between groups add up every statement between two different types
    between = sum(1 for u, v in large.edges() if large.nodes[u]["type"] != large.nodes[v]["type"])
    assert sum(n for *_, rels in data["totals"]["type"] for _, n in rels) == between
    # bounded: beyond the page's fixed part (vis-network, the script, the curated graph itself),
    # each entity with its statements costs at most 50 bytes: 100,000 entities stay under 5 MB
    fixed = len(viz.render_aggregate(G, title="large", description="whole graph").encode())
    size = len(page.encode())
    per_entity = (size - fixed) / (large.number_of_nodes() - G.number_of_nodes())
    assert per_entity < 50, per_entity
    assert fixed + 100_000 * per_entity < 5_000_000


def test_the_page_is_the_same_for_the_same_graph(large, page):
    assert viz.render_aggregate(large, title="large", description="whole graph") == page


def test_a_large_view_cannot_open_ungrouped(large):
    with pytest.raises(VizError, match="--group-by type or cancer"):
        viz.render_aggregate(large, group_by="none")


def largest(data: dict, grouping: str = "type") -> tuple[int, dict]:
    groups = data["groupings"][grouping]["groups"]
    g = max(range(len(groups)), key=lambda i: (groups[i]["count"], -i))
    return g, groups[g]


@pytest.mark.browser
def test_groups_open_on_demand_offline(browser, large, page, tmp_path):  # noqa: F811
    url = open_page(browser, write(tmp_path, "aggregate", page))
    data = payload_of(page)
    groups = data["groupings"]["type"]["groups"]
    # the first frame: one node per group, nothing decompressed yet
    shown = browser.execute_script("return window.exokg.nodes.getIds()")
    assert sorted(shown) == sorted(f"g:{i}" for i in range(len(groups)))
    assert browser.execute_script("return window.exokg.loaded") is False
    # open the largest group: its most connected members, data.cap of them, the rest stays a group
    g, entry = largest(data)
    browser.execute_async_script("const done = arguments[arguments.length - 1];"
                                 "window.exokg.openGroup(arguments[0]).then(done)", entry["key"])
    cap = data["cap"]
    drawn = browser.execute_script("return window.exokg.nodes.getIds().filter(id => id.startsWith('n:'))")
    assert len(drawn) == cap == browser.execute_script("return window.exokg.drawn()")
    ids = unpack(data["blocks"]["nodes"])["id"]
    members = [n for n, d in large.nodes(data=True) if d["type"] == entry["key"]]
    drawn_degrees = sorted((large.degree(ids[int(i[2:])]) for i in drawn), reverse=True)
    assert drawn_degrees == sorted((large.degree(n) for n in members), reverse=True)[:cap]
    label = browser.execute_script("return window.exokg.nodes.get(arguments[0]).label", f"g:{g}")
    assert label == f"{entry['label']} ({entry['count'] - cap:,} more)"
    # statements among the drawn members are drawn one by one, with their evidence
    drawn_set = {ids[int(i[2:])] for i in drawn}
    inside = sum(1 for u, v in large.edges() if u in drawn_set and v in drawn_set)
    assert browser.execute_script("return window.exokg.edges.getIds().filter(id => id.startsWith('e:')).length") == inside
    # every statement is either drawn, inside a closed group, or counted on an edge between groups
    counted = browser.execute_script("return window.exokg.edges.get().filter(e => e.info)"
                                     ".reduce((sum, e) => sum + e.info.count, 0)")
    group_of = {n: d["type"] for n, d in large.nodes(data=True)}
    hidden = sum(1 for u, v in large.edges() if u not in drawn_set and v not in drawn_set and group_of[u] == group_of[v])
    assert counted + inside + hidden == large.number_of_edges()
    # show more: as many again
    browser.execute_async_script("const done = arguments[arguments.length - 1];"
                                 "window.exokg.showMore(arguments[0]).then(done)", entry["key"])
    assert browser.execute_script("return window.exokg.drawn()") == min(2 * cap, entry["count"])
    # the search finds an entity of a closed group and draws it
    g2 = min((i for i in range(len(groups)) if i != g), key=lambda i: groups[i]["count"])
    target = min(n for n, d in large.nodes(data=True) if d["type"] == groups[g2]["key"])
    browser.execute_async_script("const done = arguments[arguments.length - 1];"
                                 "window.exokg.search(arguments[0]).then(done)", large.nodes[target]["label"])
    assert browser.execute_script("return window.exokg.found") == target
    assert f"n:{ids.index(target)}" in browser.execute_script("return window.exokg.nodes.getIds()")
    details = browser.find_element("id", "exokg-details-body").text
    assert large.nodes[target]["label"] in details
    assert_clean(browser, url)


@pytest.mark.browser
def test_grouped_by_cancer_every_entity_is_in_a_group(browser, large, tmp_path):  # noqa: F811
    page = viz.render_aggregate(large, group_by="cancer")
    url = open_page(browser, write(tmp_path, "aggregate-cancer", page))
    data = payload_of(page)
    labels = browser.execute_script("return window.exokg.nodes.get().map(n => n.label)")
    assert len(labels) == len(data["groupings"]["cancer"]["groups"])
    assert sum(int(re.search(r"\(([\d,]+)\)$", label).group(1).replace(",", "")) for label in labels) \
        == large.number_of_nodes()
    wait_for(browser, "return window.exokg.ready")
    assert_clean(browser, url)


@pytest.fixture
def imported_build(built_dir, tmp_path, capsys):
    """A copy of the build with the synthetic miRTarBase rows imported (exokg import)."""
    import shutil

    from .conftest import REPO, run_cli

    build = tmp_path / "build"
    shutil.copytree(built_dir, build, symlinks=True)
    code, _, err = run_cli(capsys, "import", "mirtarbase",
                           str(REPO / "tests" / "fixtures" / "ingest" / "mirtarbase_mti_synthetic.csv"),
                           "--graph", str(build))
    assert code == 0, err
    return build


def test_sources_names_an_unknown_source_and_how_to_fix_it(imported_build, tmp_path, capsys):
    from .conftest import run_cli

    code, _, err = run_cli(capsys, "viz", "--graph", str(imported_build), "--sources", "review,mirtarbse",
                           "-o", str(tmp_path / "x.html"))
    assert code == 1
    assert err.startswith("error: no source named 'mirtarbse'") and "review, mirtarbase" in err
    assert not (tmp_path / "x.html").exists()


@pytest.mark.browser
def test_statements_are_coloured_by_source_with_a_legend(browser, imported_build, tmp_path, capsys):  # noqa: F811
    from graph.entities import resolve
    from graph.store import open_store

    from .conftest import run_cli

    out = tmp_path / "sources.html"
    code, _, err = run_cli(capsys, "viz", "--graph", str(imported_build), "--sources", "review,mirtarbase",
                           "--focus", "miR-522", "--hops", "1", "-o", str(out))
    assert code == 0, err
    data = payload_of(out.read_text(encoding="utf-8"))
    imported = [e for e in data["edges"] if e["source"] == "mirtarbase"]
    # what the store holds: the resource's assertions about miR-522 (its rows mapped onto the review's entity)
    mir = resolve("miR-522", imported_build).iri
    rows = list(open_store(imported_build).query(
        "SELECT ?a WHERE { GRAPH <https://w3id.org/exokg/graph/mirtarbase> { ?a a exo:Assertion ; "
        f"rdf:subject <{mir}> }} }}", prefixes=PREFIXES))
    assert rows and sorted(e["assertion"] for e in imported) == sorted(r["a"].value for r in rows)
    assert {e["source"] for e in data["edges"]} == {"review", "mirtarbase"}
    url = open_page(browser, out)
    legend = browser.find_element("id", "exokg-sources").text
    assert "the review" in legend and "mirtarbase" in legend
    colours = browser.execute_script("""const out = {};
        window.exokg.data.edges.forEach(e => { out[e.source] = window.exokg.edges.get(e.id).color.color; });
        return out;""")
    assert colours["review"] != colours["mirtarbase"]
    tip = browser.execute_script("return window.exokg.edges.get(arguments[0]).title.textContent", imported[0]["id"])
    assert "mirtarbase" in tip and "Functional MTI" in tip and "99999901" in tip
    assert_clean(browser, url)


def test_exokg_viz_of_a_large_store_writes_the_aggregated_page(built_dir, tmp_path, capsys):
    """A build with a generated file loaded (scripts/make_scale_fixture.py + exokg load) past
    AGGREGATE_NODES entities: `exokg viz` writes the aggregated page, every statement named by its
    source (the review or the loaded file)."""
    import shutil

    from scripts.make_scale_fixture import hub_keys, write_fixture

    from .conftest import run_cli

    build = tmp_path / "build"
    shutil.copytree(built_dir, build, symlinks=True)
    fixture = tmp_path / "scale.nt"
    curated = projection(built_dir)
    renamed = sum(1 for _, d in curated.nodes(data=True) if d.get("key") not in hub_keys())  # entities per copy
    copies_needed = viz.AGGREGATE_NODES // renamed + 2
    with open(fixture, "w", encoding="utf-8") as out:
        write_fixture(built_dir / "exokg.nt", 16_000 * copies_needed, out)
    # whole copies only: the last one may stop half-way (a statement without its entities)
    lines = fixture.read_text(encoding="utf-8").splitlines(keepends=True)
    last = max(int(n) for n in re.findall(r"-c(\d+)>", lines[-1]))
    cut = next(i for i, line in enumerate(lines) if f"-c{last}>" in line)
    fixture.write_text("".join(lines[:cut]), encoding="utf-8")
    code, _, err = run_cli(capsys, "load", str(fixture), "--graph", str(build))
    assert code == 0, err
    page = tmp_path / "whole.html"
    code, out, err = run_cli(capsys, "viz", "--graph", str(build), "-o", str(page))
    assert code == 0, err
    # read from the store in columns: no projection was computed (none kept beside the store)
    assert not list((build / ".store").glob("*projection*"))
    G = projection(build)
    assert G.number_of_nodes() >= viz.AGGREGATE_NODES
    text = page.read_text(encoding="utf-8")
    data = payload_of(text)
    assert data["aggregate"] is True and data["counts"] == [G.number_of_nodes(), G.number_of_edges()]
    edges = unpack(data["blocks"]["edges"])
    loaded = [name for name in data["sources"] if name.startswith("loaded ")]
    assert data["sources"] == sorted(["review", *loaded]) and len(loaded) == 1
    by_source = Counter(data["sources"][s] for s in edges["source"])
    assert by_source["review"] == curated.number_of_edges()
    assert by_source[loaded[0]] == G.number_of_edges() - curated.number_of_edges()
    assert f"{G.number_of_nodes()} entities" in out
    # the same page, byte for byte, as the one made from the projection, in both groupings
    from graph.commands.viz import _with_sources

    H, origin = _with_sources(G, build, None)
    assert origin is not None
    assert text == viz.render_aggregate(H, title="ExoKG: whole graph", description="whole graph", sources=origin)
    code, _, err = run_cli(capsys, "viz", "--graph", str(build), "-o", str(page), "--group-by", "cancer")
    assert code == 0, err
    assert page.read_text(encoding="utf-8") == viz.render_aggregate(
        H, title="ExoKG: whole graph", description="whole graph", group_by="cancer", sources=origin)
    # the projection is kept now (computed above): viz reads it, the faster way, and writes the same page
    from graph.projection import projection_is_kept

    assert projection_is_kept(build)
    again = tmp_path / "again.html"
    code, _, err = run_cli(capsys, "viz", "--graph", str(build), "-o", str(again))
    assert code == 0, err
    assert again.read_text(encoding="utf-8") == text


def test_the_columns_read_from_the_store_give_the_projections_payload(built_dir):
    """On the curated graph alone (no loaded file), the columns read straight from the store make
    the same aggregated payload as the projection, grouping by cancer included."""
    from graph.hierarchy import load_broader
    from graph.viz.aggregate import aggregate_columns
    from graph.viz.columns import read_columns

    cols = read_columns(built_dir)
    G = projection(built_dir)
    assert cols.ids == sorted(G) and len(cols.sid) == G.number_of_edges() and cols.sources is None
    expected = viz.aggregate_payload(G)
    got = aggregate_columns(cols, load_broader(built_dir))
    assert any(g["key"] not in ("exokg:no-cancer", "exokg:several-cancers") for g in got["groupings"]["cancer"]["groups"])
    assert got == expected


def test_a_broken_store_is_one_line_naming_the_statement_and_the_fix(graph_file, tmp_path, capsys):
    """A statement whose object is not an entity (its curation key removed) stops the whole-graph
    page with one line naming the statement and the fix, and writes nothing; the columns reader
    refuses it too (the CLI's --graph check usually says it first, in the same words)."""
    from graph.errors import GraphContentError
    from graph.viz.columns import read_columns

    from .conftest import run_cli

    lines = graph_file.read_text(encoding="utf-8").splitlines(keepends=True)
    target = next(line.split(" ", 2)[2].rsplit(" .", 1)[0] for line in lines
                  if "22-rdf-syntax-ns#object>" in line)
    broken = tmp_path / "broken.nt"
    broken.write_text("".join(line for line in lines
                              if not (line.startswith(target + " ") and "curationKey>" in line)), encoding="utf-8")
    page = tmp_path / "whole.html"
    code, out, err = run_cli(capsys, "viz", "--graph", str(broken), "-o", str(page))
    assert code != 0 and not page.exists()
    assert len(err.strip().splitlines()) == 1 and err.startswith("error: ")
    assert "is not an entity of the graph" in err and "Fix:" in err and "Traceback" not in err
    with pytest.raises(GraphContentError) as caught:
        read_columns(broken)
    assert str(caught.value) in err  # the view's own words, statement and fix included
