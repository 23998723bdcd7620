"""The page: one self-contained HTML file per view (templating) and its Jupyter display.

:func:`render_html` fills the template in ``assets/`` with the view's data (JSON in a
non-executed block), vis-network (as shipped inside ``pyvis``), the page script and styles, and a
Content-Security-Policy that allows only those two scripts (by hash) and no network request.
:func:`write_html` writes a page atomically; :func:`notebook` shows one inline in Jupyter.
"""
from __future__ import annotations

import base64
import hashlib
import html as html_lib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import networkx as nx

from ..ontology import load_ontology
from .layout import (GROUPINGS, compute_layout, group_entries, group_layout, initial_grouping,
                     layout_options)
from .style import ARROW_BY_SIGN, CONTEXT_LABELS, OTHER_RELATION_COLOUR, OTHER_TYPE, RELATION_COLOURS, SIGN_WORDS, \
    TYPE_STYLE, _node_style, _sign_order, _type_label
from .views import View, VizError, graph_view, paths_view, subgraph_view


VIS_VERSION = "9.1.2"
EDGE_LABEL_LIMIT = 40  # edges: at most this many, relation names are drawn on the edges


def render_subgraph(G: nx.MultiDiGraph, nodes: Iterable[str], edges: Iterable[tuple] | None = None,
                    title: str = "ExoKG path", description: str = "",
                    highlight_nodes: Iterable[str] = (), highlight_edges: Iterable[tuple] = ()) -> str:
    """The HTML page of a path or explanation result (for ``exokg path --html``).

    ``nodes``: node ids (entity IRIs) to draw; ``edges``: ``(u, v, key)`` statements (or
    ``(u, v)`` for every statement u->v) to draw, default every edge among ``nodes``;
    ``highlight_*``: what to draw bold, e.g. the path itself inside its neighbourhood.
    Write it with :func:`write_html`.

    >>> from graph.projection import projection
    >>> G = projection()
    >>> u, v, k = sorted(G.edges(keys=True))[0]
    >>> page = render_subgraph(G, [u, v], [(u, v, k)], highlight_edges=[(u, v, k)])
    >>> page.count('"highlight":true') >= 1
    True
    """
    return render_html(subgraph_view(G, nodes, edges, title, description, highlight_nodes, highlight_edges))


def render_paths(G: nx.MultiDiGraph, paths: Iterable[dict], title: str = "ExoKG paths", description: str = "") -> str:
    """The HTML page of ``exokg path``'s results: ``write_html(render_paths(G, paths), file)``.

    >>> from graph.paths import shortest_path
    >>> H = nx.MultiDiGraph()
    >>> _ = H.add_node("a", label="A", type="MicroRNA"); _ = H.add_node("b", label="B", type="Drug")
    >>> _ = H.add_edge("a", "b", key="s1", relation="confersResistanceTo", sign=1, summary="A makes B fail.")
    >>> page = render_paths(H, [shortest_path(H, "a", "b")])
    >>> "A makes B fail." in page
    True
    """
    return render_html(paths_view(G, list(paths), title, description))


