"""exokg viz without a browser: the page is self-contained, escapes data, filters correctly and
is the same for the same input. Counts are read from the graph, never hard-coded."""
from __future__ import annotations

import hashlib
import json
import math
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pytest

from graph import viz
from graph.cli import main
from graph.errors import ExoKGError, QueryError
from graph.projection import projection
from graph.store import open_store
from graph.viz import page as viz_page
from graph.vocab import PREFIXES
from scripts.fixtures import synthetic_graph

from .conftest import run_cli

XSS_LABEL = "<img src=x onerror=alert(1)>"
BREAKOUT = "</script><script>alert(2)</script><!--"


@pytest.fixture(scope="module")
def G(graph_file):
    return projection(graph_file)


def payload_of(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="exokg-data">(.*?)</script>', page, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


def cli(argv, capsys):
    """Run ``exokg`` in-process; (exit code, stdout, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as stop:
        code = stop.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def narrower_pairs(graph_file) -> list[tuple[str, str]]:
    query = "SELECT ?sub ?top WHERE { ?sub skos:broader+ ?top . ?top a exo:CancerType }"
    return [(r["sub"].value, r["top"].value) for r in open_store(graph_file).query(query, prefixes=PREFIXES)]


def mentions(G, edge, iris, column) -> bool:
    u, v, k = edge
    return u in iris or v in iris or bool(set(iris) & set(G.edges[u, v, k]["context"].get(column, [])))


# ---- self-contained page


def test_page_has_no_remote_resource(G):
    page = viz.render_html(viz.graph_view(G))
    assert not re.search(r"<(script|link|img|iframe|source|embed|object)\b[^>]*\b(src|href|data)\s*=\s*[\"']?\s*(https?:)?//",
                         page, re.I)
    assert not re.search(r"@import|url\(\s*[\"']?\s*(https?:)?//", page, re.I)
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src &#x27;none&#x27;" in csp and "connect-src &#x27;none&#x27;" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";")[0]


def test_csp_hashes_match_the_inline_scripts(G):
    page = viz.render_html(viz.graph_view(G))
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(scripts) == 2  # vis-network and the page script; the data block is not executed
    for script in scripts:
        assert viz_page._csp_hash(script) in page


def test_inlined_vis_network_is_the_one_pyvis_ships():
    js, css = viz_page._vis_assets()
    assert f"@version {viz.VIS_VERSION}" in js
    assert "div.vis-tooltip" in css


def test_whole_graph_payload_counts(G):
    payload = payload_of(viz.render_html(viz.graph_view(G)))
    assert len(payload["nodes"]) == G.number_of_nodes()
    assert len(payload["edges"]) == G.number_of_edges()
    assert len({e["id"] for e in payload["edges"]}) == G.number_of_edges()
    assert sum(t["count"] for t in payload["types"]) == G.number_of_nodes()
    assert sum(r["count"] for r in payload["relations"]) == G.number_of_edges()
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in payload["nodes"])


def test_encoding_per_type_and_relation(G):
    payload = payload_of(viz.render_html(viz.graph_view(G)))
    styles = {(t["color"], t["shape"]) for t in payload["types"]}
    assert len(styles) == len(payload["types"]), "two types share colour and shape"
    for t in payload["types"]:
        assert payload["options"]["groups"][t["name"]]["shape"] == t["shape"]
    by_name = {r["name"]: r for r in payload["relations"]}
    for *_, d in G.edges(data=True):
        r = by_name[d["relation"]]
        assert r["sign"] == d["sign"]
        assert r["arrow"] == (None if d["symmetric"] else viz.ARROW_BY_SIGN[d["sign"]])
    assert len(viz.RELATION_COLOURS) == len(set(viz.RELATION_COLOURS.values()))
    from graph.ontology import load_ontology
    ontology = load_ontology()
    assert set(ontology.entity_classes) <= set(viz.TYPE_STYLE), "an entity type has no colour and shape"
    assert set(ontology.relations) <= set(viz.RELATION_COLOURS), "a relation has no colour"
    assert len(set(viz.TYPE_STYLE.values())) == len(viz.TYPE_STYLE)
    sizes = {n["id"]: n["size"] for n in payload["nodes"]}
    hub = max(G.nodes, key=G.degree)
    lone = min(G.nodes, key=G.degree)
    assert sizes[hub] > sizes[lone]


def test_edge_record_carries_the_evidence(G):
    u, v, k, d = next((u, v, k, d) for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: e[2])
                      if d["references"] and d["context"])
    record = next(e for e in viz.graph_view(G).edges if e["id"] == k)
    assert record["summary"] == d["summary"]
    assert record["references"] == d["references"]
    assert record["section_title"] == d["section_title"]
    column, values = next(iter(d["context"].items()))
    shown = next(c for c in record["context"] if c["name"] == column)["values"]
    assert shown == [G.nodes[x]["label"] if x in G else x for x in values]


# ---- escaping


def hostile_graph(G) -> nx.MultiDiGraph:
    H = nx.MultiDiGraph(G)
    node = sorted(H.nodes)[0]
    H.nodes[node]["label"] = XSS_LABEL
    H.nodes[node]["synonyms"] = [BREAKOUT]
    u, v, k = sorted(H.edges(keys=True))[0]
    H.edges[u, v, k]["summary"] = BREAKOUT
    H.edges[u, v, k]["section_title"] = "<b onmouseover=alert(3)>x</b>"
    return H


def test_data_cannot_break_out_of_the_page(G):
    H = hostile_graph(G)
    page = viz.render_html(viz.graph_view(H, title=XSS_LABEL))
    assert XSS_LABEL not in page
    assert "alert(2)" not in page.replace("\\u003c/script\\u003e\\u003cscript\\u003ealert(2)", "")
    assert page.count("</script>") == 3  # the data block, vis-network, the page script
    assert "<title>&lt;img src=x onerror=alert(1)&gt;</title>" in page
    payload = payload_of(page)  # the data round-trips exactly
    assert XSS_LABEL in {n["label"] for n in payload["nodes"]}
    assert BREAKOUT in {e["summary"] for e in payload["edges"]}
    assert payload["title"] == XSS_LABEL


def test_script_json_escapes_markup():
    text = viz.script_json({"a": "</script>&<!--\u2028"})
    assert "<" not in text and ">" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"a": "</script>&<!--\u2028"}


def test_page_script_never_uses_innerhtml():
    script = (Path(viz.__file__).parent / "assets" / "viz.js").read_text()
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", script)


def test_notebook_iframe_escapes_the_page(G):
    frame = viz.notebook(viz.subgraph_view(hostile_graph(G), [sorted(G.nodes)[0]]), height=400)._repr_html_()
    assert frame.startswith('<iframe srcdoc="') and 'height:400px' in frame
    srcdoc = re.match(r'<iframe srcdoc="([^"]*)"', frame).group(1)
    assert "<" not in srcdoc and '"' not in srcdoc
    assert "sandbox=\"allow-scripts" in frame and "allow-same-origin" not in frame


def test_notebook_view_text_form_is_stable(G):
    """Saved notebooks keep the text form of a view; it names the view, never a memory address."""
    view = viz.subgraph_view(G, [sorted(G.nodes)[0]], title="one <node> & more")
    assert repr(viz.notebook(view)) == "<ExoKG network view: one <node> & more>"


# ---- filters


def test_cancer_filter_includes_subtypes(G, graph_file):
    pairs = [(sub, top) for sub, top in narrower_pairs(graph_file)
             if any(mentions(G, e, {sub}, "cancer") for e in G.edges(keys=True))]
    assert pairs, "the curated data has no subtype with statements; the subtype rule goes untested"
    sub, top = sorted(pairs)[0]
    family = {top} | {s for s, t in narrower_pairs(graph_file) if t == top}
    nodes, edges, _ = viz.select(G, cancers=[G.nodes[top]["key"]], source=graph_file)
    expected = {e for e in G.edges(keys=True) if mentions(G, e, family, "cancer")}
    assert set(edges) == expected
    assert any(mentions(G, e, {sub}, "cancer") for e in edges)
    assert set(nodes) == {u for u, _, _ in expected} | {v for _, v, _ in expected}


def test_drug_and_relation_filters(G, graph_file):
    drug = max((n for n in G if G.nodes[n]["type"] == "Drug" and G.nodes[n]["key"] != "drug"), key=G.degree)
    key = G.nodes[drug]["key"]
    narrower = {s for s, t in [(r["sub"].value, r["top"].value) for r in open_store(graph_file).query(
        "SELECT ?sub ?top WHERE { ?sub skos:broader+ ?top }", prefixes=PREFIXES)] if t == drug}
    _, edges, description = viz.select(G, drugs=[key], source=graph_file)
    assert set(edges) == {e for e in G.edges(keys=True) if mentions(G, e, {drug} | narrower, "drug")}
    assert G.nodes[drug]["label"] in description
    relation = G.edges[edges[0]]["relation"]
    _, both, _ = viz.select(G, drugs=[key], relations=[relation], source=graph_file)
    assert set(both) == {e for e in edges if G.edges[e]["relation"] == relation}
    label = G.edges[edges[0]]["relation_label"]
    _, by_label, _ = viz.select(G, relations=[label.upper()], source=graph_file)
    assert len(by_label) == sum(1 for *_, d in G.edges(data=True) if d["relation"] == relation)


def test_type_filter_keeps_subtypes_and_edges_among_them(G, graph_file):
    nodes, edges, _ = viz.select(G, types=["non-coding RNA"], source=graph_file)
    rna_types = {"NonCodingRNA", "MicroRNA", "CircularRNA", "LongNonCodingRNA"}
    assert set(nodes) == {n for n in G if G.nodes[n]["type"] in rna_types}
    assert set(edges) == {(u, v, k) for u, v, k in G.edges(keys=True) if u in nodes and v in nodes}
    mirna, _, _ = viz.select(G, types=["MicroRNA"], source=graph_file)
    assert mirna and set(mirna) < set(nodes)


def test_focus_hops(G, graph_file):
    centre = max(G.nodes, key=G.degree)
    key = G.nodes[centre]["key"]
    nodes0, edges0, _ = viz.select(G, focus=key, hops=0, source=graph_file)
    assert nodes0 == [centre] and all(u == v == centre for u, v, _ in edges0)
    nodes1, edges1, description = viz.select(G, focus=key, hops=1, source=graph_file)
    U = nx.Graph(G)
    assert set(nodes1) == {centre} | set(U.neighbors(centre))
    assert set(edges1) == {(u, v, k) for u, v, k in G.edges(keys=True) if u in nodes1 and v in nodes1}
    nodes2, _, _ = viz.select(G, focus=key, hops=2, source=graph_file)
    assert set(nodes2) == set(nx.single_source_shortest_path_length(U, centre, cutoff=2))
    assert "around " + G.nodes[centre]["label"] in description


def test_bad_filter_values_are_one_line_errors(G, graph_file, capsys):
    for kwargs, fragment in (({"relations": ["causes"]}, "unknown relation 'causes'"),
                             ({"types": ["Protein-ish"]}, "unknown entity type"),
                             ({"cancers": ["cisplatin"]}, "no entity of type CancerType")):
        with pytest.raises(ExoKGError, match=re.escape(fragment)):
            viz.select(G, source=graph_file, **kwargs)
    code, out, err = cli(["viz", "--graph", str(graph_file), "--relation", "causes", "-o", os.devnull], capsys)
    assert code == 1 and err.startswith("error: unknown relation") and err.count("\n") == 1 and "Traceback" not in err


def test_empty_selection_is_an_error(G, graph_file):
    with pytest.raises(viz.VizError, match="nothing to draw"):
        viz.select(G, types=["Organism"], relations=["sponges"], source=graph_file)


# ---- path and CONSTRUCT views


def test_render_subgraph_for_a_path(G):
    path = nx.shortest_path(nx.Graph(G), *sorted(nx.Graph(G).edges)[0])
    u, v = path[0], path[1]
    keys = [(a, b, k) for a, b, k in G.edges(keys=True) if {a, b} == {u, v}]
    page = viz.render_subgraph(G, path, keys, title="path", highlight_edges=keys[:1], highlight_nodes=path)
    payload = payload_of(page)
    assert {n["id"] for n in payload["nodes"]} == set(path)
    assert len(payload["edges"]) == len(keys)
    assert [e["highlight"] for e in payload["edges"]].count(True) == 1
    assert payload["edgeLabels"] is True
    with pytest.raises(viz.VizError, match="no statement"):
        viz.render_subgraph(G, path, [(u, v, "no-such-statement")])


def test_render_paths_takes_path_finding_results(G):
    from graph.paths import shortest_path

    u, w = next((a, c) for a, b in sorted(G.edges()) for _, c in sorted(G.out_edges(b))
                if len({a, b, c}) == 3 and not G.has_edge(a, c) and not G.has_edge(c, a))
    path = shortest_path(G, u, w)
    assert path["length"] >= 2
    payload = payload_of(viz.render_paths(G, [path], title="path"))
    assert sorted(n["id"] for n in payload["nodes"] if n["highlight"]) == sorted({u, w})
    assert {n["id"] for n in payload["nodes"]} == set(path["nodes"])
    assert sorted(e["id"] for e in payload["edges"]) == sorted(k for hop in path["hops"] for k in hop["statements"])
    with pytest.raises(viz.VizError, match="no path"):
        viz.render_paths(G, [])


def test_construct_view_draws_triples(G, graph_file):
    relation = sorted(d["relation"] for *_, d in G.edges(data=True))[-1]
    triples = viz.run_construct(f"CONSTRUCT {{ ?s exo:{relation} ?o . ?s rdfs:label ?l }} "
                                f"WHERE {{ ?s exo:{relation} ?o ; rdfs:label ?l }}", graph_file)
    view = viz.construct_view(triples, source=graph_file)
    expected = [(u, v) for u, v, d in G.edges(data=True) if d["relation"] == relation]
    assert len(view.edges) == len(set(expected))
    assert {e["relation"] for e in view.edges} == {relation}
    for n in view.nodes:
        assert n["label"] == G.nodes[n["id"]]["label"] and n["type"] == G.nodes[n["id"]]["type"]
    # rdflib terms and literals that are not labels
    from rdflib import Graph, Literal, URIRef
    g = Graph()
    g.add((URIRef("http://example.org/a"), URIRef("http://example.org/says"), Literal(XSS_LABEL)))
    other = viz.construct_view(g, source=graph_file)
    assert {n["type"] for n in other.nodes} == {"Resource", "Literal"}
    assert XSS_LABEL in {n["label"] for n in other.nodes}
    assert XSS_LABEL not in viz.render_html(other)


def test_construct_rejects_select(graph_file):
    with pytest.raises(QueryError, match="not a CONSTRUCT"):
        viz.run_construct("SELECT * WHERE { ?s ?p ?o } LIMIT 1", graph_file)
    with pytest.raises(QueryError, match="SPARQL syntax error at line 1"):
        viz.run_construct("CONSTRUCT { WHERE", graph_file)
    with pytest.raises(QueryError, match="SERVICE"):
        viz.run_construct("CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
                          graph_file)


# ---- grouping (clusters in the page)


def expected_cancer_group(stated: list) -> str | None:
    """The page's rule: the most-named cancer family, unless another is named as often."""
    if not stated or (len(stated) > 1 and stated[0][1] == stated[1][1]):
        return None
    return stated[0][0]


def test_payload_carries_each_nodes_group_keys(G, graph_file):
    payload = payload_of(viz.render_html(viz.graph_view(G)))
    by_id = {n["id"]: n for n in payload["nodes"]}
    assert set(by_id) == set(G.nodes)
    generic = {n for n in G if G.nodes[n]["key"] == "cancer"}
    ancestors = defaultdict(set)  # cancer -> itself and everything above it
    for sub, top in narrower_pairs(graph_file):
        ancestors[sub].add(top)
    for n, d in G.nodes(data=True):
        node = by_id[n]
        assert node["groups"]["type"] == d["type"]
        assert node["groups"]["cancer"] == expected_cancer_group(node["cancers"])
        assert [c for _, c in node["cancers"]] == sorted((c for _, c in node["cancers"]), reverse=True)
        named = set()  # the cancers this entity's statements name, from the graph
        for u, v, e in [*G.in_edges(n, data=True), *G.out_edges(n, data=True)]:
            named |= set(e["context"].get("cancer", [])) | {x for x in (u, v) if G.nodes[x]["type"] == "CancerType"}
        named -= generic
        assert {f for f, _ in node["cancers"]} == {f for c in named for f in ({c} | ancestors[c]) - generic
                                                   if not (ancestors[f] - generic)}
        if d["type"] == "CancerType" and n not in generic and node["groups"]["cancer"]:
            assert node["groups"]["cancer"] in ({n} | ancestors[n]) - generic  # a cancer groups with its family
    assert all(by_id[n]["groups"]["cancer"] is None and not by_id[n]["cancers"] for n in generic)
    assert set(payload["cancerLabels"]) == {f for node in payload["nodes"] for f, _ in node["cancers"]}
    # one group entry per key, counted, labelled, coloured and placed at the centroid of its entities
    for grouping in ("type", "cancer"):
        members = Counter(n["groups"][grouping] for n in payload["nodes"] if n["groups"][grouping] is not None)
        entries = payload["groupings"][grouping]
        assert {e["key"]: e["count"] for e in entries} == dict(members)
        for entry in entries:
            places = [n["at"][grouping] for n in payload["nodes"] if n["groups"][grouping] == entry["key"]]
            assert math.isclose(sum(x for x, _ in places) / len(places), entry["x"], abs_tol=0.1)
            assert math.isclose(sum(y for _, y in places) / len(places), entry["y"], abs_tol=0.1)
    types = {t["name"]: t for t in payload["types"]}
    for entry in payload["groupings"]["type"]:
        assert entry["color"] == types[entry["key"]]["color"] and entry["shape"] == types[entry["key"]]["shape"]
        assert entry["label"].lower() == types[entry["key"]]["label"].lower()
    mirna = next(e for e in payload["groupings"]["type"] if e["key"] == "MicroRNA")
    assert mirna["label"] == "MicroRNA"
    for entry in payload["groupings"]["cancer"]:
        assert entry["label"].lower() == G.nodes[entry["key"]]["label"].lower()


def test_groups_do_not_overlap(G):
    view = viz.graph_view(G)
    for grouping in ("type", "cancer"):
        places, where = viz.group_layout(view, grouping)
        assert (places, where) == viz.group_layout(view, grouping)
        members = Counter(n["groups"][grouping] for n in view.nodes if n["groups"][grouping] is not None)
        reach = {key: viz.GROUP_MEMBER_PX * math.sqrt(count / math.pi) for key, count in members.items()}
        keys = sorted(places)
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                assert math.dist(places[a], places[b]) >= reach[a] + reach[b], (a, b)


def test_initial_grouping(G, graph_file):
    whole = viz.graph_view(G)
    assert len(whole.nodes) > viz.GROUP_AUTO_NODES
    assert viz.initial_grouping(whole) == "type"
    assert payload_of(viz.render_html(whole))["groupBy"] == "type"
    assert payload_of(viz.render_html(whole, group_by="none"))["groupBy"] == "none"
    centre = max(G.nodes, key=G.degree)
    nodes, edges, _ = viz.select(G, focus=G.nodes[centre]["key"], hops=2, source=graph_file)
    focused = viz.graph_view(G, nodes, edges, highlight_nodes=[centre])
    assert viz.initial_grouping(focused) == "none"
    assert viz.initial_grouping(focused, "cancer") == "cancer"
    small = viz.graph_view(G, sorted(G.nodes)[:viz.GROUP_AUTO_NODES])
    assert viz.initial_grouping(small) == "none"
    path = viz.subgraph_view(G, sorted(G.nodes))
    assert viz.initial_grouping(path) == "none"
    # entities drawn bold never join a group
    bold = payload_of(viz.render_html(focused, group_by="type"))
    assert {n["id"] for n in bold["nodes"] if n["highlight"]} == {centre}
    assert sum(e["count"] for e in bold["groupings"]["type"]) == len(nodes) - 1
    assert viz.grouping_name(" Entity-Type ") == "type"
    with pytest.raises(viz.VizError, match="cannot group by 'colour'"):
        viz.grouping_name("colour")


def test_cli_group_by(G, graph_file, tmp_path, capsys):
    out = tmp_path / "g.html"
    for argv, expected in (([], "type"), (["--group-by", "Cancer"], "cancer"), (["--group-by", "none"], "none"),
                           (["--focus", G.nodes[max(G.nodes, key=G.degree)]["key"], "--hops", "2"], "none")):
        code, _, err = cli(["viz", "--graph", str(graph_file), "-o", str(out), *argv], capsys)
        assert code == 0, err
        assert payload_of(out.read_text())["groupBy"] == expected, argv
    code, out_text, err = cli(["viz", "--graph", str(graph_file), "-o", os.devnull, "--group-by", "colour"], capsys)
    assert code == 2 and err.startswith("error: Invalid value for '--group-by': cannot group by 'colour'")
    assert "type, cancer or none" in err
    assert err.count("\n") == 1 and "Traceback" not in err and out_text == ""


# ---- CLI, files, determinism


def test_cli_views(G, graph_file, tmp_path, capsys):
    centre = max(G.nodes, key=G.degree)
    relation = sorted(d["relation"] for *_, d in G.edges(data=True))[0]
    construct = f"CONSTRUCT {{ ?s exo:{relation} ?o }} WHERE {{ ?s exo:{relation} ?o }}"
    runs = {"whole": [], "focus": ["--focus", G.nodes[centre]["key"], "--hops", "1"], "construct": ["--construct", construct]}
    for name, args in runs.items():
        out = tmp_path / f"{name}.html"
        code, stdout, err = cli(["viz", "--graph", str(graph_file), "-o", str(out), *args], capsys)
        assert code == 0, err
        payload = payload_of(out.read_text())
        assert f"{len(payload['nodes'])} entities, {len(payload['edges'])} statements" in stdout
    assert len(payload_of((tmp_path / "whole.html").read_text())["nodes"]) == G.number_of_nodes()
    focus = payload_of((tmp_path / "focus.html").read_text())
    assert [n["id"] for n in focus["nodes"] if n["highlight"]] == [centre]
    query = tmp_path / "q.rq"
    query.write_text(construct)
    code, _, _ = cli(["viz", "--graph", str(graph_file), "-o", str(tmp_path / "file.html"), "--construct", str(query)],
                     capsys)
    assert (tmp_path / "file.html").read_bytes() == (tmp_path / "construct.html").read_bytes()


def test_cli_missing_folder_is_a_one_line_error(graph_file, tmp_path, capsys):
    code, _, err = cli(["viz", "--graph", str(graph_file), "-o", str(tmp_path / "no" / "x.html")], capsys)
    assert code == 1 and "does not exist" in err and err.count("\n") == 1


def test_write_html_is_atomic(G, tmp_path, monkeypatch):
    target = tmp_path / "page.html"
    target.write_text("old")

    def broken(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)  # the rename of the atomic write fails
    with pytest.raises(OSError):
        viz.write_html(viz.subgraph_view(G, [sorted(G.nodes)[0]]), target)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]
    monkeypatch.undo()
    viz.write_html("<p>new</p>", target)
    assert target.read_text() == "<p>new</p>" and sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


