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


ENDS_PROBE = ("import atexit, sys\natexit.register(lambda: print('TEARDOWN', file=sys.stderr))\n"
              "from graph.cli import main\nmain()\n")


@pytest.mark.parametrize("args", [["resistance", "--drug", "cisplatin"], ["show", "miR-522", "--format", "json"],
                                  ["query", "resistance", "--param", "drug=cisplatin", "--format", "csv"]],
                         ids=lambda a: a[0])
def test_a_read_only_command_ends_at_once_with_all_its_output(built_dir, capsys, args):
    """Run as the console script runs it (main() without argv), a read-only command ends the
    process once its output is flushed, skipping the interpreter's teardown (atexit handlers
    included), and prints what it prints when main() returns."""
    from tests.conftest import run_cli

    code, out, _ = run_cli(capsys, *args, "--graph", str(built_dir))
    done = subprocess.run([sys.executable, "-c", ENDS_PROBE, *args, "--graph", str(built_dir)], capture_output=True,
                          check=False)  # bytes: SPARQL CSV lines end in CRLF
    assert code == 0 and done.returncode == 0
    assert done.stdout.decode() == out and len(out.splitlines()) > 3
    assert b"TEARDOWN" not in done.stderr


def test_other_commands_and_errors_exit_as_usual(built_dir):
    stats = subprocess.run([sys.executable, "-c", ENDS_PROBE, "stats", "--graph", str(built_dir)], capture_output=True,
                           text=True, check=False)
    assert stats.returncode == 0 and stats.stdout and "TEARDOWN" in stats.stderr
    wrong = subprocess.run([sys.executable, "-c", ENDS_PROBE, "resistance", "--drug", "no such drug", "--graph",
                            str(built_dir)], capture_output=True, text=True, check=False)
    assert wrong.returncode == 1 and wrong.stdout == ""
    assert wrong.stderr.startswith("error: no entity of type Drug matches 'no such drug'") and "TEARDOWN" in wrong.stderr


def test_a_reader_that_goes_away_early_is_not_an_error(built_dir):
    """`exokg query ... | head -1`: the command exits 0, with nothing on stderr."""
    process = subprocess.Popen([sys.executable, "-m", "graph.cli", "query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
                                "--graph", str(built_dir)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=120) == 0
    assert process.stderr.read() == b""