def page_payload(view: View, options: dict | None = None, freeze: bool = True, layout: bool = True,
                 group_by: str | None = None) -> dict:
    """Everything the page script needs, JSON-ready (nodes, edges, legend, groups, options).

    ``layout``: give every node its position from :func:`compute_layout` and, per grouping,
    from :func:`group_layout` (without numpy the browser lays the graph out instead: stabilise,
    then freeze). ``group_by``: the grouping the page opens with (default ``view.group_by``;
    see :func:`initial_grouping`).
    """
    layout = layout and _have_numpy()
    grouping = initial_grouping(view, group_by if group_by is not None else view.group_by)
    ontology = load_ontology()
    n_nodes, n_edges = view.counts
    opts = json.loads(json.dumps(options if options is not None else layout_options(n_nodes, n_edges, layout)))
    nodes = view.nodes
    placed: dict[str, tuple[dict, dict]] = {}
    if layout:
        positions = compute_layout(view)
        placed = {g: group_layout(view, g) for g in GROUPINGS if g != "none"}
        nodes = [dict(node, x=positions[node["id"]][0], y=positions[node["id"]][1],
                      at={g: list(where[node["id"]]) for g, (_, where) in placed.items()}) for node in nodes]
    type_counts: dict[str, int] = defaultdict(int)
    for n in view.nodes:
        type_counts[n["type"]] += 1
    types = []
    styles = {}
    for name in sorted(type_counts):
        colour, shape = TYPE_STYLE.get(name, TYPE_STYLE[OTHER_TYPE])
        types.append({"name": name, "label": _type_label(name, ontology), "color": colour,
                      "shape": shape, "count": type_counts[name]})
        styles[name] = _node_style(colour, shape)
    opts.setdefault("groups", {}).update(styles)
    rel_counts: dict[str, dict] = {}
    for e in view.edges:
        r = rel_counts.setdefault(e["relation"], {"name": e["relation"], "label": e["relation_label"],
                                                  "sign": e["sign"], "symmetric": e["symmetric"], "count": 0})
        r["count"] += 1
    relations = []
    for name in sorted(rel_counts, key=lambda r: (_sign_order(rel_counts[r]["sign"]), r)):
        r = rel_counts[name]
        r["color"] = RELATION_COLOURS.get(name, OTHER_RELATION_COLOUR)
        r["arrow"] = None if r["symmetric"] else ARROW_BY_SIGN.get(r["sign"], "arrow")
        r["dashes"] = r["sign"] in (0, None)
        r["signText"] = SIGN_WORDS.get(r["sign"], "not an ExoKG relation")
        relations.append(r)
    return {
        "title": view.title,
        "description": view.description,
        "kind": view.kind,
        "nodes": nodes,
        "edges": view.edges,
        "types": types,
        "groupBy": grouping,
        "groupings": {g: group_entries(view, g, ontology, placed[g][0] if g in placed else None)
                      for g in GROUPINGS if g != "none"},
        "cancerLabels": view.cancer_labels,
        "relations": relations,
        "sources": sorted({e["source"] for e in view.edges if e.get("source")}),
        "options": opts,
        "freeze": freeze,
        "edgeLabels": n_edges <= EDGE_LABEL_LIMIT,
        "contextLabels": CONTEXT_LABELS,
        "visVersion": VIS_VERSION,
    }


def render_html(view: View, options: dict | None = None, freeze: bool = True, layout: bool = True,
                group_by: str | None = None) -> str:
    """The self-contained page of ``view``.

    ``layout=False`` leaves the layout to vis-network's physics in the browser (stabilise, then
    freeze); ``options`` replaces the vis-network options of :func:`layout_options`;
    ``freeze=False`` keeps physics running after stabilisation (the last two for the
    benchmark's baseline); ``group_by`` (type, cancer, none, auto) overrides ``view.group_by``.
    """
    return _fill(page_payload(view, options, freeze, layout, group_by), view.title, "viz.js")


def render_aggregate(G: nx.MultiDiGraph, nodes: Iterable[str] | None = None, edges: Iterable[tuple] | None = None,
                     title: str = "ExoKG", description: str = "", group_by: str = "type",
                     highlight_nodes: Iterable[str] = (), sources: dict | None = None) -> str:
    """The aggregated page of ``G`` (or of ``nodes`` and ``edges``): one node per group, groups
    opened on demand (see :mod:`graph.viz.aggregate`); for views of AGGREGATE_NODES entities or more.
    ``group_by``: type or cancer; ``sources``: statement id -> the source it comes from."""
    from .aggregate import aggregate_payload

    _check_grouping(group_by)
    payload = aggregate_payload(G, None if nodes is None else list(nodes), None if edges is None else list(edges),
                                highlight_nodes, sources)
    return aggregate_page(payload, title, description, group_by)


def _check_grouping(group_by: str) -> None:
    if group_by not in ("type", "cancer"):
        raise VizError(f"a view this large opens grouped (by type or cancer), not by '{group_by}'. "
                       "Fix: --group-by type or cancer, or draw less with --focus, --cancer, --type ...")