@pytest.mark.slow
def test_same_input_same_file_across_processes(graph_file, tmp_path, capsys):
    """A page written in another process, under another hash seed, has the same bytes as this
    process's, so set and dict order cannot leak into the files."""
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"  # this process's seed is another
    views = {"whole": [], "construct": ["--construct", "CONSTRUCT { ?s ?p ?o } WHERE { ?s exo:confersResistanceTo ?o . ?s ?p ?o }"]}
    for name, args in views.items():
        here, there = tmp_path / f"{name}-here.html", tmp_path / f"{name}-there.html"
        assert run_cli(capsys, "viz", "--graph", str(graph_file), "-o", str(here), *args)[0] == 0
        subprocess.run([sys.executable, "-m", "graph.cli", "viz", "--graph", str(graph_file), "-o", str(there), *args],
                       check=True, env=dict(os.environ, PYTHONHASHSEED=seed), capture_output=True)
        assert hashlib.sha256(here.read_bytes()).hexdigest() == hashlib.sha256(there.read_bytes()).hexdigest(), name


def test_layout_is_deterministic_and_spread(G):
    view = viz.graph_view(G)
    first, second = viz.compute_layout(view), viz.compute_layout(view)
    assert first == second
    assert len(set(first.values())) == len(first), "two nodes on the same spot"


