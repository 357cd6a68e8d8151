"""Building from every input format: folders give their text, XML and HTML files; a weekly bulk
file builds one patent per document; the command line names the format or sniffs it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from cephkg import KnowledgeStore, build, run_query
from cephkg.cli import main
from cephkg.store.build import claim_files
from seeds import ROOT

DATA = ROOT / "tests" / "data"
BULK = DATA / "uspto-xml" / "ipg-bulk-3-grants.xml"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_a_folder_gives_its_text_xml_and_html_files_but_no_sidecar(tmp_path: Path) -> None:
    for name in ("a.txt", "b.xml", "c.html", "d.HTM", "a.structures.toml", "notes.md", "e.pdf"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in claim_files([tmp_path])] == ["a.txt", "b.xml", "c.html", "d.HTM"]


def test_a_bulk_file_builds_one_patent_per_document(tmp_path: Path) -> None:
    with KnowledgeStore(tmp_path / "store") as store:
        report = build([BULK], store)
        assert [(r.patent_id, r.claims, r.built) for r in report.files] == [
            ("US-4130558-A", 2, True), ("US-4354022-A", 6, True), ("US-5977352-A", 3, True)]
        assert {r.path for r in report.files} == {str(BULK)}
        rows = run_query(store, "claim-tree", patent="US-5977352-A").as_dicts()
        assert [(r["claim"], r["parent"]) for r in rows] == [(1, None), (2, 1), (3, 1)]


def test_formats_build_side_by_side(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("epo-xml/EP9900002-A1-v1-7-en.xml", "google-patents/US5977352A-google-patents.html",
                 "plain-text/CA1099257-cipo-claims.txt", "wipo-xml/WO2099000001-wo-patent-document.xml"):
        shutil.copy(DATA / name, folder)
    with KnowledgeStore(tmp_path / "store") as store:
        report = build([folder], store)
        assert [(r.patent_id, r.built) for r in report.files] == [
            ("CA1099257-cipo-claims", True), ("EP9900002-A1-v1-7-en", True), ("US5977352A-google-patents", True),
            ("WO2099000001-wo-patent-document", True)]
        rows = run_query(store, "claims-by-category", category="process").as_dicts()
        assert {r["patent"] for r in rows} == {r.patent_id for r in report.files}


def test_the_command_line_builds_a_bulk_file_and_shows_its_patents(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    code, out, _ = run("build", str(BULK), "--store", store, "--format", "uspto-xml")
    assert code == 0
    assert out.splitlines()[-1] == f"3 of 3 patents built into {store} (from 1 files)"
    code, out, _ = run("claims", str(BULK), "--json")
    assert code == 0
    data = json.loads(out)
    assert [(d["patent"], d["publication"], d["format"], len(d["claims"])) for d in data] == [
        ("US-4130558-A", "US-4130558-A", "uspto-xml", 2), ("US-4354022-A", "US-4354022-A", "uspto-xml", 6),
        ("US-5977352-A", "US-5977352-A", "uspto-xml", 3)]
    assert [d["source_offset"] > 0 for d in data] == [False, True, True]


def test_a_wrong_format_named_fails_the_file(tmp_path: Path) -> None:
    code, _out, err = run("build", str(BULK), "--store", str(tmp_path / "s"), "--format", "epo-xml")
    assert code == 1
    assert "not an ep-patent-document" in err


def test_claims_json_carries_the_new_facts(tmp_path: Path) -> None:
    code, out, _ = run("claims", str(DATA / "real-claims" / "US4602012.txt"), "--json")
    assert code == 0
    claim = json.loads(out)["claims"][0]
    assert claim["variables"] == ["R", "R1", "R2", "R3"]
    assert claim["shared_definitions"][0]["variables"] == ["R", "R1", "R2"]
    [proviso] = claim["provisos"]
    assert proviso["decidable"] is True
    assert [(c["variables"], c["relation"], c["values"]) for c in proviso["when"] + proviso["then"]] == [
        (["R1", "R2"], "in", ["hydrogen"]), (["R3"], "not-in", ["methyl"])]


def test_eval_claims_scores_a_corpus(tmp_path: Path) -> None:
    code, out, _ = run("eval-claims", str(DATA / "real-claims"), "--fail-under", "100")
    assert code == 0
    assert out.splitlines()[-1] == "570 of 570 fields right (100.0%)"
    code, out, _ = run("eval-claims", str(DATA / "real-claims-held-out"), "--json", "--fail-under", "100")
    assert code == 1
    assert json.loads(out)["right"] == 110
