"""`explain` on the curated graph: the mechanism chains the review describes are found, signed
and explained with their context and evidence, and ranked as documented."""
from __future__ import annotations

import json

import pytest

from graph.entities import entity_index
from graph.explain import explain
from graph.paths import hop_statements, load_broader
from graph.projection import projection

from .conftest import run_cli


@pytest.fixture(scope="module")
def kg(built_dir):
    G = projection(built_dir)
    index = entity_index(built_dir)
    broader = load_broader(built_dir)

    def iri(key):
        return index.by_key[key].iri

    def chains(agent, drug, cancer=None, **options):
        found = explain(G, iri(agent), iri(drug), cancer=iri(cancer) if cancer else None, broader=broader,
                        k=None, **options)
        for c in found:
            c["keys"] = [G.nodes[n]["key"] for n in c["nodes"]]
            c["relations"] = [h["relation"] for h in c["hops"]]
        return found

    return G, iri, chains


def find(chains, keys):
    hits = [c for c in chains if c["keys"] == keys]
    assert hits, f"no chain {' > '.join(keys)}; found: " + "; ".join(" > ".join(c["keys"]) for c in chains)
    return hits[0]


def evidence(G, chain):
    return [hop_statements(G, h) for h in chain["hops"]]


# ---------------------------------------------------------------- the review's chains

def test_caf_mir522_alox15_ferroptosis_chemoresistance_in_gastric_cancer(kg):
    G, iri, chains = kg
    found = chains("CAF", "chemotherapy", cancer="gastric-cancer")
    c = find(found, ["CAF", "miR-522", "ALOX15", "ferroptosis", "chemotherapy"])
    assert c["relations"] == ["secretes", "targets", "promotes", "reversesResistanceTo"]
    assert [h["sign"] for h in c["hops"]] == [1, -1, 1, -1]
    assert c["sign"] == 1 and c["effect"] == "resistance" and c["target_match"] == "drug"
    for statements in evidence(G, c):
        assert any(d["section"] == "3.1" and d["context"].get("cancer") == [iri("gastric-cancer")] for d in statements)
    # the direct claim whose mechanism is ferroptosis backs the chain up
    assert any(G.edges[u, v, key]["relation"] == "confersResistanceTo"
               for key in c["corroborating"] for u, v, k in G.edges(keys=True) if k == key)
    # the same chain starting from the RNA
    find(chains("miR-522", "chemotherapy", cancer="gastric-cancer"), ["miR-522", "ALOX15", "ferroptosis", "chemotherapy"])


def test_gastric_chain_is_not_an_answer_for_another_cancer_or_the_opposite_effect(kg):
    _G, _iri, chains = kg
    assert not [c for c in chains("miR-522", "chemotherapy", cancer="ovarian-cancer") if "ALOX15" in c["keys"]]
    assert not [c for c in chains("miR-522", "chemotherapy", effect="sensitivity") if "ALOX15" in c["keys"]]
    # without a cancer the gastric statements are kept
    assert [c for c in chains("miR-522", "chemotherapy") if "ALOX15" in c["keys"]]


def test_ovarian_mir1246_pgp_paclitaxel_resistance(kg):
    G, iri, chains = kg
    found = chains("miR-1246", "paclitaxel", cancer="ovarian-cancer")
    c = find(found, ["miR-1246", "ABCB1", "paclitaxel"])
    assert c["relations"] == ["upregulates", "confersResistanceTo"]
    assert c["effect"] == "resistance" and c["target_match"] == "drug"
    for statements in evidence(G, c):
        assert any(d["section"] == "T1" and d["table_row"] == 1 and d["references"] == []
                   and d["inferred_references"] == [60] for d in statements)
    # the Table 1 row's direct claim names CAV1 and P-gp as its mechanism and corroborates the chain
    corroborating = [d for u, v, k, d in G.edges(keys=True, data=True) if k in c["corroborating"]]
    assert any(iri("CAV1") in d["context"].get("mechanism", []) for d in corroborating)


def test_ovarian_mir1246_cav1_paclitaxel_resistance(kg):
    _G, _iri, chains = kg
    found = chains("miR-1246", "paclitaxel", cancer="ovarian-cancer")
    via_cav1 = [c for c in found if c["keys"][:2] == ["miR-1246", "CAV1"]]
    assert via_cav1 and via_cav1[0]["effect"] == "resistance"


def test_glioblastoma_lnc_talc_m2_c5_dna_repair_temozolomide(kg):
    G, iri, chains = kg
    found = chains("lnc-TALC", "temozolomide", cancer="GBM")
    c = find(found, ["lnc-TALC", "M2-polarization", "C5", "C5-C5a", "DNA-repair", "temozolomide"])
    assert c["relations"] == ["promotes", "upregulates", "activates", "promotes", "confersResistanceTo"]
    first = evidence(G, c)[0]
    assert any(d["section"] == "5.5" and d["references"] == [201]
               and d["context"].get("recipient_cell") == [iri("microglia")] for d in first)
    # the direct claim lnc-TALC -> TMZ (mechanism M2 polarisation, C5/C5a, DNA repair) corroborates it
    direct = [k for u, v, k, d in G.edges(keys=True, data=True)
              if u == iri("lnc-TALC") and v == iri("temozolomide") and d["relation"] == "confersResistanceTo"]
    assert direct and set(direct) <= set(c["corroborating"])


