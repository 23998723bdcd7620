"""The named-query library: the documented ``graph/queries/*.rq`` files, their parameters and how
user-given values become RDF terms."""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from ..errors import OntologyNameError, QueryError
from .engine import run_query
from .results import QueryResult
from .text import _NUMBER, QUERY_FORMS, XSD, ParameterError, parse_term, query_form, shipped

# ---------------------------------------------------------------- the named-query library

PARAM_KINDS = ("entity", "iri", "string", "integer", "relation", "class")


# named tuples, not dataclasses: making a dataclass costs 0.7 ms at every start of a command
class Param(NamedTuple):
    name: str
    kind: str
    types: tuple[str, ...] = ()
    required: bool = False
    doc: str = ""

    def describe(self) -> str:
        kind = self.kind + (f" {'/'.join(self.types)}" if self.types else "")
        return f"{self.name} ({kind}, {'required' if self.required else 'optional'}): {self.doc}"


class NamedQuery(NamedTuple):
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
        import shlex

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
        from ..entities import resolve_iri

        if value.startswith("<") and value.endswith(">"):
            value = value[1:-1]
        return ox.NamedNode(resolve_iri(value, source, param.types or None, engine=engine))
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
        from ..ontology import load_ontology
        from ..vocab import EXO_NS

        ontology = load_ontology()
        try:
            if param.kind == "relation":
                return ox.NamedNode(ontology.relations[ontology.relation_named(value)].uri)
            return ox.NamedNode(EXO_NS + ontology.class_named(value))
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
        assert match is not None  # "#" then anything on one line: the pattern fits every comment line
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


QUERY_FOLDER = Path(__file__).parent.parent / "queries"  # a folder of the package (see query_prefixes)


@lru_cache(maxsize=1)
def library() -> dict[str, NamedQuery]:
    """Every named query shipped in ``graph/queries``, by name."""
    out = {}
    for item in sorted(QUERY_FOLDER.iterdir(), key=lambda p: p.name):
        if item.name.endswith(".rq"):
            name = item.name[:-3]
            out[name] = parse_named_query(name, shipped(item.read_text(encoding="utf-8")))
    return out


@lru_cache(maxsize=None)
def _shipped(name: str) -> NamedQuery | None:
    """One named query read from its own file (a command runs one or two: the library is read
    whole only to list it, or to suggest a name)."""
    if f"{name}.rq" not in {entry.name for entry in os.scandir(QUERY_FOLDER)}:
        return None
    return parse_named_query(name, shipped((QUERY_FOLDER / f"{name}.rq").read_text(encoding="utf-8")))


def named_query(name: str) -> NamedQuery:
    found = _shipped(name)
    if found is not None:
        return found
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
