"""Query answers: the QueryResult, the SPARQL 1.1 result serializers and the table for people, and
the one table of output formats and media types that `exokg query`, the server and the remote
client share."""
from __future__ import annotations

import json
from itertools import islice
from typing import cast

import pyoxigraph as ox

from ..errors import FormatError
from ..output import render
from ..terms import term_value
from .text import XSD, compact, query_prefixes

# ---------------------------------------------------------------- results


class QueryResult:
    """The answer to a query: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT/DESCRIBE).

    A plain class, not a dataclass: making a dataclass costs 0.7 ms at the start of every command."""

    __slots__ = ("form", "variables", "rows", "boolean", "triples", "truncated")

    def __init__(self, form: str, variables: list[str] | None = None, rows: list[tuple] | None = None,
                 boolean: bool | None = None, triples: list | None = None, truncated: bool = False):
        self.form = form  # "SELECT", "ASK" or "GRAPH"
        self.variables: list[str] = [] if variables is None else variables
        self.rows: list[tuple] = [] if rows is None else rows  # pyoxigraph terms or None, in variable order
        self.boolean = boolean
        self.triples: list = [] if triples is None else triples
        self.truncated = truncated

    def _fields(self) -> tuple:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return self._fields() == other._fields() if isinstance(other, QueryResult) else NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was

    def __repr__(self) -> str:
        return "QueryResult(" + ", ".join(f"{name}={value!r}" for name, value in zip(self.__slots__, self._fields())) + ")"

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


def xml_escape(text: str) -> str:
    """Text escaped for XML content (as xml.sax.saxutils.escape, whose import pulls in urllib and ssl)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """An XML attribute value in double quotes (as xml.sax.saxutils.quoteattr with default entities)."""
    text = xml_escape(text).replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")
    if '"' not in text:
        return f'"{text}"'
    return f"'{text}'" if "'" not in text else '"' + text.replace('"', "&quot;") + '"'


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
    import csv
    import io

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
        return cast(bytes, ox.serialize(result.triples, format=rdf_format, prefixes=used))  # no output: bytes
    return cast(bytes, ox.serialize(result.triples, format=rdf_format))


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



# The one table of media types: what the server sends for each format, what it accepts in an Accept
# header, and how a remote endpoint's answer is parsed.
RESULT_MEDIA = {  # media type asked for -> (format, content type sent)
    "application/sparql-results+json": ("json", "application/sparql-results+json"),
    "application/json": ("json", "application/sparql-results+json"),
    "application/sparql-results+xml": ("xml", "application/sparql-results+xml"),
    "application/xml": ("xml", "application/sparql-results+xml"),
    "text/xml": ("xml", "application/sparql-results+xml"),
    "text/csv": ("csv", "text/csv; charset=utf-8"),
    "text/tab-separated-values": ("tsv", "text/tab-separated-values; charset=utf-8"),
}
GRAPH_MEDIA = {
    "text/turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/x-turtle": ("turtle", "text/turtle; charset=utf-8"),
    "application/n-triples": ("ntriples", "application/n-triples"),
    "text/plain": ("ntriples", "application/n-triples"),
    "application/ld+json": ("jsonld", "application/ld+json"),
    "application/json": ("jsonld", "application/ld+json"),
    "application/rdf+xml": ("rdfxml", "application/rdf+xml"),
}
RESULT_PARSERS = {  # content type received -> pyoxigraph results format
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_PARSERS = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "text/plain": ox.RdfFormat.N_TRIPLES,
}