def test_lnc_talc_chain_increases_resistance(kg):
    _G, _iri, chains = kg
    found = chains("lnc-TALC", "temozolomide", cancer="GBM", effect="resistance")
    assert [c for c in found if "C5" in c["keys"] and "DNA-repair" in c["keys"]]


# ---------------------------------------------------------------- signs, umbrella, ranking

def test_a_blocker_restores_sensitivity(kg):
    _G, _iri, chains = kg
    found = chains("C5aR1-antagonist", "temozolomide", effect="sensitivity")
    assert found and all(c["sign"] == -1 for c in found)
    assert found[0]["keys"] == ["C5aR1-antagonist", "temozolomide"]
    assert found[0]["relations"] == ["reversesResistanceTo"]


def test_umbrella_chains_come_last_and_can_be_dropped(kg):
    _G, _iri, chains = kg
    # the review states miR-522's effect as chemoresistance without naming a drug
    gastric = chains("miR-522", "cisplatin", cancer="gastric-cancer")
    umbrella = [c for c in gastric if c["target_match"] == "umbrella"]
    assert [c for c in umbrella if "ALOX15" in c["keys"]]
    assert all(c["keys"][-1] in ("chemotherapy", "drug") for c in umbrella)
    kept = chains("miR-522", "cisplatin", cancer="gastric-cancer", umbrella=False)
    assert [c["keys"] for c in kept] == [c["keys"] for c in gastric if c["target_match"] == "drug"]
    mixed = chains("miR-1246", "paclitaxel")
    matches = [c["target_match"] for c in mixed]
    assert "drug" in matches and "umbrella" in matches
    assert matches == sorted(matches, key=lambda m: m != "drug")


def test_ranking_follows_the_documented_order(kg):
    _G, _iri, chains = kg
    for query in (("CAF", "chemotherapy", "gastric-cancer"), ("miR-1246", "paclitaxel", "ovarian-cancer"),
                  ("lnc-TALC", "temozolomide", "GBM")):
        found = chains(*query)
        assert [c["rank"] for c in found] == list(range(1, len(found) + 1))
        keys = [(c["target_match"] != "drug", c["length"], -c["support"], -c["context_matches"]) for c in found]
        assert keys == sorted(keys)
        for c in found:
            assert c["support"] == sum(len(h["statements"]) for h in c["hops"]) + len(c["corroborating"])
            assert c["relations"][-1] in ("confersResistanceTo", "reversesResistanceTo")
            assert c["sign"] == {"resistance": 1, "sensitivity": -1, "unsigned": 0}[c["effect"]]


# ---------------------------------------------------------------- CLI



def test_cli_explain_text_json_tsv(capsys, built_dir, tmp_path):
    code, out, err = run_cli(capsys, "explain", "CAF", "chemotherapy", "--cancer", "GC", "--graph", str(built_dir))
    assert code == 0, err
    assert "CAF -[secretes +]-> miR-522 -[targets -]-> ALOX15 -[promotes +]-> ferroptosis" in out
    assert "increases resistance" in out and "section 3.1" in out
    html = tmp_path / "chains.html"
    code, out, err = run_cli(capsys, "explain", "miR-1246", "PTX", "--cancer", "OC", "--format", "json",
                             "--html", str(html), "--graph", str(built_dir))
    assert code == 0, err
    payload = json.loads(out)
    assert payload["drug"]["key"] == "paclitaxel" and payload["cancer"]["key"] == "ovarian-cancer"
    chain = next(c for c in payload["chains"] if [n["key"] for n in c["nodes"]] == ["miR-1246", "ABCB1", "paclitaxel"])
    assert chain["effect"] == "resistance" and chain["hops"][0]["statements"][0]["table_row"] == 1
    assert "ABCB1" in html.read_text(encoding="utf-8")
    code, out, err = run_cli(capsys, "explain", "lnc-TALC", "TMZ", "--format", "tsv", "--graph", str(built_dir))
    assert code == 0, err
    assert out.splitlines()[0].split("\t")[:5] == ["rank", "effect", "target_match", "support", "hop"]


@pytest.mark.parametrize("args,message", [
    (["no-such-agent-xyz", "cisplatin"], "no entity matches 'no-such-agent-xyz'"),
    (["CAF", "ALOX15"], "no entity of type Drug matches 'ALOX15'"),
    (["CAF", "cisplatin", "--effect", "more"], "'--effect': 'more' is not one of 'resistance', 'sensitivity'"),
    (["CAF", "cisplatin", "--max-hops", "0"], "'--max-hops': 0 is not in the range x>=1"),
    (["GBM", "temozolomide"], "no mechanism chain from GBM"),
    (["CIS", "cisplatin"], "the agent and the drug are the same entity"),
])
def test_cli_explain_errors_are_one_line(capsys, built_dir, args, message):
    code, _out, err = run_cli(capsys, "explain", *args, "--graph", str(built_dir))
    assert code not in (0, None)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], err
