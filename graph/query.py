"""SPARQL on the ExoKG graph: the engine behind ``exokg query``, the server and the competency
commands.

* :func:`run_query` runs a query on the embedded pyoxigraph store; :class:`graph.remote.RemoteEndpoint`
  runs the same text on a SPARQL 1.1 endpoint. Both return a :class:`QueryResult`.
* Ontology and identifier prefixes (``exo:``, ``exoe:``, ``skos:``, ``hgnc:``, ``doid:`` ...) are
  predeclared (:data:`QUERY_PREFIXES`).
* Parameters are bound with a ``VALUES`` block placed at the top of the query's WHERE group
  (:func:`bind_values`); values are RDF terms serialised by pyoxigraph, never user text pasted
  into the query. (pyoxigraph's ``substitutions=`` was measured unsuitable: it demands the variable
  in the SELECT projection and does not bind it inside FILTER/EXISTS, so ``FILTER(!BOUND(?x) ||
  ...)`` optional parameters silently match everything.)
* SPARQL Update is refused, and so is SERVICE unless explicitly allowed (pyoxigraph would
  otherwise fetch the remote endpoint). A syntax error becomes a one-line
  :class:`QuerySyntaxError` with the line, column and a hint.
* The named-query library: the documented ``graph/queries/*.rq`` files (:func:`library`).

>>> result = run_query('ASK { doid:162 a exo:CancerType ; rdfs:label "cancer" }')
>>> result.boolean
True
>>> print(bind_values("SELECT ?s WHERE { ?s a ?t }", {"t": [ox.NamedNode("https://w3id.org/exokg/ontology/Drug")]}))
SELECT ?s WHERE {
  VALUES ?t { <https://w3id.org/exokg/ontology/Drug> }
 ?s a ?t }
"""
from __future__ import annotations

import csv
import io
import json
import re
import shlex
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from itertools import islice
from pathlib import Path
from typing import cast
from xml.sax.saxutils import escape as xml_escape, quoteattr

import pyoxigraph as ox

from .terms import term_value
from .errors import FormatError, OntologyNameError, QueryError
from .output import render

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


class QuerySyntaxError(QueryError):
    """The SPARQL text does not parse."""


class QueryRefused(QueryError):
    """The query asks for something ExoKG does not do: an update, SERVICE, another graph."""


class QueryTimeout(QueryError):
    """The query ran longer than allowed."""


class ParameterError(QueryError):
    """A query parameter is unknown, missing or has a bad value."""


# ---------------------------------------------------------------- prefixes


@lru_cache(maxsize=1)
def query_prefixes() -> dict[str, str]:
    """Prefixes every query may use without declaring them: the ontology's and the identifiers'."""
    from .build import jsonld_context

    return dict(jsonld_context())


def compact(iri: str) -> str:
    """A CURIE for ``iri`` with the predeclared prefixes (longest namespace wins), else ``<iri>``.

    >>> compact("https://w3id.org/exokg/ontology/targets")
    'exo:targets'
    >>> compact("http://purl.obolibrary.org/obo/DOID_10534")
    'doid:10534'
    >>> compact("http://example.org/x y")
    '<http://example.org/x y>'
    """
    for prefix, namespace in _namespaces_longest_first():
        if iri.startswith(namespace):
            local = iri[len(namespace):]
            if re.fullmatch(r"[\w\-.:%]*", local) and not local.endswith("."):
                return f"{prefix}:{local}"
    return f"<{iri}>"


@lru_cache(maxsize=1)
def _namespaces_longest_first() -> list[tuple[str, str]]:
    return sorted(query_prefixes().items(), key=lambda item: -len(item[1]))