def test_large_graphs_trim_layout_work():
    small, large = viz.layout_options(100, 100, positioned=False), viz.layout_options(2000, 2600, positioned=False)
    assert small["physics"]["enabled"] and large["interaction"]["hideEdgesOnDrag"]
    assert large["layout"]["improvedLayout"] is False
    assert viz.layout_options(2000, 2600)["physics"]["enabled"] is False
    H = synthetic_graph(600)
    assert H.number_of_nodes() == 600 and nx.utils.graphs_equal(H, synthetic_graph(600))
    payload = payload_of(viz.render_html(viz.graph_view(H)))
    assert len(payload["nodes"]) == 600 and payload["options"]["interaction"]["hideEdgesOnZoom"] is True


def test_certainty_filter_keeps_only_statements_of_that_certainty(graph_file):
    from graph.projection import projection

    G = projection(graph_file)
    nodes, edges, description = viz.select(G, certainties=["hedged"], source=graph_file)
    assert edges and description == "certainty hedged"
    assert all(G.edges[e]["context"]["certainty"] == ["hedged"] for e in edges)
    hedged = sum(1 for _, _, d in G.edges(data=True) if d["context"].get("certainty") == ["hedged"])
    assert len(edges) == hedged
    with pytest.raises(viz.VizError, match="unknown certainty"):
        viz.select(G, certainties=["sure"], source=graph_file)
