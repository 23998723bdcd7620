"""SHACL validation of the built graph, reported by category rather than as a flood: one line per
(shape, message, severity) with the number of results and a few example focus nodes.

``ontology/shapes.ttl`` is the source of truth. Its shapes are compiled to SPARQL SELECT queries,
one per constraint, and run on the pyoxigraph store that every command already uses (chosen by
measurement over pySHACL, pyshacl-turbo and pyrudof: BENCHMARKS.md, ``scripts/bench_validate.py``).
Counts on single properties of the same focus nodes share one GROUP BY query (:func:`batched`), and
class tests on a property run once per distinct value (BENCHMARKS.md, "The compiler at scale").
Each solution of a query is one validation result; results of severity ``sh:Violation`` make the
graph non-conforming, ``sh:Warning`` and ``sh:Info`` are reported but do not.

Supported: the targets ``sh:targetClass`` (with subclasses), ``sh:targetNode``,
``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and implicit class targets; property shapes with any
SHACL path; the core components listed in :data:`VALUE_COMPONENTS`, ``sh:minCount``,
``sh:maxCount`` and ``sh:hasValue``; SPARQL-based constraints (``sh:sparql`` with ``sh:select``,
``sh:prefixes``/``sh:declare`` and ``$PATH``). ``$this`` is joined with the shape's focus nodes, so
it must be bound by a triple pattern of the query (as in every query of our shapes). Anything else
found in the shapes (``sh:closed``, ``sh:qualifiedValueShape``, ``sh:equals`` ...) is refused with a
:class:`~graph.errors.ShapesError` naming it and its line, rather than silently skipped.

The data is the store's default graph (the curated review with the ontology beside it); named graphs
of loaded or imported sources are not checked against ExoKG's shapes. pySHACL stays available as a
reference engine (:func:`validate_graph_pyshacl`, ``exokg validate --engine pyshacl``); a test checks
that both engines report the same results on broken graphs.
"""
from __future__ import annotations

import re
from dataclasses import replace, dataclass, field
from functools import lru_cache
from importlib import resources
from typing import cast

import pyoxigraph as ox

from .errors import ShapesError

SHAPES_FILE = "shapes.ttl"
SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
TYPE = f"<{RDF}type>"
INSTANCE_OF = f"{TYPE}/<{RDFS}subClassOf>*"

# components checked on each value node, as a SPARQL boolean expression over that node
VALUE_COMPONENTS = ("class", "datatype", "nodeKind", "in", "hasValue", "minLength", "maxLength", "pattern",
                    "minInclusive", "maxInclusive", "minExclusive", "maxExclusive", "or", "and", "not", "xone", "node")
COUNT_COMPONENTS = ("minCount", "maxCount")
TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")
SPARQL_TARGET_PARAMETERS = ("select", "prefixes")
# parameters that are not constraints of their own (flags belongs to pattern)
SHAPE_PARAMETERS = ("message", "severity", "name", "description", "order", "group", "deactivated", "defaultValue",
                    "flags", "property", "path", "sparql", "declare", "prefixes")
SPARQL_PARAMETERS = ("select", "message", "prefixes", "deactivated")
PATH_PARAMETERS = ("inversePath", "alternativePath", "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath")
# datatypes whose lexical form pyoxigraph can check by casting (an ill-formed literal fails the cast)
CASTABLE = {f"{XSD}{name}" for name in ("string", "boolean", "integer", "decimal", "float", "double", "dateTime",
                                        "date", "time", "duration", "int", "long", "short", "byte",
                                        "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                        "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort",
                                        "unsignedByte", "dayTimeDuration", "yearMonthDuration")}
NODE_KINDS = {"IRI": "isIRI({v})", "BlankNode": "isBlank({v})", "Literal": "isLiteral({v})",
              "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))", "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
              "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))"}
COMPARISONS = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}
SEVERITY_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass
class Category:
    shape: str
    message: str
    severity: str
    focus_nodes: list[str] = field(default_factory=list)


