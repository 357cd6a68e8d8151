"""The cephkg command line, run in-process: outputs, JSON shape and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from cephkg.cli import main
from seeds import EXAMPLES, ID_000, ID_002, SEED_002


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def built(tmp_path: Path) -> str:
    store = str(tmp_path / "store")
    code, out, _ = run("build", str(EXAMPLES), "--store", store)
    assert code == 0, out
    return store


def test_build_prints_a_summary_table(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    code, out, _ = run("build", str(EXAMPLES), "--store", store)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["patent", "file", "claims", "triples", "warnings", "status"]
    assert lines[2].split()[:3] == [ID_000, f"{ID_000}.txt", "2"]
    assert lines[3].split()[:3] == [ID_002, f"{ID_002}.txt", "23"]
    assert lines[-1] == f"2 of 2 files built into {store}"


def test_build_exits_non_zero_only_when_nothing_was_built(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("")
    code, out, err = run("build", str(bad), "--store", str(tmp_path / "s"))
    assert code == 1
    assert f"error: {bad}: the file is empty" in err
    code, out, err = run("build", str(bad), str(SEED_002), "--store", str(tmp_path / "s"))
    assert code == 0
    assert "1 of 2 files built" in out


def test_claims_json_shape(tmp_path: Path) -> None:
    store = built(tmp_path)
    code, out, _ = run("claims", ID_002, "--store", store, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["patent"] == ID_002
    claim13 = data["claims"][12]
    assert {k: claim13[k] for k in ("number", "category", "depends_on", "refers_to", "independent", "definitions",
                                    "salts_clause")} == {
        "number": 13, "category": "compound", "depends_on": [11], "refers_to": [11], "independent": False,
        "definitions": {}, "salts_clause": None}
    [species] = claim13["species"]
    assert {k: species[k] for k in ("name", "isomer", "salt_forms")} == {
        "name": "pivaloyloxymethyl 7-[2-(2-aminothiazol-4-yl)-2-hydroxyiminoacetamido]-3-vinyl-3-cephem-4-carboxylate",
        "isomer": "syn", "salt_forms": []}
    for key in ("formulas", "steps", "span", "text", "name_as_written"):
        assert key in claim13 or key in species
    assert data["claims"][0]["definitions"] == {"R1": ["amino", "protected amino"], "R2": ["carboxy", "protected carboxy"]}


def test_claims_tree_text(tmp_path: Path) -> None:
    store = built(tmp_path)
    code, out, _ = run("claims", ID_000, "--store", store)
    assert code == 0
    assert out.splitlines()[0] == f"{ID_000}: 2 claims"
    assert out.splitlines()[2].startswith("└─ 2. process  names (6R,7R)-7-[(Z)-2-(5-amino")


def test_claims_of_an_unknown_patent(tmp_path: Path) -> None:
    store = built(tmp_path)
    code, _, err = run("claims", "EP000", "--store", store)
    assert code == 1
    assert "patent 'EP000' is not in the store" in err


def test_claims_straight_from_a_file() -> None:
    code, out, _ = run("claims", str(SEED_002), "--json")
    assert code == 0 and len(json.loads(out)["claims"]) == 23


def test_query_formats_and_parameters(tmp_path: Path) -> None:
    store = built(tmp_path)
    code, out, _ = run("query", "claim-tree", "--store", store, "--param", f"patent={ID_000}", "--format", "csv")
    assert code == 0
    assert out.splitlines() == ["claim,category,parent,depth,patent", f"1,process,,0,{ID_000}", f"2,process,1,1,{ID_000}"]
    code, out, _ = run("query", "claim-tree", "--store", store, "-p", f"patent={ID_000}", "--format", "json")
    assert json.loads(out)["rows"][1] == {"claim": 2, "category": "process", "parent": 1, "depth": 1, "patent": ID_000}
    code, _, err = run("query", "claim-tree", "--store", store)
    assert code == 1 and "needs parameter patent" in err
    code, _, err = run("query", "claim-tree", "--store", store, "--param", "patent")
    assert code == 2


def test_query_from_a_file(tmp_path: Path) -> None:
    store = built(tmp_path)
    rq = tmp_path / "count.rq"
    rq.write_text("# title: Count claims\nPREFIX ceph: <https://w3id.org/cephkg/ontology#>\n"
                  "SELECT (COUNT(?c) AS ?n) WHERE { GRAPH ?g { ?c a ceph:Claim } }\n")
    code, out, _ = run("query", str(rq), "--store", store, "--format", "csv")
    assert out.splitlines() == ["n", "25"]


def test_export_round_trips(tmp_path: Path) -> None:
    store = built(tmp_path)
    out_nq = tmp_path / "all.nq"
    code, out, _ = run("export", "--store", store, "--format", "nq", "-o", str(out_nq))
    assert code == 0 and out.startswith("wrote ")
    ds = Dataset()
    ds.parse(out_nq, format="nquads")
    out_ttl = tmp_path / "one.ttl"
    run("export", "--store", store, "--format", "ttl", "--patent", ID_000, "-o", str(out_ttl))
    g = Graph().parse(out_ttl)
    # a patent's export holds its graph and its derived chemistry graph (graph/patent/<id>/chemistry)
    union = Graph()
    claims_graph = f"https://w3id.org/cephkg/graph/patent/{ID_000}"
    for name in (claims_graph, f"{claims_graph}/chemistry"):
        for triple in ds.graph(name):
            union.add(triple)
    assert len(union) > len(ds.graph(claims_graph)) > 0
    assert isomorphic(g, union)


def test_help_everywhere() -> None:
    for command in ([], ["build"], ["claims"], ["query"], ["export"], ["queries"]):
        code, out, _ = run(*command, "--help")
        assert code == 0 and "Usage:" in out


def test_query_reads_a_compound_smiles_without_registering_it_and_answers_without_duplicate_rows(tmp_path: Path) -> None:
    """The palmitoyloxymethyl ester is a species of claim 15: its coverage links were made at build time,
    so the SMILES read to its compound IRI finds them; nothing is written (registering is add-compound's job)."""
    from cephkg import KnowledgeStore
    from cephkg.store.scopes import registered_inputs

    store = built(tmp_path)
    palmitoyl = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)CCCCCCCCCCCCCCC)=C(C=C)CSC23)cs1"
    code, out, _ = run("query", "dependent-claims-covering-compound", "--store", store, "--param",
                       f"compound={palmitoyl}", "--format", "json")
    assert code == 0
    with KnowledgeStore(store) as opened:
        assert registered_inputs(opened) == []
    rows = [(r["claim"], r["dependsOn"], r["via"], r["variable"], r["term"]) for r in json.loads(out)["rows"]]
    assert rows == [
        (2, 1, "markush", "R1", "amino"), (2, 1, "markush", "R2", "protected carboxy"),
        (4, 2, "markush", "R1", "amino"), (4, 2, "markush", "R2", "esterified carboxy"),
        (14, 4, "markush", "R1", "amino"), (14, 4, "markush", "R2", "higher alkanoyloxy(lower)alkoxycarbonyl"),
        (15, 14, "species", None, None),
    ]
