"""exokg viz pages in a real, offline, headless chromium (Selenium + Debian's chromedriver).

Each page must load with no console error and no network request, show as many nodes and edges
in its vis DataSets as the graph has, show evidence in tooltips, render hostile labels as text,
and work inside the Jupyter iframe. Screenshots go to test-artifacts/ (not committed).
"""
from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from graph import viz
from graph.projection import projection

from .conftest import REPO, require_tool
from .test_viz import BREAKOUT, XSS_LABEL, hostile_graph

pytestmark = pytest.mark.browser

ARTIFACTS = REPO / "test-artifacts"
ALLOWED_SCHEMES = ("data:", "blob:", "about:")
CHROME_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                "--disable-default-apps", "--window-size=1280,860")


@pytest.fixture(scope="module")
def browser():
    chromium = require_tool("chromium", "the viz pages are checked in a real browser")
    chromedriver = require_tool("chromedriver", "Selenium drives chromium through it (Debian: chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.TemporaryDirectory(prefix="exokg-chromium-")
    for flag in CHROME_FLAGS + (f"--user-data-dir={profile.name}",):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(chromedriver), options=options)
    driver.set_script_timeout(30)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.emulateNetworkConditions",
                           {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
    ARTIFACTS.mkdir(exist_ok=True)
    yield driver
    driver.quit()
    profile.cleanup()


@pytest.fixture(scope="module")
def G(graph_file):
    return projection(graph_file)


def wait_for(driver, script: str, timeout: float = 30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}")


def open_page(driver, path: Path) -> str:
    """Load a page offline and wait until the network is drawn and interactive; its URL."""
    driver.get("about:blank")
    driver.get_log("browser")
    driver.get_log("performance")
    url = path.resolve().as_uri()
    driver.get(url)
    wait_for(driver, "return !!(window.exokg && window.exokg.ready)")
    return url


def assert_clean(driver, url: str) -> None:
    """No console error and no request but the page itself and data:/blob:/about: URLs."""
    errors = [entry for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == []
    requested = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            requested.add(message["params"]["request"]["url"])
        elif message["method"] == "Network.webSocketCreated":
            requested.add(message["params"]["url"])
    assert {u for u in requested if u != url and not u.startswith(ALLOWED_SCHEMES)} == set()
    resources = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert [r for r in resources if not r.startswith(ALLOWED_SCHEMES)] == []
    assert driver.execute_script("return window.exokg.errors") == []


def page_counts(driver) -> tuple[int, int]:
    return tuple(driver.execute_script("return [window.exokg.nodes.length, window.exokg.edges.length]"))


def pointer_at(driver, x: float, y: float):
    """ActionChains with the pointer moved to a point of the network (canvas coordinates)."""
    from selenium.webdriver.common.action_chains import ActionChains

    container = driver.find_element("id", "exokg-network")
    dom = driver.execute_script("return window.exokg.network.canvasToDOM({x: arguments[0], y: arguments[1]})", x, y)
    size = container.size
    return ActionChains(driver).move_to_element_with_offset(container, int(dom["x"] - size["width"] / 2),
                                                            int(dom["y"] - size["height"] / 2))


def hover_canvas_point(driver, x: float, y: float) -> str:
    """Move the pointer to a point of the network (canvas coordinates); the tooltip's text."""
    pointer_at(driver, x, y).perform()
    return wait_for(driver, """
        const tip = document.querySelector('div.vis-tooltip');
        return tip && getComputedStyle(tip).visibility === 'visible' && tip.textContent;""", timeout=10)


def write(tmp_path: Path, name: str, page: str) -> Path:
    return viz.write_html(page, tmp_path / f"{name}.html")


def shown_nodes(driver) -> list[str]:
    """The ids of the nodes vis-network draws now (clusters, and entities outside them)."""
    return driver.execute_script("return Object.keys(window.exokg.network.getPositions())")


def shown_clusters(driver) -> dict[str, dict]:
    """Each cluster drawn now: its label, position and member ids."""
    return driver.execute_script("""const net = window.exokg.network, out = {};
        for (const [id, at] of Object.entries(net.getPositions())) {
            if (net.isCluster(id)) out[id] = {label: net.body.nodes[id].options.label, x: at.x, y: at.y,
                                              members: net.getNodesInCluster(id)};
        }
        return out;""")


def test_whole_graph_loads_offline_with_the_graphs_counts(browser, G, tmp_path):
    path = write(tmp_path, "whole", viz.render_html(viz.graph_view(G), group_by="none"))
    url = open_page(browser, path)
    assert page_counts(browser) == (G.number_of_nodes(), G.number_of_edges())
    assert_clean(browser, url)
    assert f"{G.number_of_nodes()} entities" in browser.find_element("id", "exokg-status").text
    assert len(shown_nodes(browser)) == G.number_of_nodes()
    browser.save_screenshot(str(ARTIFACTS / "viz-whole-graph.png"))
    # a node tooltip: whichever node lies under the pointer shows its label and type
    hub = max(G.nodes, key=G.degree)
    pos = browser.execute_script("return window.exokg.network.getPositions([arguments[0]])[arguments[0]]", hub)
    shown = hover_canvas_point(browser, pos["x"], pos["y"])
    under = browser.execute_script("""const n = window.exokg.network;
        return n.getNodeAt(n.canvasToDOM({x: arguments[0], y: arguments[1]}));""", pos["x"], pos["y"])
    assert G.nodes[under]["label"] in shown and "type" in shown


@pytest.mark.parametrize("grouping", ["none", "type"])
def test_filter_menus_and_search(browser, G, graph_file, tmp_path, grouping):
    path = write(tmp_path, "filters", viz.render_html(viz.graph_view(G), group_by=grouping))
    url = open_page(browser, path)
    common_type = max({d["type"] for _, d in G.nodes(data=True)},
                      key=lambda t: sum(1 for _, d in G.nodes(data=True) if d["type"] == t))
    browser.find_element("css selector", f"#exokg-types input[value='{common_type}']").click()
    hidden = browser.execute_script("return window.exokg.nodes.get({filter: n => n.hidden}).map(n => n.id)")
    assert set(hidden) == {n for n, d in G.nodes(data=True) if d["type"] == common_type}
    if grouping == "type":  # a hidden type's group goes; the others stay
        types = {d["type"] for _, d in G.nodes(data=True)}
        assert len(shown_clusters(browser)) == len(types) - 1
    relation = sorted(d["relation"] for *_, d in G.edges(data=True))[0]
    browser.find_element("css selector", f"#exokg-relations input[value='{relation}']").click()
    hidden_edges = browser.execute_script("return window.exokg.edges.get({filter: e => e.hidden}).length")
    assert hidden_edges == sum(1 for *_, d in G.edges(data=True) if d["relation"] == relation)
    assert " of " in browser.find_element("id", "exokg-status").text
    for button in browser.find_elements("css selector", ".exokg-all button[data-on='1']"):
        button.click()
    assert browser.execute_script("return window.exokg.nodes.get({filter: n => n.hidden}).length") == 0
    # search by a synonym selects and shows the entity
    target = next(n for n in sorted(G.nodes, key=G.degree, reverse=True) if G.nodes[n]["synonyms"])
    box = browser.find_element("id", "exokg-search")
    box.send_keys(G.nodes[target]["synonyms"][0] + "\n")
    assert wait_for(browser, "return window.exokg.network.getSelectedNodes()[0]") == target
    assert browser.find_element("css selector", "#exokg-details h3").text == G.nodes[target]["label"]
    assert_clean(browser, url)


def group_label(label: str, count: int) -> str:
    return f"{label[:1].upper()}{label[1:]} ({count})"


def shown_group_edges(driver) -> dict[frozenset, int]:
    """Statements counted on each edge drawn between a group and another group or an entity."""
    edges = driver.execute_script("return Object.values(window.exokg.groupEdges())")
    counted = {frozenset((e["from"], e["to"])): e["count"] for e in edges}
    assert len(counted) == len(edges), "two edges drawn between the same pair"
    return counted


def expected_group_edges(G, cluster_of: dict) -> dict[frozenset, int]:
    """Statements between the drawn ends (a cluster, or the entity itself) where one is a cluster."""
    counted = Counter()
    for u, v in G.edges():
        a, b = cluster_of.get(u, u), cluster_of.get(v, v)
        if a != b and (a, b) != (u, v):
            counted[frozenset((a, b))] += 1
    return dict(counted)


def test_grouping_by_type_opening_search_and_none(browser, G, tmp_path):
    """The whole graph opens grouped by type: one cluster per type holding its entities, one edge
    per pair of groups adding up their statements; a double-click opens a group and one on its
    entities closes it; search opens the group of what it finds; "none" shows every entity."""
    from selenium.webdriver.support.ui import Select

    from graph.ontology import load_ontology

    path = write(tmp_path, "grouped", viz.render_html(viz.graph_view(G)))  # the default for the whole graph
    url = open_page(browser, path)
    types = Counter(d["type"] for _, d in G.nodes(data=True))
    clusters = shown_clusters(browser)
    assert len(clusters) == len(types) and len(shown_nodes(browser)) == len(types)
    by_type = {}
    for cid, cluster in clusters.items():
        (kind,) = {G.nodes[m]["type"] for m in cluster["members"]}
        by_type[kind] = cid
        assert len(cluster["members"]) == types[kind]
        assert cluster["label"] == group_label(load_ontology().class_labels[kind], types[kind])
    assert clusters[by_type["MicroRNA"]]["label"] == f"MicroRNA ({types['MicroRNA']})"
    assert page_counts(browser) == (G.number_of_nodes(), G.number_of_edges())
    cluster_of = {m: cid for cid, c in clusters.items() for m in c["members"]}
    assert shown_group_edges(browser) == expected_group_edges(G, cluster_of)
    status = browser.find_element("id", "exokg-status").text
    assert f"{G.number_of_nodes()} entities" in status and f"{len(types)} groups" in status
    browser.save_screenshot(str(ARTIFACTS / "viz-grouped-by-type.png"))

    genes = clusters[by_type["GeneOrProtein"]]
    assert genes["label"] in hover_canvas_point(browser, genes["x"], genes["y"])  # a group's tooltip
    pointer_at(browser, genes["x"], genes["y"]).double_click().perform()
    gone = f"return !Object.keys(window.exokg.network.getPositions()).includes({json.dumps(by_type['GeneOrProtein'])})"
    wait_for(browser, gone)
    assert set(shown_nodes(browser)) == (set(clusters) - {by_type["GeneOrProtein"]}) | set(genes["members"])
    cluster_of = {m: c for m, c in cluster_of.items() if c != by_type["GeneOrProtein"]}
    assert shown_group_edges(browser) == expected_group_edges(G, cluster_of)
    hub = max(genes["members"], key=G.degree)  # an opened entity's tooltip, and a double-click closes its group
    pos = browser.execute_script("return window.exokg.network.getPositions([arguments[0]])[arguments[0]]", hub)
    shown = hover_canvas_point(browser, pos["x"], pos["y"])
    under = browser.execute_script("""const n = window.exokg.network;
        return n.getNodeAt(n.canvasToDOM({x: arguments[0], y: arguments[1]}));""", pos["x"], pos["y"])
    assert G.nodes[under]["label"] in shown and G.nodes[under]["type"] == "GeneOrProtein"
    pointer_at(browser, pos["x"], pos["y"]).double_click().perform()
    wait_for(browser, gone.replace("return !", "return "))

    # search finds an entity inside a group: the group opens and the entity is selected
    target = next(n for n, d in G.nodes(data=True) if d["label"] == "miR-522")
    box = browser.find_element("id", "exokg-search")
    box.send_keys("miR-522\n")
    assert wait_for(browser, "return window.exokg.network.getSelectedNodes()[0]") == target
    assert target in shown_nodes(browser) and by_type["MicroRNA"] not in shown_nodes(browser)
    assert browser.execute_script("return window.exokg.clusterOf(arguments[0])", target) is None
    assert browser.find_element("css selector", "#exokg-details h3").text == "miR-522"
    browser.find_element("id", "exokg-collapse").click()
    assert len(shown_clusters(browser)) == len(types)

    Select(browser.find_element("id", "exokg-group")).select_by_value("none")
    assert shown_clusters(browser) == {}
    assert sorted(shown_nodes(browser)) == sorted(G.nodes)
    assert page_counts(browser) == (G.number_of_nodes(), G.number_of_edges())
    assert "group" not in browser.find_element("id", "exokg-status").text
    assert_clean(browser, url)


def test_grouping_by_cancer(browser, G, tmp_path):
    path = write(tmp_path, "cancer", viz.render_html(viz.graph_view(G), group_by="cancer"))
    url = open_page(browser, path)
    stated, labels = viz.cancer_groups(G, G.nodes)
    family = {n: c[0][0] for n, c in stated.items() if len(c) == 1 or c[0][1] > c[1][1]}
    expected = Counter(family.values())
    clusters = shown_clusters(browser)
    assert len(clusters) == len(expected)
    for cluster in clusters.values():
        (key,) = {family[m] for m in cluster["members"]}
        assert len(cluster["members"]) == expected[key]
        assert cluster["label"] == group_label(labels[key], expected[key])
    assert sorted(n for n in shown_nodes(browser) if n not in clusters) == sorted(set(G.nodes) - set(family))
    cluster_of = {m: cid for cid, c in clusters.items() for m in c["members"]}
    assert shown_group_edges(browser) == expected_group_edges(G, cluster_of)
    browser.save_screenshot(str(ARTIFACTS / "viz-grouped-by-cancer.png"))
    assert_clean(browser, url)


def test_edge_tooltip_shows_the_evidence(browser, G, tmp_path):
    edges = sorted(G.edges(keys=True, data=True), key=lambda e: e[2])
    u, v, k, d = next((e for e in edges if e[3]["table_row"] and e[0] != e[1]),
                      next(e for e in edges if e[3]["references"] and e[0] != e[1]))
    path = write(tmp_path, "edge", viz.render_subgraph(G, [u, v], [(u, v, k)], title="evidence"))
    url = open_page(browser, path)
    assert page_counts(browser) == (2, 1)
    pos = browser.execute_script("return window.exokg.network.getPositions()")
    text = hover_canvas_point(browser, (pos[u]["x"] + pos[v]["x"]) / 2, (pos[u]["y"] + pos[v]["y"]) / 2)
    assert d["summary"] in text
    assert d["section_title"] in text
    assert ", ".join(str(r) for r in d["references"]) in text
    assert d["relation_label"] in text
    if d["table_row"]:
        assert f"Table 1 row{d['table_row']}" in text.replace("\n", "")
    for values in d["context"].values():
        for value in values:
            assert (G.nodes[value]["label"] if value in G else value) in text
    browser.save_screenshot(str(ARTIFACTS / "viz-edge-tooltip.png"))
    assert_clean(browser, url)


def test_hostile_label_renders_as_text(browser, G, tmp_path):
    H = hostile_graph(G)
    bad = next(n for n, d in H.nodes(data=True) if d["label"] == XSS_LABEL)
    u, v, k = sorted(H.edges(keys=True))[0]
    nodes = sorted({bad, u, v} | set(nx.Graph(H).neighbors(bad)))[:12]
    path = write(tmp_path, "hostile", viz.render_subgraph(H, nodes, title=XSS_LABEL))
    url = open_page(browser, path)
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        _ = browser.switch_to.alert.text
    assert browser.title == XSS_LABEL
    assert browser.execute_script("return document.images.length") == 0
    assert browser.execute_script("return document.scripts.length") == 3
    pos = browser.execute_script("return window.exokg.network.getPositions([arguments[0]])[arguments[0]]", bad)
    assert XSS_LABEL in hover_canvas_point(browser, pos["x"], pos["y"])
    box = browser.find_element("id", "exokg-search")
    box.send_keys(XSS_LABEL + "\n")
    assert browser.find_element("css selector", "#exokg-details h3").text == XSS_LABEL
    assert BREAKOUT in browser.find_element("id", "exokg-details").text
    browser.save_screenshot(str(ARTIFACTS / "viz-hostile-label.png"))
    assert_clean(browser, url)


def test_physics_stabilises_then_stops(browser, G, graph_file, tmp_path):
    centre = max(G.nodes, key=G.degree)
    nodes, edges, _ = viz.select(G, focus=G.nodes[centre]["key"], hops=1, source=graph_file)
    view = viz.graph_view(G, nodes, edges)
    path = write(tmp_path, "physics", viz.render_html(view, layout=False))  # vis-network lays it out
    url = open_page(browser, path)
    assert page_counts(browser) == (len(nodes), len(edges))
    assert browser.execute_script("return window.exokg.timings.stabilizationDone > 0")
    frozen = "return window.exokg.network.physics.physicsEnabled === false"
    assert browser.execute_script(frozen)
    before = browser.execute_script("return window.exokg.network.getPositions()")
    time.sleep(0.3)
    assert browser.execute_script("return window.exokg.network.getPositions()") == before
    browser.find_element("id", "exokg-physics").click()  # Re-layout: runs again, then stops again
    wait_for(browser, "return window.exokg.layouts >= 2")
    assert browser.execute_script(frozen)
    assert_clean(browser, url)


def test_notebook_iframe(browser, G, tmp_path):
    centre = max(G.nodes, key=G.degree)
    shown = [centre, *sorted(nx.Graph(G).neighbors(centre))]
    frame = viz.notebook(viz.subgraph_view(G, shown), height=500)._repr_html_()
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>nb</title></head><body>{frame}</body></html>",
                    encoding="utf-8")
    browser.get("about:blank")
    browser.get_log("browser")
    browser.get_log("performance")
    browser.get(path.resolve().as_uri())
    browser.switch_to.frame(browser.find_element("tag name", "iframe"))
    try:
        wait_for(browser, "return !!(window.exokg && window.exokg.ready)")
        expected_edges = sum(1 for u, v in G.edges() if u in shown and v in shown)
        assert page_counts(browser) == (len(shown), expected_edges)
        assert browser.execute_script("return window.exokg.errors") == []
    finally:
        browser.switch_to.default_content()
    browser.save_screenshot(str(ARTIFACTS / "viz-notebook.png"))
    assert [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")] == []