@dataclass
class ValidationReport:
    conforms: bool
    categories: list[Category]
    results: int

    @property
    def violations(self) -> int:
        return sum(len(c.focus_nodes) for c in self.categories if c.severity == "Violation")

    def summary(self, examples: int = 3) -> str:
        if not self.results:
            return "conforms: 0 violations"
        others = self.results - self.violations
        if self.conforms:
            head = (f"conforms: 0 violations; {others} warning(s) or info(s) in {len(self.categories)} "
                    "categor(ies) (incomplete claims: minimum information per claim type)")
        else:
            head = (f"does not conform: {self.violations} violation(s)" + (f" and {others} other result(s)" if others
                                                                            else "")
                    + f" in {len(self.categories)} categor(ies)")
        lines = [head]
        for cat in self.categories:
            shown = ", ".join(cat.focus_nodes[:examples])
            more = f" (+{len(cat.focus_nodes) - examples} more)" if len(cat.focus_nodes) > examples else ""
            lines.append(f"  [{cat.severity}] {cat.shape}: {cat.message} x{len(cat.focus_nodes)}: {shown}{more}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Check:
    """One compiled constraint: its SELECT query (binding ?this, and ?value where there is one) and
    what each solution is reported as."""
    shape: str
    message: str
    severity: str
    component: str
    query: str
    counts: tuple[int, int | None] | None = None  # (minCount, maxCount) of a count check, which selects ?n
    # a count on one property (not a longer path): its focus pattern, property and prefix lines, so that
    # validate_store counts every such property of one focus in a single pass (:func:`batched`)
    batch: tuple[str, str, str] | None = None


def shapes_text() -> str:
    return resources.files("graph.owl").joinpath(SHAPES_FILE).read_text(encoding="utf-8")


def short_name(node) -> str:
    """How the report names a term: ExoKG IRIs by their last segment, other IRIs in full."""
    text = node.value if isinstance(node, (ox.NamedNode, ox.BlankNode, ox.Literal)) else str(node)
    if isinstance(node, ox.BlankNode):
        return f"_:{text}"
    return text.rsplit("/", 1)[-1] if text.startswith("https://w3id.org/exokg/") else text


def _report(rows) -> ValidationReport:
    """Group (shape, message, severity, focus) rows into sorted categories."""
    categories: dict[tuple[str, str, str], Category] = {}
    count = 0
    for shape, message, severity, focus in rows:
        count += 1
        categories.setdefault((shape, message, severity), Category(shape, message, severity)).focus_nodes.append(focus)
    ordered = sorted(categories.values(), key=lambda c: (SEVERITY_RANK.get(c.severity, 3), -len(c.focus_nodes),
                                                         c.shape, c.message))
    for cat in ordered:
        cat.focus_nodes.sort()
    conforms = not any(c.severity == "Violation" for c in ordered)
    return ValidationReport(conforms=conforms, categories=ordered, results=count)


class _Compiler:
    """Reads a shapes graph and turns each constraint into a :class:`Check`."""

    def __init__(self, text: str, source: str):
        self.text, self.source = text, source
        try:
            triples = ox.parse(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
            self.props: dict = {}
            for t in triples:
                self.props.setdefault(t.subject, {}).setdefault(t.predicate.value, []).append(t.object)
        except SyntaxError as err:
            raise ShapesError(f"{source}: not valid Turtle ({err}). Fix: correct the shapes file") from err
        self.checks: list[Check] = []

    # --- reading the shapes graph ---------------------------------------------------------------
    def values(self, node, name: str, ns: str = SH) -> list:
        return self.props.get(node, {}).get(ns + name, [])

    def one(self, node, name: str, ns: str = SH):
        found = self.values(node, name, ns)
        return found[0] if found else None

    def items(self, head) -> list:
        out, seen = [], set()
        while head is not None and head != ox.NamedNode(f"{RDF}nil") and head not in seen:
            seen.add(head)
            first = self.one(head, "first", RDF)
            if first is None:
                raise self.error("rest", "an RDF list is broken (a node without rdf:first)", "write lists as ( ... )")
            out.append(first)
            head = self.one(head, "rest", RDF)
        return out

    def line_of(self, word: str) -> int:
        for number, line in enumerate(self.text.splitlines(), 1):
            if re.search(rf"\bsh:{re.escape(word)}\b|{re.escape(SH + word)}", line):
                return number
        return 1

    def error(self, word: str, problem: str, fix: str) -> ShapesError:
        return ShapesError(f"{self.source}:{self.line_of(word)}: {problem}. Fix: {fix}")

    def unsupported(self, word: str, where: str) -> ShapesError:
        return self.error(word, f"sh:{word} ({where}) is not supported by ExoKG's SHACL-to-SPARQL validator",
                          "express the constraint with a supported component or an sh:sparql constraint, or extend "
                          "graph/validate.py (run `exokg validate --engine pyshacl` meanwhile)")

    def check_parameters(self, node, allowed, where: str) -> None:
        for predicate in self.props.get(node, {}):
            if predicate.startswith(SH) and predicate[len(SH):] not in allowed:
                raise self.unsupported(predicate[len(SH):], where)

    # --- compiling ------------------------------------------------------------------------------
    def compile(self) -> list[Check]:
        shapes = {s for s, p in self.props.items()
                  if any(ox.NamedNode(SH + k) in p.get(f"{RDF}type", []) for k in ("NodeShape", "PropertyShape"))
                  or any(SH + t in p for t in TARGETS)}
        for shape in sorted(shapes, key=str):
            self.check_parameters(shape, VALUE_COMPONENTS + COUNT_COMPONENTS + TARGETS + SHAPE_PARAMETERS, "a shape")
            if self.deactivated(shape):
                continue
            focus = self.targets(shape)
            if focus is None:
                continue
            first = len(self.checks)
            self.constraints(shape, shape, focus)
            for prop in self.values(shape, "property"):
                self.check_parameters(prop, VALUE_COMPONENTS + COUNT_COMPONENTS + SHAPE_PARAMETERS, "a property shape")
                if not self.deactivated(prop):
                    self.constraints(prop, prop, focus)
            declared = [line for target in self.values(shape, "target") for line in self.declarations(target)]
            if declared:  # an SPARQL target's prefixes go in front of every query that uses it
                self.checks[first:] = [replace(c, query="\n".join(declared + [c.query]),
                                               batch=c.batch and (c.batch[0], c.batch[1], "\n".join(declared)))
                                       for c in self.checks[first:]]
        return self.checks

    def deactivated(self, node) -> bool:
        flag = self.one(node, "deactivated")
        return flag is not None and flag.value == "true"

    def targets(self, shape) -> str | None:
        parts = [f"?this {INSTANCE_OF} {c}" for c in self.values(shape, "targetClass")]
        classes = self.values(shape, "type", RDF)
        if ox.NamedNode(f"{RDFS}Class") in classes or ox.NamedNode(f"{OWL}Class") in classes:
            parts.append(f"?this {INSTANCE_OF} {shape}")
        parts += [f"VALUES ?this {{ {self.term(n, 'targetNode')} }}" for n in self.values(shape, "targetNode")]
        parts += [f"?this {p} ?target_" for p in self.values(shape, "targetSubjectsOf")]
        parts += [f"?target_ {p} ?this" for p in self.values(shape, "targetObjectsOf")]
        for target in self.values(shape, "target"):  # SHACL-AF SPARQL-based targets
            self.check_parameters(target, SPARQL_TARGET_PARAMETERS, "an sh:target")
            select = self.one(target, "select")
            if select is None or ox.NamedNode(SH + "SPARQLTarget") not in self.values(target, "type", RDF):
                raise self.error("target", "an sh:target is not an sh:SPARQLTarget with an sh:select",
                                 "write sh:target [ a sh:SPARQLTarget ; sh:select \"SELECT ?this WHERE { ... }\" ]")
            parts.append("{ " + select.value.strip() + " }")
        if not parts:
            return None
        return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(f"{{ {p} }}" for p in parts) + " } }"

    def term(self, node, word: str) -> str:
        if isinstance(node, ox.BlankNode):
            raise self.error(word, f"sh:{word} names a blank node, which no query can match",
                             "use an IRI or a literal")
        return str(node)

    def path(self, node) -> str:
        if isinstance(node, ox.NamedNode):
            return str(node)
        if isinstance(node, ox.Literal):
            raise self.error("path", f"a path is a literal ({node})", "use an IRI or a SHACL path")
        if self.one(node, "first", RDF) is not None:
            steps = self.items(node)
            if len(steps) < 2:
                raise self.error("path", "a sequence path has fewer than two steps", "write the single step alone")
            return "(" + "/".join(self.path(step) for step in steps) + ")"
        self.check_parameters(node, PATH_PARAMETERS, "a path")
        if (inner := self.one(node, "inversePath")) is not None:
            return f"^{self.path(inner)}"
        if (inner := self.one(node, "alternativePath")) is not None:
            return "(" + "|".join(self.path(step) for step in self.items(inner)) + ")"
        for word, op in (("zeroOrMorePath", "*"), ("oneOrMorePath", "+"), ("zeroOrOnePath", "?")):
            if (inner := self.one(node, word)) is not None:
                return f"({self.path(inner)}){op}"
        raise self.error("path", "a path node has no recognised form", "use an IRI, a list or sh:inversePath ...")

    def constraints(self, shape, source, focus: str) -> None:
        """The checks of one shape: ``source`` is reported; its value nodes are the focus nodes
        themselves (node shape) or the values of its path (property shape)."""
        path_node = self.one(shape, "path")
        path = self.path(path_node) if path_node is not None else None
        name = short_name(path_node) if isinstance(path_node, ox.NamedNode) else (path or short_name(source))
        severity = short_name(self.one(shape, "severity") or ox.NamedNode(f"{SH}Violation")).split("#")[-1]
        message = self.one(shape, "message")
        message = message.value if message is not None else None

        def add(component: str, query: str, default: str) -> None:
            self.checks.append(Check(name, message or default, severity, component, query))

        values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
        # sh:minCount and sh:maxCount of one path are counted by one query (half the scans)
        lows = [int(v.value) for v in self.values(shape, "minCount")]
        highs = [int(v.value) for v in self.values(shape, "maxCount")]
        if (lows or highs) and path is None:
            raise self.error("minCount" if lows else "maxCount", "a count on a node shape has no path to count",
                             "move it into sh:property")
        low, high = max(lows, default=0), min(highs, default=None)
        # a single property has each value once per node, so counting needs no DISTINCT (no hash set per node)
        count = "COUNT(?any_)" if isinstance(path_node, ox.NamedNode) else "COUNT(DISTINCT ?any_)"
        if low == 1 and high is None:
            query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} ?any_ }} }}"
        elif low or high is not None:
            limits = " || ".join(([f"{count} < {low}"] if low else []) + ([f"{count} > {high}"] if high is not None
                                                                          else []))
            pattern = f"OPTIONAL {{ ?this {path} ?any_ }}" if low else f"?this {path} ?any_"
            query = f"SELECT ?this ({count} AS ?n) WHERE {{ {focus} {pattern} }} GROUP BY ?this HAVING ({limits})"
        if low or high is not None:
            batch = (focus, str(path_node), "") if isinstance(path_node, ox.NamedNode) else None
            self.checks.append(Check(name, message or "", severity, "count", query, (low, high), batch))
        for word in VALUE_COMPONENTS:
            for arg in self.values(shape, word):
                if word == "hasValue" and path:
                    query = f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ ?this {path} {self.term(arg, word)} }} }}"
                else:
                    query = self.value_query(shape, word, arg, focus, values, path_node, path)
                add(word, query, f"sh:{word} {short_name(arg)} is not met")
        for constraint in self.values(shape, "sparql"):
            self.check_parameters(constraint, SPARQL_PARAMETERS, "an sh:sparql constraint")
            if self.deactivated(constraint):
                continue
            own = self.one(constraint, "message")
            self.checks.append(Check(name, own.value if own is not None else message or "SPARQL constraint not met",
                                     severity, "sparql", self.sparql(constraint, focus, path)))

    def value_query(self, shape, word: str, arg, focus: str, values: str, path_node, path: str | None) -> str:
        """The query of a component checked on each value node (``values`` binds ?value)."""
        if word == "class":  # MINUS: the class test runs once over all nodes, not once per value
            failing = f"MINUS {{ ?value {INSTANCE_OF} {self.term(arg, word)} }}"
        else:
            failing = f"FILTER(!COALESCE({self.value_test(shape, word, arg, '?value')}, false))"
        if isinstance(path_node, ox.NamedNode) and (word == "class" or INSTANCE_OF in failing):
            # a class test (alone or inside sh:or, sh:not ...) on one property: the property's distinct values
            # in the whole graph are tested first, each once (context values are hubs shared by many nodes;
            # pyoxigraph ran the test once per focus node, growing faster than the graph), and only the
            # failing values are joined with the focus nodes. GROUP BY, not DISTINCT: pyoxigraph pushes a
            # FILTER into a DISTINCT subquery, which would test every value again
            distinct = f"SELECT ?value WHERE {{ ?any_ {path} ?value }} GROUP BY ?value"
            return (f"SELECT DISTINCT ?this ?value WHERE {{ {{ SELECT ?value WHERE {{ {{ {distinct} }} {failing} }} }} "
                    f"{focus} {values} }}")
        return f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {values} {failing} }}"

    def value_test(self, shape, word: str, arg, v: str) -> str:
        """A SPARQL expression, true when the node in variable ``v`` meets ``sh:word arg``."""
        if word == "class":
            return f"EXISTS {{ {v} {INSTANCE_OF} {self.term(arg, word)} }}"
        if word == "datatype":
            test = f"(isLiteral({v}) && datatype({v}) = {arg}"
            return test + (f" && isLiteral({arg}({v})))" if arg.value in CASTABLE else ")")
        if word == "nodeKind":
            kind = arg.value.removeprefix(SH)
            if kind not in NODE_KINDS:
                raise self.error(word, f"unknown node kind {arg}", f"use sh:{', sh:'.join(NODE_KINDS)}")
            return NODE_KINDS[kind].format(v=v)
        if word == "in":
            allowed = [self.term(t, word) for t in self.items(arg)]
            return "(" + (" || ".join(f"sameTerm({v}, {t})" for t in allowed) or "false") + ")"
        if word == "hasValue":
            return f"sameTerm({v}, {self.term(arg, word)})"
        if word in ("minLength", "maxLength"):
            return f"(!isBlank({v}) && STRLEN(STR({v})) {'>=' if word == 'minLength' else '<='} {int(arg.value)})"
        if word == "pattern":
            flags = self.one(shape, "flags")
            extra = f", {str(ox.Literal(flags.value))}" if flags is not None else ""
            return f"(!isBlank({v}) && REGEX(STR({v}), {str(ox.Literal(arg.value))}{extra}))"
        if word in COMPARISONS:
            return f"({v} {COMPARISONS[word]} {self.term(arg, word)})"
        if word in ("or", "and", "xone"):
            members = [self.conforms(member, v) for member in self.items(arg)]
            if word == "xone":
                return "(" + " + ".join(f"IF({m}, 1, 0)" for m in members) + " = 1)"
            return "(" + f" {'||' if word == 'or' else '&&'} ".join(members or ["true" if word == "and" else "false"]) + ")"
        if word == "not":
            return f"!{self.conforms(arg, v)}"
        return self.conforms(arg, v)  # sh:node

    def conforms(self, shape, v: str) -> str:
        """True when the node in ``v`` conforms to ``shape``, which may hold only value components."""
        self.check_parameters(shape, VALUE_COMPONENTS + ("message", "severity", "name", "description", "flags"),
                              "a shape inside sh:or/sh:and/sh:not/sh:xone/sh:node, which may test only the node itself")
        tests = [self.value_test(shape, w, a, v) for w in VALUE_COMPONENTS for a in self.values(shape, w)]
        return "COALESCE(" + (" && ".join(tests) or "true") + ", false)"

    def declarations(self, node) -> list[str]:
        """PREFIX lines for the sh:prefixes of an SPARQL constraint or target."""
        prefixes = []
        for holder in self.values(node, "prefixes"):
            for declaration in self.values(holder, "declare"):
                prefix, namespace = self.one(declaration, "prefix"), self.one(declaration, "namespace")
                if prefix is None or namespace is None:
                    raise self.error("declare", "an sh:declare lacks sh:prefix or sh:namespace", "give it both")
                prefixes.append(f"PREFIX {prefix.value}: <{namespace.value}>")
        return prefixes

    def sparql(self, constraint, focus: str, path: str | None) -> str:
        select = self.one(constraint, "select")
        if select is None:
            raise self.error("sparql", "an sh:sparql constraint has no sh:select", "give it a SELECT query")
        text = select.value
        for variable in ("$currentShape", "$shapesGraph", "?currentShape", "?shapesGraph"):
            if variable in text:
                raise self.error("select", f"the SPARQL constraint uses {variable}",
                                 "rewrite it without the shapes graph, which the data store does not hold")
        if "$PATH" in text:
            if path is None:
                raise self.error("select", "$PATH is used in a constraint of a node shape", "move it to a property shape")
            text = text.replace("$PATH", path)
        prefixes = self.declarations(constraint)
        # the query's own PREFIX/BASE lines must stay in front when it becomes a subquery
        head = re.match(r"\s*((?:(?:PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*)", text, re.IGNORECASE)
        assert head is not None  # every part of the pattern is optional, so it matches at the start of any text
        body = text[head.end():]
        return "\n".join(prefixes + [head.group(1), f"SELECT DISTINCT ?this ?value WHERE {{ {focus} {{ {body} }} }}"])


