"""Self-test of the synthetic corpus generator (benchmarks/corpus.py): standard library only, RDKit optional.

    python -m pytest tests/benchmarks -q
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

N = 60
SEED = 11


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    manifest = corpus.write_corpus(out, N, SEED, ["txt", "uspto-xml", "ep-xml"], 0.5)
    corpus.dump_manifest(out / "manifest.json", manifest)
    data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return out, data


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_deterministic(tmp_path, generated):
    out, _ = generated
    again = tmp_path / "again"
    manifest = corpus.write_corpus(again, N, SEED, ["txt", "uspto-xml", "ep-xml"], 0.5)
    corpus.dump_manifest(again / "manifest.json", manifest)
    assert _files(out) == _files(again)


def test_different_seed_differs(tmp_path):
    a = corpus.write_corpus(tmp_path / "a", 5, 1, ["txt"], 0.0)
    b = corpus.write_corpus(tmp_path / "b", 5, 2, ["txt"], 0.0)
    assert a["patents"] != b["patents"]


def test_prefix_stable(tmp_path, generated):
    """Patent i does not depend on N: a smaller corpus is a prefix of a larger one."""
    out, data = generated
    small = corpus.write_corpus(tmp_path / "small", 10, SEED, ["txt", "uspto-xml", "ep-xml"], 0.5)
    for entry in small["patents"]:
        e = json.loads(entry)
        assert (tmp_path / "small" / e["file"]).read_bytes() == (out / e["file"]).read_bytes()


def test_counts_and_files(generated):
    out, data = generated
    pats = data["patents"]
    assert len(pats) == N
    assert len({p["stem"] for p in pats}) == N
    for p in pats:
        assert (out / p["file"]).is_file()
        assert 2 <= p["claim_count"] <= 60
        assert p["claim_count"] == len(p["claims"]) == sum(p["categories"].values())
        assert p["categories_count"] == len(p["categories"])
        assert set(p["categories"]) <= {"compound", "process", "composition", "method_of_treatment", "use"}
    assert {p["format"] for p in pats} == {"txt", "uspto-xml", "ep-xml"}


def test_claim_numbering_and_dependencies(generated):
    _, data = generated
    for p in data["patents"]:
        cats = {c["n"]: c["category"] for c in p["claims"]}
        for i, c in enumerate(p["claims"], 1):
            assert c["n"] == i
            for d in c["depends_on"]:
                assert 1 <= d < c["n"], (p["stem"], c)
                assert cats[d] == c["category"]
            for r in c["refers_to"]:
                assert 1 <= r < c["n"], (p["stem"], c)
                assert cats[r] != c["category"]
        assert not p["claims"][0]["depends_on"]


def _claim_numbers_in_text(text: str) -> list[int]:
    return [int(m) for m in re.findall(r"(?m)^\s*(?:- )?(\d+)\. [A-Z]", text)]


def test_text_claims_sequential(generated):
    out, data = generated
    for p in data["patents"]:
        if p["format"] != "txt" or p["notation"] == "ocr":
            continue   # OCR files carry margin numbers by design
        text = (out / p["file"]).read_text(encoding="utf-8")
        assert _claim_numbers_in_text(text) == list(range(1, p["claim_count"] + 1)), p["file"]


def test_xml_well_formed(generated):
    out, data = generated
    for p in data["patents"]:
        if p["format"] == "txt":
            continue
        root = ET.parse(out / p["file"]).getroot()
        if p["format"] == "uspto-xml":
            assert root.tag == "us-patent-grant"
            doc = root.find("us-bibliographic-data-grant/publication-reference/document-id")
            assert doc.findtext("country") == "US" and doc.findtext("kind") == "B2"
            assert p["publication"] == "US" + doc.findtext("doc-number") + "B2"
            claims = root.findall("claims/claim")
            ids = [f"CLM-{i:05d}" for i in range(1, len(claims) + 1)]
        else:
            assert root.tag == "ep-patent-document"
            block = root.find("claims")
            assert block.get("id") == "claims01" and block.get("lang") == "en"
            claims = block.findall("claim")
            ids = [f"c-en-{i:04d}" for i in range(1, len(claims) + 1)]
        assert len(claims) == p["claim_count"]
        assert [c.get("id") for c in claims] == ids
        assert [int(c.get("num")) for c in claims] == list(range(1, len(claims) + 1))
        for i, c in enumerate(claims):
            for ref in c.iter("claim-ref"):
                assert ref.get("idref") in ids[:i], (p["file"], ref.get("idref"))
            for chem in c.iter("chemistry"):
                assert chem.find("img") is not None


def test_species_from_the_tables(generated):
    _, data = generated
    names = {corpus.species_name(k) for k in corpus.universe()}
    n = 0
    for p in data["patents"]:
        for sp in p["species"]:
            n += 1
            assert sp["name"] in names
            assert sp["smiles"] and sp["core"] in corpus.CORE_BY_ID
            assert sp["isomer"] in (None, "syn", "Z")
    assert n > N


def test_species_written_in_the_text(generated):
    out, data = generated
    for p in data["patents"]:
        if p["notation"] not in ("clean", "xml"):
            continue
        text = (out / p["file"]).read_text(encoding="utf-8")
        for sp in p["species"]:
            assert sp["name"] in text, (p["file"], sp["name"])


def test_sidecars(generated):
    out, data = generated
    with_sidecar = [p for p in data["patents"] if p["sidecar"]]
    assert with_sidecar
    for p in with_sidecar:
        side = tomllib.loads((out / p["sidecar"]).read_text(encoding="utf-8"))
        assert side["patent"] == p["stem"] and side["curated"] is True
        for s in side["structure"]:
            assert 1 <= s["claim"] <= p["claim_count"]
            maps = sorted(int(x) for x in re.findall(r"\[\*:(\d+)\]", s["smiles"]))
            assert sorted(set(maps)) == sorted(int(k) for k in s["variables"])


def test_manifest_smiles_parse_with_rdkit(generated):
    Chem = pytest.importorskip("rdkit.Chem")
    _, data = generated
    for p in data["patents"]:
        for sp in p["species"]:
            assert Chem.MolFromSmiles(sp["smiles"]) is not None, sp


def test_pathological(tmp_path):
    files = corpus.write_pathological(tmp_path, 1)
    d = tmp_path / "pathological"
    assert {f["file"] for f in files} == {f"pathological/{x}" for x in
                                          ("any_one_of_1000.txt", "chain_5000.txt", "single_line_1mb.txt", "utf16_bom.txt")}
    text = (d / "any_one_of_1000.txt").read_text(encoding="utf-8")
    assert "1000. A compound according to any one of claims 1 to 999," in text
    assert "5000. A compound of claim 4999," in (d / "chain_5000.txt").read_text(encoding="utf-8")
    one = (d / "single_line_1mb.txt").read_bytes()
    assert len(one) >= 1_048_576 and b"\n" not in one
    raw = (d / "utf16_bom.txt").read_bytes()
    assert raw[:2] == b"\xff\xfe" and raw[2:].decode("utf-16-le").startswith(("What", "Claims", "We", "The"))


def test_cli(tmp_path):
    res = subprocess.run([sys.executable, str(HERE / "corpus.py"), "--n", "4", "--seed", "2", "--out", str(tmp_path),
                          "--formats", "uspto-xml", "--sidecar-share", "1"], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    data = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    assert [p["format"] for p in data["patents"]] == ["uspto-xml"] * 4
