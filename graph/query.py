"""SPARQL on the ExoKG graph: the engine behind ``exokg query``, the server and the competency
commands. The code lives in :mod:`graph.sparql` (text and policy, results and formats, the named-query
library, engines); this module is its stable import path.

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

import pyoxigraph as ox  # noqa: F401 - used by the doctest above

from .errors import QueryError
from .sparql.engine import ENGINE_STACK_BYTES, Engine, LocalEngine, execute, run_query, syntax_check
from .sparql.library import (PARAM_KINDS, NamedQuery, Param, coerce, library, named_query, parse_named_query,
                             read_query_text, run_named)
from .sparql.results import (GRAPH_FORMATS, GRAPH_MEDIA, GRAPH_PARSERS, QUERY_OUTPUT_FORMATS, RESULT_MEDIA,
                             RESULT_PARSERS, ROW_SERIALIZERS, QueryResult, display, format_result, from_pyoxigraph,
                             serialize_graph, sparql_csv, sparql_json, sparql_tsv, sparql_xml, table)
from .sparql.text import (MAX_NESTING, MAX_QUERY_CHARS, QUERY_FORMS, UPDATE_KEYWORDS, XSD, ParameterError,
                          QueryRefused, QuerySyntaxError, QueryTimeout, Token, bind_values, check_policy, compact,
                          dataset_clauses, explain_syntax_error, nesting_depth, one_line, parse_term, query_form,
                          query_prefixes, tokens, uses_service)

__all__ = [
    "QueryError", "QuerySyntaxError", "QueryRefused", "QueryTimeout", "ParameterError",
    "QueryResult", "NamedQuery", "Param", "Engine", "LocalEngine", "library", "named_query", "run_query", "run_named",
    "execute", "syntax_check", "coerce", "parse_named_query", "read_query_text", "PARAM_KINDS",
    "bind_values", "check_policy", "format_result", "sparql_json", "sparql_xml", "sparql_csv", "sparql_tsv", "table",
    "serialize_graph", "from_pyoxigraph", "display", "GRAPH_FORMATS", "ROW_SERIALIZERS", "QUERY_OUTPUT_FORMATS",
    "RESULT_MEDIA", "GRAPH_MEDIA", "RESULT_PARSERS", "GRAPH_PARSERS", "ENGINE_STACK_BYTES",
    "query_prefixes", "compact", "parse_term", "tokens", "Token", "query_form", "uses_service", "nesting_depth",
    "dataset_clauses", "explain_syntax_error", "one_line", "MAX_NESTING", "MAX_QUERY_CHARS", "QUERY_FORMS",
    "UPDATE_KEYWORDS", "XSD",
]