@lru_cache(maxsize=8)
def compile_shapes(text: str | None = None, source: str = f"ontology/{SHAPES_FILE}") -> tuple[Check, ...]:
    """The checks of a shapes graph in Turtle (default: ExoKG's shapes); ShapesError for anything
    the compiler does not support.

    >>> checks = compile_shapes()
    >>> sorted({c.component for c in checks})  # doctest: +NORMALIZE_WHITESPACE
    ['class', 'count', 'datatype', 'in', 'maxInclusive', 'minInclusive', 'minLength', 'nodeKind', 'or',
     'sparql']
    """
    return tuple(_Compiler(shapes_text() if text is None else text, source).compile())


def batched(checks) -> list[tuple[str, list[Check]]]:
    """The queries that run ``checks``: each count on one property alone (sh:minCount/sh:maxCount)
    is merged with the other such counts of the same focus nodes into one query, which lists the
    focus nodes once and counts every property in one GROUP BY (a VALUES row per check, ?k_ its
    number); every other check runs its own query."""
    plans: list[tuple[str, list[Check]]] = []
    groups: dict[tuple[str, str], list[Check]] = {}
    for check in checks:
        if check.batch is None:
            plans.append((check.query, [check]))
        else:
            groups.setdefault((check.batch[0], check.batch[2]), []).append(check)
    for (focus, head), group in groups.items():
        if len(group) == 1:
            plans.append((group[0].query, group))
            continue
        rows, limits = [], []
        for k, check in enumerate(group):
            assert check.batch is not None and check.counts is not None
            low, high = check.counts
            rows.append(f"({k} {check.batch[1]})")
            bounds = ([f"COUNT(?any_) < {low}"] if low else []) + ([f"COUNT(?any_) > {high}"] if high is not None else [])
            limits.append(f"(?k_ = {k} && ({' || '.join(bounds)}))")
        query = (f"SELECT ?this ?k_ (COUNT(?any_) AS ?n) WHERE {{ {focus} VALUES (?k_ ?p_) {{ {' '.join(rows)} }} "
                 f"OPTIONAL {{ ?this ?p_ ?any_ }} }} GROUP BY ?this ?k_ HAVING ({' || '.join(limits)})")
        plans.append(("\n".join(filter(None, [head, query])), group))
    return plans