def aggregate_page(payload: dict, title: str = "ExoKG", description: str = "", group_by: str = "type") -> str:
    """The aggregated page of a payload made by :func:`~graph.viz.aggregate.aggregate_payload` or
    :func:`~graph.viz.aggregate.aggregate_columns`."""
    _check_grouping(group_by)
    payload.update({"title": title, "description": description, "kind": "aggregate", "groupBy": group_by,
                    "options": layout_options(MEMBER_VIEW_NODES, MEMBER_VIEW_NODES), "contextLabels": CONTEXT_LABELS,
                    "visVersion": VIS_VERSION})
    return _fill(payload, title, "aggregate.js")


MEMBER_VIEW_NODES = 1000  # the aggregated page draws about this many nodes at most: its vis-network options


def _fill(payload: dict, title: str, script: str) -> str:
    vis_js, vis_css = _vis_assets()
    page_js = _asset("dom.js") + _asset(script)  # the helpers both page scripts use, then the script
    for name, text in (("vis-network.min.js", vis_js), ("viz.js", page_js)):
        if re.search(r"</script|<!--", text, re.IGNORECASE):
            raise VizError(f"{name} contains '</script' or '<!--' and cannot be inlined. Fix: report this ExoKG bug")
    css = vis_css + "\n" + _asset("viz.css")
    if re.search(r"</style", css, re.IGNORECASE):
        raise VizError("a stylesheet contains '</style' and cannot be inlined. Fix: report this ExoKG bug")
    csp = ("default-src 'none'; "
           f"script-src '{_csp_hash(vis_js)}' '{_csp_hash(page_js)}'; "
           "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; connect-src 'none'; "
           "frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'")
    replacements = {
        "CSP": html_lib.escape(csp, quote=True),
        "TITLE": html_lib.escape(title),
        "STYLE": css,
        "DATA": script_json(payload),
        "VIS_JS": vis_js,
        "PAGE_JS": page_js,
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: replacements[m.group(1)], _asset("viz.html"))


def write_html(page: View | str, path: Path | str) -> Path:
    """Write a page (a :class:`View` or the HTML text) to ``path`` atomically; return the path."""
    text = render_html(page) if isinstance(page, View) else page
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise VizError(f"folder {folder} does not exist. Fix: create it or choose another --out")
    from ..build import write_atomically

    write_atomically(folder, {path.name: text.encode("utf-8")})
    return path


class NotebookView:
    """A page shown inline in Jupyter (an iframe whose ``srcdoc`` is the page)."""

    def __init__(self, page: str, height: int = 650):
        self.html = page
        self.height = int(height)

    def __repr__(self) -> str:  # no memory address, so saved notebook outputs do not change between runs
        title = re.search(r"<title>(.*?)</title>", self.html, re.S)
        return f"<ExoKG network view: {html_lib.unescape(title.group(1)) if title else 'page'}>"

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html_lib.escape(self.html, quote=True)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
                'sandbox="allow-scripts allow-popups allow-popups-to-escape-sandbox" '
                'title="ExoKG network"></iframe>')


def notebook(page: View | nx.MultiDiGraph | str, height: int = 650) -> NotebookView:
    """Show a view (or a projection, or a page's HTML) inline in Jupyter: ``notebook(view)``."""
    if isinstance(page, nx.MultiDiGraph):
        page = graph_view(page)
    return NotebookView(render_html(page) if isinstance(page, View) else page, height)


def script_json(value) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&``, U+2028/9 become escapes.

    >>> script_json({"label": "</script><img src=x onerror=alert(1)>"})
    '{"label":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escape in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return text


def _have_numpy() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:
        return False
    return True


def _csp_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def _asset(name: str) -> str:
    return resources.files("graph.viz").joinpath("assets").joinpath(name).read_text(encoding="utf-8")


_VIS_CACHE: dict[str, tuple[str, str]] = {}


def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet as shipped inside the pyvis package."""
    if "vis" not in _VIS_CACHE:
        folder = resources.files("pyvis").joinpath("lib", f"vis-{VIS_VERSION}")
        try:
            js = folder.joinpath("vis-network.min.js").read_text(encoding="utf-8")
            css = folder.joinpath("vis-network.css").read_text(encoding="utf-8")
        except (FileNotFoundError, OSError):
            raise VizError(f"pyvis does not ship vis-network {VIS_VERSION}. Fix: pip install 'pyvis==0.3.2'") from None
        _VIS_CACHE["vis"] = (js, css)
    return _VIS_CACHE["vis"]
