"""Facts from every section of the review, asked through the library API (the networkx
projection and entity resolution), each with the provenance a user would cite."""
from __future__ import annotations

import pytest

from graph.entities import resolve
from graph.projection import projection


@pytest.fixture(scope="module")
def G(graph_file):
    return projection(graph_file)


@pytest.fixture(scope="module")
def key(G):
    return lambda node: G.nodes[node]["key"]


def facts(G, subject=None, relation=None, obj=None, cancer=None, section=None):
    """Edges as dicts with keys instead of IRIs, filtered by any of the given fields."""
    out = []
    for u, v, sid, d in G.edges(keys=True, data=True):
        row = dict(d, id=sid, subject=G.nodes[u]["key"], object=G.nodes[v]["key"],
                   context={c: [G.nodes[x]["key"] if x in G else x for x in vals] for c, vals in d["context"].items()})
        if subject and row["subject"] != subject or relation and row["relation"] != relation:
            continue
        if obj and row["object"] != obj or section and row["section"] != section:
            continue
        if cancer and cancer not in row["context"].get("cancer", []):
            continue
        out.append(row)
    return out


def test_section_1_tp53_mutation_blocks_apoptosis(G):
    rows = facts(G, subject="TP53-mutant", section="1")
    assert {(r["relation"], r["object"]) for r in rows} >= {("suppresses", "apoptosis")}
    assert all(15 in r["references"] for r in rows)


def test_section_2_pgp_effluxes_paclitaxel_and_confers_resistance(G):
    assert facts(G, "ABCB1", "transports", "paclitaxel", section="2")
    resistance = facts(G, "ABCB1", "confersResistanceTo", "paclitaxel", section="2")
    assert resistance and resistance[0]["references"] == [33, 34]


def test_section_2_adriamycin_resistant_exosomes_transfer_resistance(G):
    rows = facts(G, "MCF-7-ADM-exo", "confersResistanceTo", "doxorubicin")
    assert rows and rows[0]["context"]["recipient_cell"] == ["MCF-7"] and 36 in rows[0]["references"]
    assert "ABCB1" in rows[0]["context"]["mechanism"]


def test_section_3_1_caf_mir522_targets_alox15_in_gastric_cancer(G):
    """What does CAF-derived exosomal miR-522 target in gastric cancer?"""
    targets = facts(G, "miR-522", "targets", cancer="gastric-cancer")
    assert [r["object"] for r in targets] == ["ALOX15"]
    assert targets[0]["context"]["donor_cell"] == ["CAF"] and targets[0]["section"] == "3.1"
    assert facts(G, "CAF", "secretes", "miR-522", cancer="gastric-cancer")
    assert facts(G, "ALOX15", "promotes", "ferroptosis", cancer="gastric-cancer")
    assert facts(G, "ferroptosis", "reversesResistanceTo", "chemotherapy", cancer="gastric-cancer")


def test_section_3_1_mir934_drives_m2_polarisation_in_crc(G):
    rows = facts(G, "miR-934", cancer="colorectal-cancer")
    assert {"PTEN"} <= {r["object"] for r in rows if r["relation"] == "downregulates"}
    assert any(r["object"] == "M2-polarization" and r["relation"] == "promotes" for r in rows)


def test_section_3_2_hy4_induces_pdl1_in_cll_monocytes(G):
    rows = facts(G, "hY4", "upregulates", "CD274", cancer="CLL")
    assert rows and rows[0]["context"]["recipient_cell"] == ["monocyte"] and rows[0]["references"] == [126]


def test_section_4_crc_lncrna_biomarkers_and_their_fluids(G):
    """Which fluids carry the colorectal-cancer lncRNA biomarkers?"""
    lncrna = {n for n, d in G.nodes(data=True) if d["type"] == "LongNonCodingRNA"}
    keys = {G.nodes[n]["key"] for n in lncrna}
    rows = [r for r in facts(G, relation="biomarkerFor", obj="colorectal-cancer") if r["subject"] in keys]
    assert {"UCA1", "FOXD2-AS1"} <= {r["subject"] for r in rows}
    assert {f for r in rows for f in r["context"].get("body_fluid", [])} == {"serum"}
    foxd2 = next(r for r in rows if r["subject"] == "FOXD2-AS1")
    assert foxd2["context"]["biomarker_role"] == ["diagnostic"] and foxd2["references"] == [147]