def validate_store(store: ox.Store, shapes: str | None = None, source: str = f"ontology/{SHAPES_FILE}"
                   ) -> ValidationReport:
    """Validate the default graph of ``store`` (the data with the ontology beside it, as
    :func:`graph.store.open_store` gives it) against ``shapes`` (Turtle; default: ExoKG's shapes)."""
    rows = []
    for query, checks in batched(compile_shapes(shapes, source)):
        try:
            solutions = cast(ox.QuerySolutions, store.query(query))  # a SELECT query
        except (SyntaxError, OSError) as err:
            check = checks[0]
            raise ShapesError(f"{source}: the {check.component} constraint of {check.shape} does not run "
                              f"({err}). Fix: correct its SPARQL") from err
        for solution in solutions:
            check = checks[int(solution["k_"].value)] if len(checks) > 1 else checks[0]
            focus = short_name(solution["this"])
            if check.counts is None:
                rows.append((check.shape, check.message, check.severity, focus))
                continue
            (low, high), n = check.counts, int(solution["n"].value) if solution["n"] is not None else 0
            if n < low:
                rows.append((check.shape, check.message or f"fewer than {low} value(s)", check.severity, focus))
            if high is not None and n > high:
                rows.append((check.shape, check.message or f"more than {high} value(s)", check.severity, focus))
    return _report(rows)


