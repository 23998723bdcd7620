"""Write the notebooks in notebooks/ from the cells below and execute them, keeping outputs.

    python scripts/make_notebooks.py            # write and execute all five
    python scripts/make_notebooks.py 03         # just one

The notebooks use only the public library API and no network. CI executes them again with
nbmake (pytest --nbmake notebooks/), so a notebook that stops working fails the build.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"

SETUP = """\
import tempfile
from pathlib import Path

import pandas as pd

pd.set_option("display.max_colwidth", 80)
pd.set_option("display.width", 200)
WORK = Path(tempfile.mkdtemp(prefix="exokg-notebook-"))  # everything this notebook writes goes here"""

CELLS: dict[str, tuple[str, list[tuple[str, str]]]] = {}

CELLS["01_tour"] = ("ExoKG tour: build, stats, first SPARQL", [
    ("md", "# ExoKG tour\n\nBuild the graph from the curated tables shipped in the package, look at what it holds, "
           "and run a first SPARQL query into a pandas DataFrame. Nothing here needs a network or a server."),
    ("code", SETUP),
    ("md", "## Build\n\n`graph.build.build` checks the curated tables (a bad row stops the build with its file and "
           "line), then writes Turtle, N-Triples, JSON-LD and a VoID description. Two builds of the same data are "
           "byte-identical."),
    ("code", "from graph.build import build\n\nresult = build(WORK / 'build')\n"
             "print(f'{result.entities} entities, {result.statements} statements, {result.triples} triples')\n"
             "sorted(p.name for p in (WORK / 'build').iterdir())"),
    ("md", "## What the graph holds\n\nCounts per entity type (with how many carry a canonical identifier), "
           "per relation and per section of the review."),
    ("code", "from graph.stats import compute_stats\nfrom graph.store import open_store\n\n"
             "store = open_store(WORK / 'build')\nstats = compute_stats(store)\npd.DataFrame(stats.entity_types)"),
    ("code", "pd.DataFrame(stats.relations).head(12)"),
    ("code", "pd.DataFrame(stats.sections)"),
    ("md", "## A first SPARQL query\n\nEvery statement is both a direct triple (`?rna exo:confersResistanceTo ?drug`) "
           "and an `exo:Assertion` node with its context and provenance. Prefixes such as `exo:`, `rdfs:` and the "
           "identifier prefixes are predeclared.\n\nWhich exosomal RNAs confer cisplatin resistance, in which cancer, "
           "and where does the review say so?"),
    ("code", '''from graph.query import run_query

QUERY = """
SELECT ?rna ?cancer ?section ?row (GROUP_CONCAT(DISTINCT STR(?ref); separator=", ") AS ?refs) WHERE {
  ?a a exo:Assertion ; rdf:subject ?r ; rdf:predicate exo:confersResistanceTo ; rdf:object ?drug ;
     exo:section/exo:sectionNumber ?section .
  ?drug rdfs:label "cisplatin" .
  ?r rdfs:label ?rna ; a/rdfs:subClassOf* exo:NonCodingRNA .
  OPTIONAL { ?a exo:cancerType/rdfs:label ?cancer }
  OPTIONAL { ?a exo:tableRow ?tableRow }
  BIND(COALESCE(STR(?tableRow), "") AS ?row)
  OPTIONAL { ?a exo:citesReference/exo:referenceNumber ?ref }
} GROUP BY ?rna ?cancer ?section ?row ORDER BY ?cancer ?rna
"""
pd.DataFrame(run_query(QUERY, WORK / 'build').values())'''),
    ("md", "Rows from Table 1 whose RNA the captured text does not name keep the label "
           "`unnamed exosomal RNA (Table 1 row NN)`: the graph never invents a name."),
])

