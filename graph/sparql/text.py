"""SPARQL text: predeclared prefixes, lexing, the policy check (updates, SERVICE, size, nesting),
parameter binding and one-line syntax errors. Nothing here runs a query."""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from ..errors import ParameterError, QueryError, QueryRefused, QuerySyntaxError, QueryTimeout  # noqa: F401

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


# ---------------------------------------------------------------- prefixes


@lru_cache(maxsize=1)
def query_prefixes() -> dict[str, str]:
    """Prefixes every query may use without declaring them: the ontology's and the identifiers'
    (the shipped JSON-LD context, which a test keeps equal to :func:`graph.build.jsonld_context`)."""
    # the package's own data folder, read as a file: importlib.resources costs more to import (4 ms)
    # than every other module a question command needs from graph.sparql
    text = (Path(__file__).parent.parent / "data" / "context.jsonld").read_text(encoding="utf-8")
    context = json.loads(text)
    return dict(context.get("@context", context))


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

# U+00C0..U+FFFF, written as a negated class: a class holding that range is compiled by filling a
# 64k-entry table in Python (about 10 ms per start-up for the five below); this form compiles at once
_HIGH = r"[^\x00-\xBF\U00010000-\U0010FFFF]"
_TOKEN_PATTERN = (r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><(?:[^<>"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*>)
  | (?P<var>[?$](?:[A-Za-z0-9_\u00B7]|HIGH)+)
  | (?P<pname>(?:(?:[A-Za-z]|HIGH)(?:(?:[\w.\-\u00B7]|HIGH)*(?:[\w\-\u00B7]|HIGH))?)?:
               (?:(?:[\w\-:%\u00B7]|HIGH|\\[_~.\-!$&'()*+,;=/?\#@%]|\.(?=[\w\-:%]))*))
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<punct>.)
""".replace("HIGH", _HIGH), re.VERBOSE | re.DOTALL)


@lru_cache(maxsize=1)
def _token_re() -> re.Pattern:
    """The tokenizer, compiled on first use (1 ms): a shipped query whose check is remembered
    (:func:`_remembered`) is never tokenized."""
    return re.compile(*_TOKEN_PATTERN)


class Token(NamedTuple):  # a named tuple: a dataclass costs 0.7 ms of every start
    kind: str
    text: str
    start: int


def tokens(text: str) -> list[Token]:
    """The query's tokens, whitespace and comments dropped; unterminated strings run to the end.

    >>> [t.text for t in tokens('SELECT ?x { ?x rdfs:label "a {" } # {')]
    ['SELECT', '?x', '{', '?x', 'rdfs:label', '"a {"', '}']
    """
    return list(_tokens(text))


@lru_cache(maxsize=2)
def _tokens(text: str) -> tuple[Token, ...]:
    # kept for the last two texts: the policy check and the binding of one query read the same text
    out, pos = [], 0
    while pos < len(text):
        match = _token_re().match(text, pos)
        if match is None:  # an unterminated string: the parser will report it
            out.append(Token("string", text[pos:], pos))
            break
        kind = match.lastgroup
        assert kind is not None  # every alternative of the tokenizer is a named group
        if kind not in ("ws", "comment"):
            out.append(Token(kind, match.group(), pos))
        pos = match.end()
    return tuple(out)


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
    known = _remembered(text)
    if known is not None:  # a shipped named query, checked by an earlier command with this code
        return known[0]
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
    if text in _SHIPPED:
        _remember(text, form or "SELECT")
    return form or "SELECT"


# ---------------------------------------------------------------- the shipped queries' checks, remembered

# The texts of the shipped named queries read in this process (graph/queries, by graph.sparql.library).
_SHIPPED: set[str] = set()
_MEMO: dict[str, tuple[str, int]] | None = None


def shipped(text: str) -> str:
    """Mark ``text`` as a shipped named query: what its policy check and binding find (its form,
    the offset of its WHERE brace) is kept in the cache once, per version of this module, so the
    next commands do not tokenize it again (2 ms of every start). A text is looked up whole: any
    other text, a user's query included, is checked every time."""
    _SHIPPED.add(text)
    return text


def _memo_path() -> Path:
    import sys
    import zlib

    from ..store import cache_root

    code = zlib.crc32(Path(__file__).read_bytes())
    return cache_root() / "queries" / f"checked-{code:08x}.py{sys.version_info[0]}{sys.version_info[1]}.marshal"


def _memo() -> dict[str, tuple[str, int]]:
    global _MEMO
    if _MEMO is None:
        import marshal

        try:
            loaded = marshal.loads(_memo_path().read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            loaded = {}
        _MEMO = loaded if isinstance(loaded, dict) else {}
    return _MEMO


def _remembered(text: str) -> tuple[str, int] | None:
    if text not in _SHIPPED:
        return None
    known = _memo().get(text)
    if (not isinstance(known, tuple) or len(known) != 2 or known[0] not in QUERY_FORMS
            or not isinstance(known[1], int) or not 0 <= known[1] < len(text) or text[known[1]] != "{"):
        return None
    return known


def _remember(text: str, form: str) -> None:
    """Keep the checked shipped text's form and WHERE brace in the cache (skipped if unwritable)."""
    import marshal
    import os

    try:
        brace = _where_brace(text)
    except QuerySyntaxError:
        return
    memo = _memo()
    memo[text] = (form, brace)
    path = _memo_path()
    tmp = path.with_name(f".{path.name}.{os.urandom(4).hex()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps(memo))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


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
    known = _remembered(text)
    position = known[1] if known is not None else _where_brace(text)
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
    from ..entities import resolve_iri

    return ox.NamedNode(resolve_iri(text, source, types, engine=engine))


def _named_node(iri: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(iri)
    except ValueError as err:
        raise ParameterError(f"<{iri}> is not a valid IRI ({err}). Fix: give an absolute IRI such as <https://w3id.org/exokg/entity/CAF>") from None


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



def one_line(text: str, limit: int = 400) -> str:
    """Collapse whitespace so a message prints as one line (cut at ``limit`` characters)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "..."