def data_store(data: bytes | str, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES, ontology: bool = True) -> ox.Store:
    """An in-memory store of ``data`` (RDF text or a file path) with ExoKG's ontology beside it."""
    store = ox.Store()
    if isinstance(data, bytes):
        store.bulk_load(data, format=format)
    else:
        store.bulk_load(path=str(data), format=format)
    if ontology:
        store.bulk_load(resources.files("graph.owl").joinpath("exokg.ttl").read_bytes(), format=ox.RdfFormat.TURTLE)
    return store


def validate_graph(data, shapes: str | None = None) -> ValidationReport:
    """Validate an rdflib Graph (with the ontology mixed in) by the SPARQL engine."""
    return validate_store(data_store(data.serialize(format="nt", encoding="utf-8")), shapes)


def validate_graph_pyshacl(data, shapes: str | None = None) -> ValidationReport:
    """The same report by pySHACL (the reference engine; slow: tens of seconds on the curated graph).

    The union with the ontology is made here rather than through pySHACL's ``ont_graph``, which
    did not expose the relations' annotation properties (exo:effectSign) to SPARQL constraints.
    """
    from pyshacl import validate as shacl_validate
    from rdflib import Graph
    from rdflib.namespace import RDF as R
    from rdflib.namespace import SH as S

    combined = Graph()
    for triple in data:
        combined.add(triple)
    combined.parse(data=resources.files("graph.owl").joinpath("exokg.ttl").read_text(encoding="utf-8"),
                   format="turtle")
    _, report, _ = shacl_validate(combined, shacl_graph=Graph().parse(data=shapes or shapes_text(), format="turtle"),
                                  advanced=True, inference="none", allow_warnings=True)
    rows = []
    # top-level results only: results nested under sh:detail (pySHACL adds those of sh:node) are not ours
    for result in report.objects(next(report.subjects(R.type, S.ValidationReport)), S.result):
        path = report.value(result, S.resultPath)
        # property shapes are blank nodes, so a result is named by its path when it has one
        shape = _rd_path(report, path) if path is not None else _rd_short(report.value(result, S.sourceShape))
        rows.append((shape, str(report.value(result, S.resultMessage) or ""),
                     _rd_short(report.value(result, S.resultSeverity)).split("#")[-1],
                     _rd_short(report.value(result, S.focusNode))))
    return _report(rows)


def _rd_path(graph, node) -> str:
    """A path of pySHACL's report named as :meth:`_Compiler.path` names it: an IRI by
    :func:`short_name`, any other path by its SPARQL property path."""
    from rdflib import BNode, URIRef
    from rdflib.collection import Collection
    from rdflib.namespace import RDF as R

    def sparql(step) -> str:
        if isinstance(step, URIRef):
            return f"<{step}>"
        if graph.value(step, R.first) is not None:
            return "(" + "/".join(sparql(s) for s in Collection(graph, step)) + ")"
        for word, (before, after) in {"inversePath": ("^", ""), "zeroOrMorePath": ("(", ")*"),
                                      "oneOrMorePath": ("(", ")+"), "zeroOrOnePath": ("(", ")?")}.items():
            if (inner := graph.value(step, URIRef(SH + word))) is not None:
                return before + sparql(inner) + after
        inner = graph.value(step, URIRef(SH + "alternativePath"))
        return "(" + "|".join(sparql(s) for s in Collection(graph, inner)) + ")"

    return sparql(node) if isinstance(node, BNode) else _rd_short(node)


def _rd_short(node) -> str:
    from rdflib import BNode

    return f"_:{node}" if isinstance(node, BNode) else short_name(str(node))