# ---------------------------------------------------------------- lexical analysis

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z\u00C0-\uFFFF](?:[\w.\-\u00B7\u00C0-\uFFFF]*[\w\-\u00B7\u00C0-\uFFFF])?)?:
               (?:(?:[\w\-:%\u00B7\u00C0-\uFFFF]|\\[_~.\-!$&'()*+,;=/?\#@%]|\.(?=[\w\-:%]))*))
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> list[Token]:
    """The query's tokens, whitespace and comments dropped; unterminated strings run to the end.

    >>> [t.text for t in tokens('SELECT ?x { ?x rdfs:label "a {" } # {')]
    ['SELECT', '?x', '{', '?x', 'rdfs:label', '"a {"', '}']
    """
    out, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # an unterminated string: the parser will report it
            out.append(Token("string", text[pos:], pos))
            break
        kind = match.lastgroup
        if kind not in ("ws", "comment"):
            out.append(Token(cast(str, kind), match.group(), pos))
        pos = match.end()
    return out


def _after_prologue(toks: list[Token]) -> int:
    """Index of the first token after BASE/PREFIX declarations."""
    i = 0
    while i < len(toks):
        word = toks[i].text.upper() if toks[i].kind == "word" else ""
        if word == "BASE":
            i += 2
        elif word == "PREFIX":
            i += 3
        else:
            break
    return i


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT, DESCRIBE, UPDATE (any SPARQL Update) or None when unrecognisable.

    >>> query_form("PREFIX x: <http://x/> # c\\n construct { ?s ?p ?o } where { ?s ?p ?o }")
    'CONSTRUCT'
    >>> query_form("DELETE WHERE { ?s ?p ?o }")
    'UPDATE'
    """
    toks = tokens(text)
    i = _after_prologue(toks)
    if i >= len(toks) or toks[i].kind != "word":
        return None
    word = toks[i].text.upper()
    if word in QUERY_FORMS:
        return word
    if word in UPDATE_KEYWORDS:
        return "UPDATE"
    return None


# pyoxigraph recognises the keyword only when written in ASCII letters (measured: it does not
# expand \\u escapes outside strings, and rejects look-alikes such as a long s or a dotless i), so
# a text without these letters cannot make it call another endpoint.
_SERVICE_LETTERS = re.compile("service", re.IGNORECASE | re.ASCII)

# Limits that keep a query from crashing or starving the engine. pyoxigraph's parser recurses once
# per nesting level: on an 8 MiB thread stack it crashed the process at 3,000 nested groups and at
# 5,000 nested parentheses (measured), and nested blank-node property lists or collections take
# time exponential in their depth (64 levels: about 2 s; 128: over 20 s). No real query comes near
# 32 levels; the shipped queries use at most 6.
MAX_QUERY_CHARS = 256 * 1024
MAX_NESTING = 32


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``{ ( [`` outside strings, comments and IRIs.

    >>> nesting_depth('SELECT * { ?s ?p ?o FILTER((?o > 1)) } # {{{')
    3
    """
    depth = deepest = 0
    for tok in tokens(text):
        if tok.kind == "punct" and tok.text in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif tok.kind == "punct" and tok.text in "})]":
            depth -= 1
    return deepest


def _parse_tree_has(node, name: str) -> bool:
    """True when a node called ``name`` occurs anywhere in rdflib's parse tree of a query."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            if item.name == name:
                return True
            stack.extend(item.values())
        elif isinstance(item, (ParseResults, list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def uses_service(text: str) -> bool:
    """True when the engine could execute a SERVICE clause of ``text`` (a federated call).

    Decided from a real SPARQL parser's tree (rdflib's), not by scanning text: strings, IRIs,
    comments and a ``<`` that may be an operator or an IRI are read as the grammar reads them. A text
    without the ASCII letters of the keyword is passed without parsing; a text with them that the
    parser cannot read is treated as using SERVICE, since a federated call cannot then be ruled out.

    >>> uses_service('SELECT * { ?service ?p "SERVICE" } # SERVICE')
    False
    >>> uses_service('SELECT * { service <http://example.org/sparql> { ?s ?p ?o } }')
    True
    >>> uses_service("SELECT * { OPTIONAL { FILTER(?z<'>') } SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
    True
    """
    if not _SERVICE_LETTERS.search(text):
        return False
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        tree = parseQuery(text)
    except (Exception, RecursionError):  # noqa: BLE001 - an unreadable text is refused, whatever the parser raised
        return True
    return _parse_tree_has(tree, "ServiceGraphPattern")


def dataset_clauses(text: str) -> list[str]:
    """The IRIs named by FROM / FROM NAMED clauses.

    >>> dataset_clauses("SELECT * FROM <http://a/> FROM NAMED <http://b/> { ?s ?p ?o }")
    ['http://a/', 'http://b/']
    """
    toks, found = tokens(text), []
    for i, tok in enumerate(toks):
        if tok.kind == "word" and tok.text.upper() == "FROM":
            j = i + 1
            if j < len(toks) and toks[j].kind == "word" and toks[j].text.upper() == "NAMED":
                j += 1
            if j < len(toks):
                found.append(toks[j].text[1:-1] if toks[j].kind == "iri" else toks[j].text)
    return found


def check_policy(text: str, *, allow_service: bool = False) -> str:
    """Refuse what ExoKG does not run (updates, SERVICE unless allowed, oversized or over-nested
    texts) before the text reaches the engine; return the query form."""
    if not text.strip():
        raise QuerySyntaxError("the query is empty. Fix: give a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryRefused(f"the query is {len(text):,} characters long; at most {MAX_QUERY_CHARS:,} are accepted. "
                           "Fix: shorten it, e.g. load long value lists into a graph with `exokg load`")
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise QueryRefused(f"the query nests {{ }}, ( ) or [ ] {depth} levels deep; at most {MAX_NESTING} are accepted. "
                           "Fix: flatten the nested groups")
    form = query_form(text)
    if form == "UPDATE":
        raise QueryRefused("SPARQL Update is refused: ExoKG queries are read-only. "
                           "Fix: change the curated tables and run `exokg build` instead")
    if not allow_service and uses_service(text):
        raise QueryRefused("SERVICE (federated query) is refused: ExoKG does not call other endpoints "
                           "(a query that mentions SERVICE and does not parse is refused too). "
                           "Fix: remove the SERVICE clause, or run the query on a triple store that allows it")
    return form or "SELECT"


# ---------------------------------------------------------------- parameters


def bind_values(text: str, bindings: dict[str, list]) -> str:
    """Bind variables by a VALUES block at the top of the query's WHERE group.

    ``bindings`` maps a variable name (without ``?``) to a list of pyoxigraph terms; several
    terms mean "any of these". Terms are written in N-Triples syntax by pyoxigraph, so no user
    text reaches the query unescaped. A parameter therefore must be used in the top-level group
    (or in FILTER/EXISTS there), not only inside a sub-SELECT.
    """
    bindings = {name: values for name, values in bindings.items() if values}
    if not bindings:
        return text
    for name, values in bindings.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise ParameterError(f"'{name}' is not a SPARQL variable name. Fix: use letters, digits and _")
        for value in values:
            if not isinstance(value, (ox.NamedNode, ox.Literal)):
                raise ParameterError(f"parameter ?{name}: {value!r} is not an IRI or a literal")
    position = _where_brace(text)
    block = "".join(f"\n  VALUES ?{name} {{ {' '.join(str(v) for v in values)} }}" for name, values in bindings.items())
    return text[:position + 1] + block + "\n" + text[position + 1:]


def _where_brace(text: str) -> int:
    toks = tokens(text)
    i = _after_prologue(toks)
    form = toks[i].text.upper() if i < len(toks) and toks[i].kind == "word" else ""
    depth, groups = 0, 0
    skip_template = form == "CONSTRUCT" and i + 1 < len(toks) and toks[i + 1].text == "{"
    for tok in toks[i:]:
        if tok.text == "{":
            if depth == 0:
                if skip_template and groups == 0:
                    groups += 1
                else:
                    return tok.start
            depth += 1
        elif tok.text == "}":
            depth -= 1
    raise QuerySyntaxError("the query has no WHERE group to bind parameters in. Fix: write `WHERE { ... }`")


_NUMBER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?[0-9]*\.[0-9]+")


def parse_term(value: str, source=None, types: tuple[str, ...] | None = None, *, engine=None):
    """A user-given value as an RDF term.

    ``<iri>`` is an IRI; ``"text"`` (optionally ``@lang`` or ``^^<datatype>``) a literal; an
    integer or decimal a number; ``true``/``false`` a boolean; a CURIE with a predeclared prefix
    an IRI; anything else an entity name, resolved in the graph (label, synonym, key), or in the
    graph a remote ``engine`` serves.

    >>> parse_term("<http://example.org/a>")
    <NamedNode value=http://example.org/a>
    >>> parse_term("exo:Drug")
    <NamedNode value=https://w3id.org/exokg/ontology/Drug>
    >>> parse_term('"IL-6"@en')
    <Literal value=IL-6 language=en>
    >>> parse_term("CIS").value
    'http://purl.obolibrary.org/obo/CHEBI_27899'
    """
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        return _named_node(text[1:-1])
    if text.startswith('"'):
        match = re.fullmatch(r'"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^(\S+))?', text)
        if not match:
            raise ParameterError(f"{value!r} is not a valid literal. Fix: write \"text\", \"text\"@en or \"1\"^^xsd:integer")
        lexical = json.loads(f'"{match.group(1)}"') if "\\" in match.group(1) else match.group(1)
        if match.group(2):
            return ox.Literal(lexical, language=match.group(2))
        if match.group(3):
            datatype = parse_term(match.group(3))
            if not isinstance(datatype, ox.NamedNode):
                raise ParameterError(f"{match.group(3)!r} is not a datatype IRI")
            return ox.Literal(lexical, datatype=datatype)
        return ox.Literal(lexical)
    if _NUMBER.fullmatch(text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "integer"))
    if _DECIMAL.fullmatch(text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))
    if text in ("true", "false"):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "boolean"))
    prefix, sep, local = text.partition(":")
    if sep and prefix in query_prefixes() and " " not in text:
        return _named_node(query_prefixes()[prefix] + local)
    from .entities import resolve

    return ox.NamedNode(resolve(text, source, types, engine=engine).iri)


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as err:
        raise ParameterError(f"<{iri}> is not a valid IRI ({err}). Fix: give an absolute IRI such as <https://w3id.org/exokg/entity/CAF>") from None


# ---------------------------------------------------------------- results


@dataclass
class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE)."""

    form: str  # "SELECT", "ASK" or "GRAPH"
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)  # pyoxigraph terms or None, in variable order
    boolean: bool | None = None
    triples: list = field(default_factory=list)
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.triples) if self.form == "GRAPH" else len(self.rows)

    def values(self) -> list[dict]:
        """Rows as dicts of plain Python values (IRI strings, literal values, ints for integers)."""
        return [{var: term_value(term) for var, term in zip(self.variables, row)} for row in self.rows]


def from_pyoxigraph(answer, limit: int | None = None) -> QueryResult:
    """Materialise a pyoxigraph answer, keeping at most ``limit`` rows or triples."""
    if isinstance(answer, ox.QueryBoolean):
        return QueryResult("ASK", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        width = len(variables)
        rows = [tuple(solution[i] for i in range(width))
                for solution in (islice(answer, limit + 1) if limit is not None else answer)]
        truncated = limit is not None and len(rows) > limit
        return QueryResult("SELECT", variables=variables, rows=rows[:limit] if truncated else rows, truncated=truncated)
    triples = [t if isinstance(t, ox.Triple) else ox.Triple(t.subject, t.predicate, t.object)
               for t in (islice(answer, limit + 1) if limit is not None else answer)]
    truncated = limit is not None and len(triples) > limit
    return QueryResult("GRAPH", triples=triples[:limit] if truncated else triples, truncated=truncated)


def _term_json(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD + "string":
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                            "predicate": _term_json(term.predicate),
                                            "object": _term_json(term.object)}}
    raise TypeError(f"not an RDF term: {term!r}")


def sparql_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": result.boolean})
    bindings = [{var: _term_json(term) for var, term in zip(result.variables, row) if term is not None}
                for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def _term_xml(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{xml_escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{xml_escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{xml_escape(term.value)}</literal>"
        if term.datatype.value != XSD + "string":
            return f"<literal datatype={quoteattr(term.datatype.value)}>{xml_escape(term.value)}</literal>"
        return f"<literal>{xml_escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_term_xml(term.subject)}</subject><predicate>{_term_xml(term.predicate)}"
                f"</predicate><object>{_term_xml(term.object)}</object></triple>")
    raise TypeError(f"not an RDF term: {term!r}")


def sparql_xml(result: QueryResult) -> str:
    """SPARQL Query Results XML."""
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.form == "ASK":
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return "\n".join(out) + "\n"
    out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>")
    out.append("<results>")
    for row in result.rows:
        cells = "".join(f"<binding name={quoteattr(v)}>{_term_xml(t)}</binding>"
                        for v, t in zip(result.variables, row) if t is not None)
        out.append(f"<result>{cells}</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _csv_value(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def sparql_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV (plain values, CRLF lines); ASK gives ``true``/``false``."""
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\r\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue()


def sparql_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV (terms in N-Triples syntax); ASK gives ``true``/``false``."""
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


def display(term) -> str:
    """A term for people: CURIE or <IRI>, a literal's value, _:b for blank nodes."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(result: QueryResult) -> str:
    """An aligned text table (rows), ``true``/``false`` (ASK)."""
    if result.form == "ASK":
        return ("true" if result.boolean else "false") + "\n"
    rows = [{v: display(t) for v, t in zip(result.variables, row)} for row in result.rows]
    text = render(rows, result.variables, "table")
    note = f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if result.truncated else ''})\n"
    return text + note


GRAPH_FORMATS = {
    "turtle": (ox.RdfFormat.TURTLE, "text/turtle"),
    "ntriples": (ox.RdfFormat.N_TRIPLES, "application/n-triples"),
    "jsonld": (ox.RdfFormat.JSON_LD, "application/ld+json"),
    "rdfxml": (ox.RdfFormat.RDF_XML, "application/rdf+xml"),
}
ROW_SERIALIZERS = {"json": sparql_json, "xml": sparql_xml, "csv": sparql_csv, "tsv": sparql_tsv, "table": table}
QUERY_OUTPUT_FORMATS = ("table", "json", "csv", "tsv", "xml", "turtle", "ntriples", "jsonld")


def serialize_graph(result: QueryResult, fmt: str = "turtle") -> bytes:
    """A graph answer as Turtle (with the predeclared prefixes), N-Triples, JSON-LD or RDF/XML."""
    rdf_format = GRAPH_FORMATS[fmt][0]
    if fmt == "turtle":
        iris = {term.value for t in result.triples for term in (t.subject, t.predicate, t.object)
                if isinstance(term, ox.NamedNode)}
        used = {p: ns for p, ns in sorted(query_prefixes().items()) if any(i.startswith(ns) for i in iris)}
        return ox.serialize(result.triples, format=rdf_format, prefixes=used) or b""
    return ox.serialize(result.triples, format=rdf_format) or b""


def format_result(result: QueryResult, fmt: str = "table") -> str:
    """Render a result for the command line.

    SELECT/ASK: ``table`` (default), ``json`` (SPARQL 1.1 JSON results), ``csv``, ``tsv`` (SPARQL
    1.1 CSV/TSV results) or ``xml``. CONSTRUCT/DESCRIBE: Turtle for ``table``/``turtle``,
    N-Triples for ``ntriples``, JSON-LD for ``json``/``jsonld``.
    """
    if fmt not in QUERY_OUTPUT_FORMATS:
        raise FormatError(f"unknown format '{fmt}'. Fix: use one of {', '.join(QUERY_OUTPUT_FORMATS)}")
    if result.form == "GRAPH":
        graph_fmt = {"table": "turtle", "json": "jsonld"}.get(fmt, fmt)
        if graph_fmt not in GRAPH_FORMATS:
            raise FormatError(f"a CONSTRUCT/DESCRIBE answer is a graph and has no '{fmt}' form. "
                              "Fix: use --format table or turtle (Turtle), ntriples or json/jsonld (JSON-LD)")
        return serialize_graph(result, graph_fmt).decode("utf-8")
    if fmt not in ROW_SERIALIZERS:
        raise FormatError(f"a {result.form} answer has no '{fmt}' form (that is for CONSTRUCT/DESCRIBE). "
                          "Fix: use --format table, json, csv, tsv or xml")
    text = ROW_SERIALIZERS[fmt](result)
    return text if text.endswith("\n") else text + "\n"


# ---------------------------------------------------------------- syntax errors

_POSITION = re.compile(r"error at (\d+):(\d+)")
_BRACKETS = re.compile(r"\[[^\]]*\]")


def explain_syntax_error(text: str, message: str, *, line_offset: int = 0) -> QuerySyntaxError:
    """Turn a parser message into one line: position, what is near it, what was expected, a hint."""
    match = _POSITION.search(message)
    where, near = "", ""
    if match:
        line, column = int(match.group(1)) - line_offset, int(match.group(2))
        where = f" at line {line}, column {column}"
        lines = text.splitlines() or [""]
        if 1 <= line <= len(lines):
            snippet = lines[line - 1][max(column - 11, 0):column + 9].strip()
            near = f" (near {snippet!r})" if snippet else ""
    expected = message[match.end():].lstrip(": ") if match else message
    if "Prefix not found" in expected:
        return QuerySyntaxError(f"SPARQL syntax error{where}{near}: {_prefix_hint(text)}")
    words = [w.strip() for w in _BRACKETS.sub("", expected.replace("expected one of", "").replace("expected", ""))
             .replace("\n", " ").split(",")]
    words = [w for w in words if w and w != "|"]
    what = ("expected " + ", ".join(words[:8])) if words else "unexpected text"
    return QuerySyntaxError(f"SPARQL syntax error{where}{near}: {what}. Fix: {_general_hint(text)}")


def _prefix_hint(text: str) -> str:
    declared = {t.text[:-1] for t in _declared_prefix_tokens(text)}
    used = {t.text.split(":", 1)[0] for t in tokens(text) if t.kind == "pname"}
    unknown = sorted(used - declared - set(query_prefixes()))
    known = ", ".join(sorted(query_prefixes()))
    if unknown:
        return (f"unknown prefix {', '.join(p + ':' for p in unknown)}. Fix: declare it with PREFIX, "
                f"or use a predeclared prefix ({known})")
    return f"unknown prefix. Fix: declare it with PREFIX, or use a predeclared prefix ({known})"


def _declared_prefix_tokens(text: str) -> list[Token]:
    toks = tokens(text)
    return [toks[i + 1] for i, t in enumerate(toks[:-1]) if t.kind == "word" and t.text.upper() == "PREFIX"]


def _general_hint(text: str) -> str:
    toks = tokens(text)
    if query_form(text) is None:
        return "a query starts (after any PREFIX/BASE lines) with SELECT, ASK, CONSTRUCT or DESCRIBE"
    if any(t.kind == "punct" and t.text in "\"'" for t in toks):
        return "a string is not closed"
    for opening, closing, name in (("{", "}", "braces"), ("(", ")", "parentheses")):
        balance = sum(1 for t in toks if t.text == opening) - sum(1 for t in toks if t.text == closing)
        if balance:
            return f"the {name} do not balance ({abs(balance)} '{opening if balance > 0 else closing}' too many)"
    return "check the query near that position; `exokg query --list` shows worked examples"


# ---------------------------------------------------------------- running embedded


def run_query(text: str, source=None, *, store: ox.Store | None = None, bindings: dict[str, list] | None = None,
              limit: int | None = None, allow_service: bool = False, timeout: float | None = None) -> QueryResult:
    """Run a SPARQL query on the embedded store of the graph at ``source`` (default: packaged data).

    ``timeout`` (seconds) stops waiting for an answer and raises :class:`QueryTimeout`."""
    form = check_policy(text, allow_service=allow_service)
    if bindings:
        text = bind_values(text, bindings)
    if store is None:
        from .store import open_store

        store = open_store(source)
    return execute(store, text, limit=limit, form=form, timeout=timeout)


# The engine runs on a thread of its own with a large stack: its parser and evaluator recurse once
# per nesting level, and a text that slipped past nesting_depth() must end in an error, never in a
# crash. 1 GiB held 128,000 nested groups (256 KiB of text, MAX_QUERY_CHARS) in a measurement; the
# memory is only reserved, and touched as deep as a query really goes.
ENGINE_STACK_BYTES = 1024 * 1024 * 1024
_STACK_SIZE_LOCK = threading.Lock()


def execute(store: ox.Store, text: str, *, limit: int | None = None, form: str | None = None,
            timeout: float | None = None) -> QueryResult:
    """Parse and run ``text`` on ``store`` (no policy checks: call :func:`check_policy` first)."""
    outcome: list = []

    def answer() -> None:
        try:
            outcome.append(from_pyoxigraph(store.query(text, prefixes=query_prefixes()), limit))
        except BaseException as err:  # noqa: BLE001 - handed to the calling thread
            outcome.append(err)

    with _STACK_SIZE_LOCK:
        previous = threading.stack_size(ENGINE_STACK_BYTES)
        try:
            worker = threading.Thread(target=answer, name="exokg-query", daemon=True)
            worker.start()
        finally:
            threading.stack_size(previous)
    worker.join(timeout)
    if not outcome:
        raise QueryTimeout(f"the query ran longer than {timeout:g} s and was abandoned. "
                           "Fix: make it more selective (bind a parameter, add a LIMIT) or raise --timeout")
    result = outcome[0]
    if isinstance(result, QueryResult):
        return result
    if isinstance(result, SyntaxError):
        raise explain_syntax_error(text, str(result)) from None
    if isinstance(result, (OSError, RuntimeError, ValueError)):
        raise QueryError(f"the query failed: {one_line(str(result))}. "
                         "Fix: check the query; `exokg query --list` shows worked examples") from None
    raise result


def one_line(text: str, limit: int = 400) -> str:
    """Collapse whitespace so a message prints as one line (cut at ``limit`` characters)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."


def syntax_check(text: str) -> None:
    """Parse ``text`` against an empty store (raises :class:`QuerySyntaxError`).

    Skipped for queries with SERVICE (only reached when SERVICE is allowed): pyoxigraph would
    call the service while answering an ASK.
    """
    if uses_service(text):
        return
    try:
        execute(ox.Store(), text)
    except QuerySyntaxError:
        raise
    except QueryError:
        pass


# ---------------------------------------------------------------- the named-query library

PARAM_KINDS = ("entity", "iri", "string", "integer", "relation", "class")


@dataclass(frozen=True)
class Param:
    name: str
    kind: str
    types: tuple[str, ...] = ()
    required: bool = False
    doc: str = ""

    def describe(self) -> str:
        kind = self.kind + (f" {'/'.join(self.types)}" if self.types else "")
        return f"{self.name} ({kind}, {'required' if self.required else 'optional'}): {self.doc}"


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    purpose: str
    params: tuple[Param, ...]
    examples: tuple[str, ...]
    text: str

    @property
    def form(self) -> str:
        return query_form(self.text) or "SELECT"

    def param(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        declared = ", ".join(p.name for p in self.params) or "none"
        raise ParameterError(f"query '{self.name}' has no parameter '{name}' (it takes: {declared}). "
                             f"Fix: see `exokg query --list`")

    def bindings(self, values: Mapping[str, list[str] | str], source=None, *, engine=None) -> dict[str, list]:
        """Check and convert user-given parameter values (names, numbers, IRIs) into RDF terms;
        entity names resolve in the graph at ``source``, or in the one a remote ``engine`` serves."""
        out: dict[str, list] = {}
        for name, given in values.items():
            param = self.param(name)
            items = [given] if isinstance(given, str) else list(given)
            out[name] = [coerce(param, item, source, engine=engine) for item in items]
        for param in self.params:
            if param.required and not out.get(param.name):
                raise ParameterError(f"query '{self.name}' needs parameter '{param.name}' ({param.doc}). "
                                     f"Fix: add --param {param.name}=VALUE")
        return out

    def example_params(self) -> list[dict[str, list[str]]]:
        """The ``--param`` values of each example line, as dicts."""
        out = []
        for example in self.examples:
            args = shlex.split(example)
            params: dict[str, list[str]] = {}
            for i, arg in enumerate(args):
                if arg in ("--param", "-p") and i + 1 < len(args):
                    key, _, val = args[i + 1].partition("=")
                    params.setdefault(key, []).append(val)
            out.append(params)
        return out


def coerce(param: Param, value: str, source=None, *, engine=None):
    """One parameter value as an RDF term, checked against the parameter's kind."""
    value = value.strip()
    if not value:
        raise ParameterError(f"parameter '{param.name}' is empty. Fix: give a value, e.g. --param {param.name}=...")
    if param.kind == "entity":
        from .entities import resolve

        if value.startswith("<") and value.endswith(">"):
            value = value[1:-1]
        return ox.NamedNode(resolve(value, source, param.types or None, engine=engine).iri)
    if param.kind == "integer":
        if not _NUMBER.fullmatch(value):
            raise ParameterError(f"parameter '{param.name}' must be a whole number, not {value!r}")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if param.kind == "string":
        return ox.Literal(value)
    if param.kind == "iri":
        term = parse_term(value) if (value.startswith("<") or ":" in value) else None
        if not isinstance(term, ox.NamedNode):
            raise ParameterError(f"parameter '{param.name}' must be an IRI (<...> or prefix:local), not {value!r}")
        return term
    if param.kind in ("relation", "class"):
        from .ontology import load_ontology
        from .vocab import EXO

        ontology = load_ontology()
        try:
            if param.kind == "relation":
                return ox.NamedNode(str(ontology.relations[ontology.relation_named(value)].iri))
            return ox.NamedNode(str(EXO._NS) + ontology.class_named(value))
        except OntologyNameError as err:
            raise ParameterError(f"parameter '{param.name}': {err}") from None
    raise ParameterError(f"parameter '{param.name}' has unknown kind '{param.kind}'")


_HEADER_LINE = re.compile(r"#\s?(?:(title|purpose|param|example):\s*)?(.*)")
_PARAM_SPEC = re.compile(r"\?(\w+)\s*\(([^)]*)\)\s*(.*)")


def parse_named_query(name: str, text: str) -> NamedQuery:
    """Read a ``.rq`` file's header comment (title, purpose, params, examples) and keep its text."""
    fields: dict[str, list[str]] = {"title": [], "purpose": [], "param": [], "example": []}
    current = None
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        match = _HEADER_LINE.fullmatch(line)
        assert match is not None  # the pattern matches every line that starts with #
        key, rest = match.group(1), match.group(2).strip()
        if key:
            fields[key].append(rest)
            current = key
        elif current and rest:  # continuation of the previous field
            fields[current][-1] += " " + rest
    if not fields["title"] or not fields["purpose"] or not fields["example"]:
        raise QueryError(f"{name}.rq: the header needs '# title:', '# purpose:' and '# example:' lines")
    params = []
    for spec in fields["param"]:
        match = _PARAM_SPEC.fullmatch(spec)
        if not match:
            raise QueryError(f"{name}.rq: bad parameter line {spec!r}. Fix: write '# param: ?name (kind [Types], optional) what it is'")
        words = match.group(2).replace(",", " ").split()
        kind = words[0] if words else ""
        if kind not in PARAM_KINDS:
            raise QueryError(f"{name}.rq: parameter ?{match.group(1)} has unknown kind {kind!r}")
        params.append(Param(name=match.group(1), kind=kind,
                            types=tuple(w for w in words[1:] if w not in ("optional", "required")),
                            required="required" in words, doc=match.group(3).strip()))
    return NamedQuery(name=name, title=fields["title"][0], purpose=fields["purpose"][0], params=tuple(params),
                      examples=tuple(fields["example"]), text=text)


@lru_cache(maxsize=1)
def library() -> dict[str, NamedQuery]:
    """Every named query shipped in ``graph/queries``, by name."""
    folder = resources.files("graph.queries")
    out = {}
    for item in sorted(folder.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".rq"):
            name = item.name[:-3]
            out[name] = parse_named_query(name, item.read_text(encoding="utf-8"))
    return out


def named_query(name: str) -> NamedQuery:
    queries = library()
    if name not in queries:
        close = [n for n in queries if name.lower() in n or n in name.lower()]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise QueryError(f"no query named '{name}'{hint}. Fix: `exokg query --list` shows the {len(queries)} named queries")
    return queries[name]


def run_named(name: str, params: dict[str, list[str] | str] | None = None, source=None, *, engine=None,
              limit: int | None = None) -> QueryResult:
    """Run a named query with user-given parameter values (embedded, or on ``engine``)."""
    query = named_query(name)
    bindings = query.bindings(params or {}, source, engine=engine)
    if engine is not None:
        return engine.run(query.text, bindings=bindings, limit=limit)
    return run_query(query.text, source, bindings=bindings, limit=limit)


class LocalEngine:
    """The embedded pyoxigraph store as an engine (same interface as RemoteEndpoint)."""

    def __init__(self, source=None, store: ox.Store | None = None):
        from .store import open_store

        self.source = source
        self.store = store if store is not None else open_store(source)

    def run(self, text: str, *, bindings: dict[str, list] | None = None, limit: int | None = None,
            allow_service: bool = False) -> QueryResult:
        return run_query(text, store=self.store, bindings=bindings, limit=limit, allow_service=allow_service)


def read_query_text(argument: str | None, file: Path | None) -> tuple[str, NamedQuery | None]:
    """The query text from ``--file``, a library name, a path to a .rq file, or inline SPARQL."""
    if file is not None:
        if argument:
            raise QueryError("give either a query (name or text) or --file, not both. Fix: drop one")
        try:
            return Path(file).read_text(encoding="utf-8"), None
        except (OSError, UnicodeDecodeError) as err:
            raise QueryError(f"cannot read {file}: {err}. Fix: give a readable UTF-8 .rq file") from None
    if not argument:
        raise QueryError("no query given. Fix: `exokg query NAME`, `exokg query 'SELECT ...'` or `exokg query --file Q.rq`; "
                         "`exokg query --list` shows the named queries")
    if re.fullmatch(r"[A-Za-z0-9_.-]+", argument.strip()):
        name = argument.strip()
        if name.endswith(".rq") and Path(name).is_file():
            return read_query_text(None, Path(name))
        if name.upper() not in QUERY_FORMS:
            query = named_query(name)
            return query.text, query
    return argument, None


__all__ = [
    "QueryError", "QuerySyntaxError", "QueryRefused", "QueryTimeout", "ParameterError",
    "QueryResult", "NamedQuery", "Param", "LocalEngine", "library", "named_query", "run_query", "run_named",
    "bind_values", "check_policy", "format_result", "sparql_json", "sparql_xml", "sparql_csv", "sparql_tsv",
    "query_prefixes", "compact", "display", "parse_term",
]