CELLS["02_questions"] = ("Questions with evidence", [
    ("md", "# Asking the review questions\n\nThe competency functions behind `exokg resistance`, `biomarkers`, "
           "`therapies`, `show` and `find` return plain rows with the evidence on every row: section, Table 1 row "
           "and the review's reference numbers. Names resolve like on the command line: `CIS`, `GC`, `P-gp`, "
           "CURIEs and IRIs all work, and a cancer includes its subtypes."),
    ("code", SETUP + "\n\nfrom graph import competency"),
    ("md", "## Which exosomal RNAs confer cisplatin resistance in gastric cancer?"),
    ("code", "rows = competency.resistance(drug='CIS', cancer='GC', effect='confers')\n"
             "pd.DataFrame(rows)[['agent', 'agent_type', 'drug', 'cancer', 'mechanism', 'section', 'table_row', 'references']]"),
    ("md", "## Which exosomal biomarkers exist for colorectal cancer, and in which body fluid?"),
    ("code", "rows = competency.biomarkers(cancer='colorectal cancer')\n"
             "pd.DataFrame(rows)[['biomarker', 'type', 'fluid', 'role', 'direction', 'section', 'references']]"),
    ("md", "## Which engineered exosomes overcome sorafenib resistance?"),
    ("code", "rows = competency.therapies(drug='sorafenib')\npd.DataFrame(rows)"),
    ("md", "## An entity card\n\nIdentifiers, synonyms and every statement in and out, with context and provenance."),
    ("code", "card = competency.show('miR-522')\n{k: v for k, v in card.items() if k != 'statements'}"),
    ("code", "pd.DataFrame(card['statements'])"),
])

CELLS["03_mechanisms"] = ("Mechanism chains", [
    ("md", "# Mechanism chains\n\nThe networkx projection holds one edge per assertion with its relation, sign "
           "(+1 increases, -1 decreases, 0 neutral), context and provenance. `graph.paths` finds signed, "
           "context-bound paths on it; `graph.explain` ranks the chains from an agent to resistance or "
           "sensitivity to a drug."),
    ("code", SETUP + "\n\nfrom graph.projection import projection\nfrom graph.paths import context_values, find_paths, hop_statements, load_broader\n"
             "from graph.explain import explain\nfrom graph.entities import resolve\n\n"
             "G = projection()\nbroader = load_broader()\nkey = lambda iri: G.nodes[iri]['key']\n"
             "print(G.number_of_nodes(), 'entities,', G.number_of_edges(), 'statements')"),
    ("md", "## How does CAF-derived miR-522 end in chemoresistance in gastric cancer?"),
    ("code", '''chains = explain(G, resolve('miR-522').iri, resolve('cisplatin').iri, cancer=resolve('GC').iri, broader=broader)
for chain in chains[:3]:
    print(f"#{chain['rank']} {chain['effect']} ({chain['target_match']}):", " -> ".join(key(n) for n in chain['nodes']))
    for hop in chain['hops']:
        print(f"  {key(hop['source'])} -[{hop['relation']} {hop['sign']:+d}]-> {key(hop['target'])}")
        for st in hop_statements(G, hop):
            print(f"      {st['key']:>9}  section {st['section']}  refs {st['references']}  {st['summary']}")'''),
    ("md", "## Signed paths\n\nOnly paths whose composed sign says *increases* resistance: the product of "
           "the relation signs along the path must be +1."),
    ("code", '''paths = find_paths(G, resolve('lnc-TALC').iri, resolve('temozolomide').iri, k=3, signed='increases',
                   context={'cancer': context_values(broader, resolve('GBM').iri)})
for p in paths:
    print(p['sign'], ' -> '.join(key(n) for n in p['nodes']))'''),
    ("md", "## The same chains drawn\n\nThe network view is one self-contained HTML page; in Jupyter it "
           "shows inline. Hover an edge for its evidence."),
    ("code", "from graph import viz\n\nviz.notebook(viz.render_paths(G, paths, title='lnc-TALC to temozolomide resistance'), height=450)"),
])

CELLS["04_exploration"] = ("Interactive exploration", [
    ("md", "# Interactive exploration\n\n`graph.viz` draws any part of the graph as one offline HTML page: "
           "colour and shape per entity type, edge colour per relation, arrows by sign, tooltips with the "
           "evidence. `select` applies the same filters as `exokg viz`."),
    ("code", SETUP + "\n\nfrom graph.projection import projection\nfrom graph import viz\n\nG = projection()"),
    ("md", "## The neighbourhood of miR-1246 in ovarian cancer"),
    ("code", "nodes, edges, description = viz.select(G, focus='miR-1246', hops=1, cancers=['ovarian cancer'])\n"
             "print(description, '|', len(nodes), 'nodes,', len(edges), 'edges')\n"
             "viz.notebook(viz.render_subgraph(G, nodes, edges, title='miR-1246 in ovarian cancer'), height=500)"),
    ("md", "## Saving a page to send to a colleague\n\nThe file inlines its JavaScript and makes no request to "
           "any host, so it opens anywhere offline."),
    ("code", "nodes, edges, description = viz.select(G, drugs=['sorafenib'])\n"
             "page = viz.write_html(viz.render_subgraph(G, nodes, edges, title=description), WORK / 'sorafenib.html')\n"
             "print(page.name, page.stat().st_size // 1024, 'KiB;', len(nodes), 'nodes,', len(edges), 'edges')"),
])