def test_section_4_down_regulated_crc_mirnas_keep_their_direction(G):
    rows = facts(G, relation="biomarkerFor", obj="colorectal-cancer")
    down = {r["subject"] for r in rows if r["context"].get("direction") == ["down"]}
    assert down == {"miR-99b-5p", "miR-150-5p"}


def test_section_5_1_irgd_exosomes_deliver_doxorubicin_to_breast_cancer(G):
    rows = facts(G, relation="delivers", obj="doxorubicin", cancer="breast-cancer", section="5.1")
    assert rows and all(160 in r["references"] or 161 in r["references"] for r in rows)


def test_section_5_3_msc_exosomal_mir122_restores_sorafenib_sensitivity(G):
    rows = facts(G, relation="reversesResistanceTo", obj="sorafenib", cancer="HCC", section="5.3")
    assert {"miR-122"} <= {r["subject"] for r in rows} and all(r["references"] == [178] for r in rows)


def test_section_5_5_engineered_exosomes_overcoming_sorafenib_resistance(G):
    """Which engineered exosomes overcome sorafenib resistance?"""
    exo = {G.nodes[n]["key"] for n, d in G.nodes(data=True) if d["type"] == "ExosomePreparation"}
    rows = [r for r in facts(G, relation="reversesResistanceTo", obj="sorafenib") if r["subject"] in exo]
    assert len({r["subject"] for r in rows}) >= 3
    assert {178, 198, 199} <= {n for r in rows for n in r["references"]}


def test_section_5_5_ocsc_mir4516_targets_gas7_for_cisplatin_resistance(G):
    assert facts(G, "miR-4516", "targets", "GAS7", cancer="ovarian-cancer")
    rows = facts(G, "miR-4516", "confersResistanceTo", "cisplatin")
    assert rows and rows[0]["context"]["donor_cell"] == ["OCSC"] and rows[0]["context"]["cell_line"] == ["SKOV3-DDP"]


def test_section_5_6_aml_pdx_exosomes(G):
    rows = facts(G, subject="AML-PDX-exo")
    assert rows and all(r["context"].get("model") == ["PDX"] for r in rows)


def test_table1_row6_mir1229_3p_5fu_resistance_in_gastric_cancer(G):
    rows = facts(G, "miR-1229-3p", "confersResistanceTo", "5-fluorouracil", cancer="gastric-cancer")
    assert rows and rows[0]["section"] == "T1" and rows[0]["table_row"] == 6


def test_table1_circbirc6_confers_oxaliplatin_resistance_in_pdac(G):
    """Which drug does circBIRC6 affect in PDAC, and how?"""
    rows = facts(G, "circBIRC6", cancer="PDAC")
    assert {(r["relation"], r["object"]) for r in rows if r["relation"] == "confersResistanceTo"} == {
        ("confersResistanceTo", "oxaliplatin")}
    assert {r["section"] for r in rows} == {"T1", "5.5"}


def test_table1_unnamed_rows_keep_their_facts_without_names(G, graph_file):
    """Cisplatin resistance in gastric cancer: Table 1 row 4's RNA is unnamed in the capture."""
    rows = [r for r in facts(G, relation="confersResistanceTo", obj="cisplatin", cancer="gastric-cancer")
            if r["section"] == "T1"]
    assert [r["table_row"] for r in rows] == [4]
    node = resolve(rows[0]["subject"], graph_file)
    assert node.label == "unnamed exosomal RNA (Table 1 row 04)" and not node.mapped


def test_figure2_caption_multidrug_resistance_rnas(G):
    subjects = {r["subject"] for r in facts(G, section="F2")}
    assert {"miR-1246", "miR-21", "circ_0006174"} <= subjects


def test_context_bound_statements_stay_separate(G):
    """ferroptosis sensitises to chemotherapy in GC and to sorafenib in HCC, each in its own cancer
    (a PDAC/gemcitabine row was removed: the review puts the two in adjacent sentences, never linked)."""
    rows = facts(G, "ferroptosis", "reversesResistanceTo")
    by_drug = {r["object"]: r["context"].get("cancer") for r in rows}
    assert by_drug["sorafenib"] == ["HCC"] and by_drug["chemotherapy"] == ["gastric-cancer"]
    assert "gemcitabine" not in by_drug
