"""A command's start: what the shipped named queries' policy check and binding remember between
commands (issue 14, lean start). The imports of each command are checked in test_store.py
(test_read_only_commands_start_lean), `exokg --help` in test_cli.py."""
from __future__ import annotations

import subprocess
import sys

import pyoxigraph as ox
import pytest

from graph.errors import QueryRefused
from graph.sparql import text as sparql_text
from graph.sparql.library import named_query

PROBE = """
import json, sys
from graph.cli import main
from graph.sparql import text
try:
    main(sys.argv[1:])
except SystemExit as stop:
    assert not stop.code, stop.code
print(json.dumps({"compiled": text._token_re.cache_info().misses}), file=sys.stderr)
"""


def run_probe(args: list[str], cache) -> tuple[str, dict]:
    import json
    import os

    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=False,
                          env={**os.environ, "EXOKG_CACHE": str(cache)})
    assert done.returncode == 0, done.stderr
    return done.stdout, json.loads(done.stderr.strip().splitlines()[-1])


def test_a_shipped_query_is_tokenized_by_the_first_command_only(built_dir, tmp_path):
    cache = tmp_path / "cache"
    args = ["resistance", "--drug", "cisplatin", "--graph", str(built_dir)]
    first, first_probe = run_probe(args, cache)
    second, second_probe = run_probe(args, cache)
    assert first_probe["compiled"] == 1 and second_probe["compiled"] == 0
    assert first == second and "cisplatin" in second
    assert len(list((cache / "queries").glob("checked-*.marshal"))) == 1


@pytest.fixture
def fresh_memo(tmp_path, monkeypatch):
    """This process's memo of checked shipped queries, emptied and kept under tmp_path."""
    monkeypatch.setenv("EXOKG_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(sparql_text, "_MEMO", None)
    yield
    sparql_text._MEMO = None


def test_the_memo_vouches_only_for_the_exact_text_of_a_shipped_query(fresh_memo):
    import marshal

    shipped = named_query("resistance").text
    assert sparql_text.check_policy(shipped) == "SELECT"  # checked, then remembered
    update = "DELETE WHERE { ?s ?p ?o }"
    service = shipped.replace("WHERE {", "WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?x ?y ?z } ", 1)
    path = sparql_text._memo_path()
    memo = marshal.loads(path.read_bytes())
    assert set(memo) == {shipped}
    memo.update({update: ("SELECT", 0), service: ("SELECT", 0)})  # a cache that lies about other texts
    path.write_bytes(marshal.dumps(memo))
    sparql_text._MEMO = None
    for text in (update, service):
        with pytest.raises(QueryRefused):
            sparql_text.check_policy(text)


def test_a_damaged_memo_entry_is_checked_again(fresh_memo):
    import marshal

    shipped = named_query("resistance").text
    sparql_text.check_policy(shipped)
    brace = sparql_text._where_brace(shipped)
    path = sparql_text._memo_path()
    path.write_bytes(marshal.dumps({shipped: ("SELECT", brace + 1)}))  # not the WHERE brace
    sparql_text._MEMO = None
    bound = sparql_text.bind_values(shipped, {"drug": [ox.NamedNode("https://w3id.org/exokg/entity/cisplatin")]})
    assert bound[:brace + 1] == shipped[:brace + 1]
    assert bound[brace + 1:].startswith("\n  VALUES ?drug { <https://w3id.org/exokg/entity/cisplatin> }\n")