CELLS["05_integration"] = ("Integration", [
    ("md", "# Taking ExoKG elsewhere\n\nExport the graph, load it into another RDF store, and join it with an "
           "independent graph that uses the same canonical IRIs (OBO PURLs for ChEBI, identifiers.org for HGNC)."),
    ("code", SETUP + "\n\nfrom graph.export import FORMATS, export\n\nsorted(FORMATS)"),
    ("code", "results = [export(name, WORK / ('exokg' + FORMATS[name].suffix if FORMATS[name].suffix else name))\n"
             "           for name in ('trig', 'kgx', 'graphml')]\n"
             "sorted(p.name for p in WORK.rglob('*') if p.is_file())"),
    ("md", "## Load the TriG export into a fresh pyoxigraph store\n\nEach assertion sits in its own named graphs "
           "(assertion, provenance, publication info), nanopublication-style."),
    ("code", "import pyoxigraph as ox\n\nstore = ox.Store()\nstore.load(path=str(WORK / 'exokg.trig'), format=ox.RdfFormat.TRIG)\n"
             "print(len(store), 'quads in', len(list(store.named_graphs())), 'named graphs')"),
    ("md", "## Merge with an independent graph on shared identifiers\n\nA small outside graph says something about "
           "PTEN (HGNC:9588) and cisplatin (CHEBI:27899). Because ExoKG uses the same canonical IRIs, one query "
           "joins both."),
    ("code", '''OUTSIDE = """
<https://identifiers.org/hgnc:9588> <http://example.org/lab#knockoutLine> "PTEN-KO-7" .
<http://purl.obolibrary.org/obo/CHEBI_27899> <http://example.org/lab#stockConcentration> "3.3 mM" .
"""
store.load(OUTSIDE.encode(), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode('http://example.org/lab'))
JOIN = """
PREFIX exo: <https://w3id.org/exokg/ontology/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?entity ?labFact (COUNT(DISTINCT ?assertion) AS ?exokgStatements)
       (GROUP_CONCAT(DISTINCT ?relation; separator=", ") AS ?relations) WHERE {
  GRAPH <http://example.org/lab> { ?e ?p ?labFact }
  ?e rdfs:label ?entity .
  ?assertion rdf:predicate ?rel .
  { ?assertion rdf:subject ?e } UNION { ?assertion rdf:object ?e }
  BIND(STRAFTER(STR(?rel), STR(exo:)) AS ?relation)
} GROUP BY ?entity ?labFact ORDER BY ?entity
"""
rows = store.query(JOIN, use_default_graph_as_union=True)
pd.DataFrame([{name: row[name].value for name in ('entity', 'labFact', 'exokgStatements', 'relations')} for row in rows])'''),
])


def make(name: str, title: str, cells: list[tuple[str, str]]) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["title"] = title
    nb.cells = [nbformat.v4.new_markdown_cell(src) if kind == "md" else nbformat.v4.new_code_cell(src)
                for kind, src in cells]
    NotebookClient(nb, timeout=120, kernel_name="python3", record_timing=False,  # same data, same file bytes
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    for number, cell in enumerate(nb.cells):  # random ids and execution counts make diffs noisy
        cell.id = f"{name}-{number:02d}"
        if cell.cell_type == "code":
            cell.execution_count = None
            for output in cell.outputs:
                output.pop("execution_count", None)
    path = NOTEBOOKS / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


if __name__ == "__main__":
    wanted = sys.argv[1:]
    for name, (title, cells) in CELLS.items():
        if not wanted or any(name.startswith(w) for w in wanted):
            print("wrote", make(name, title, cells))
