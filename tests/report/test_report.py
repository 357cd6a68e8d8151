"""The report of a patent: every claim, structure and species on it, the text marked from spans, escaped."""

from __future__ import annotations

import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from cephkg import parse_text
from cephkg.chem.coverage import PatentScope, species_targets
from cephkg.cli import main
from cephkg.report import StoredPatent, patent_report, render_report, write_reports
from cephkg.store.records import PatentRecord
from seeds import ID_000, ID_002

REAL_IDS = ["US3953440", "US4130558A", "US4354022A", "US4640798A", "US5159073A", "US5977352A", "trea_21aabc43",
            "trea_35283bb1"]


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def ids(self) -> set[str]:
        return {a["id"] for _t, a in self.tags if a.get("id")}


def parse(html: str) -> Elements:
    p = Elements()
    p.feed(html)
    return p


def test_the_report_of_002_has_every_claim_structure_and_species(stored: dict[str, StoredPatent]) -> None:
    report = patent_report(stored[ID_002])
    assert [c.number for c in report.claims] == list(range(1, 24))
    assert [(s.view.claim, s.view.formula) for s in report.structures] == [(1, 1), *((20, f) for f in range(1, 11))]
    assert all(s.picture.ok and s.view.origin == "curated" for s in report.structures)
    assert [(s.claim, s.index) for s in report.species] == [(n, 1) for n in (3, 6, 8, 10, 12, 13, 15, 17, 19)]
    pom = next(s for s in report.species if s.claim == 13)
    assert (pom.inchikey, pom.covered_by) == ("DRACJONKQLQDIZ-MYKKPKGFSA-N", (1, 2, 4, 11, 13))
    assert [n for n, _rel in pom.other_links] == [20, 21, 22, 23]
    # the two OCR repairs that change letters of a name or a group term are warned about
    assert [(n.severity, n.code, n.claim) for n in report.notes] == [
        ("warning", "text-repaired", 12), ("warning", "text-repaired", 18)]
    html = parse(render_report(report))
    ids = html.ids()
    assert {f"claim-{n}" for n in range(1, 24)} <= ids
    assert {s.view.anchor for s in report.structures} <= ids
    assert {f"species-{n}-1" for n in (3, 6, 8, 10, 12, 13, 15, 17, 19)} <= ids
    assert sum(1 for t, a in html.tags if t == "svg" and "mol" in (a.get("class") or "")) >= 11 + 9


def test_claim_text_is_marked_from_its_spans(stored: dict[str, StoredPatent]) -> None:
    report = patent_report(stored[ID_002])
    claim2 = str(report.claims[1].text)
    # the cited claim is a link to it; R^1 was repaired and the original shows on hover
    assert '<a href="#claim-1" class="m-cite" title="claim 1" data-claim="1">1</a>' in claim2
    assert re.search(r'<span class="m-definition" title="R1: amino" data-variable="R1"><span class="m-repair" '
                     r'title="OCR repair \(variable-notation\): the text had “R\^1”" data-kind="variable-notation">R1'
                     r'</span> is amino</span>', claim2)
    claim13 = str(report.claims[12].text)
    assert '<a href="#species-13-1" class="m-species"' in claim13
    # the margin number OCR left in the name is shown removed, with the original on hover
    assert 'title="OCR repair (margin-number): removed “8 ”"' in claim13
    claim1 = str(report.claims[0].text)
    assert '<a href="#structure-1-1" class="m-formula"' in claim1
    assert 'class="m-salts"' in claim1


def test_the_report_of_000_draws_the_smarts_structure_marks_inferred_ones_and_the_route(
        stored: dict[str, StoredPatent]) -> None:
    report = patent_report(stored[ID_000])
    assert [(s.view.name, s.view.origin) for s in report.structures] == [
        ("claim 1, formula A", "curated"), ("claim 1, formula I", "curated"),
        ("claim 1, formula 3", "curated, inferred"), ("claim 1, formula 4", "curated, inferred"),
        ("claim 1, formula 5", "curated, inferred")]
    assert all(s.picture.ok for s in report.structures)
    assert [(v.variable, v.alternatives) for v in report.structures[0].variables] == [
        ("R1", "hydrogen | amino protecting group"), ("Y", "CH | nitrogen")]
    route = report.claims[0].route
    assert route is not None and route.relation == "a sequence"
    assert [(s.marker, [p.name for p in s.reactants], [p.name for p in s.products], s.agents) for s in route.steps] == [
        ("step 1", ["formula 3"], ["formula 4"], (("reagent", "hydroxylamine or an acid addition salt thereof"),)),
        ("step 2", ["formula 4"], ["formula 5"], (("condition", "hydrogenation"), ("catalyst", "Raney nickel"))),
        ("step 3", ["formula I"], ["formula A"], ())]
    assert all(p.picture is not None and p.picture.ok for s in route.steps for p in (*s.reactants, *s.products))
    assert report.claims[1].route is not None and report.claims[1].route.inherits_from == 1
    (species,) = report.species
    assert (species.inchikey, species.covered_by, species.other_links) == (
        "VOAZJEPQLGBXGO-SDAWRPRTSA-N", (), ((1, "product of process"), (2, "product of process")))
    html = render_report(report)
    assert html.count('<span class="badge inferred">inferred</span>') == 3 * 2  # claim 1's section and the cards
    assert [(n.severity, n.code, n.claim) for n in report.notes] == [("info", "formula-label-inferred", 1)]


@pytest.mark.parametrize("pid", REAL_IDS)
def test_a_real_claim_set_reports_every_claim_and_species(stored: dict[str, StoredPatent], pid: str) -> None:
    patent = stored[pid].record.patent
    report = patent_report(stored[pid])
    ids = parse(render_report(report)).ids()
    assert {f"claim-{c.number}" for c in patent.claims} <= ids
    assert {f"species-{c.number}-{s.index}" for c in patent.claims for s in c.species} <= ids
    assert len(report.species) == sum(len(c.species) for c in patent.claims)


def test_the_diagnostics_say_what_could_not_be_read_or_decided(stored: dict[str, StoredPatent]) -> None:
    report = patent_report(stored["US3953440"])
    # claim 1 is a Jepson process claim; claims 2, 3, 4 and 6 are stubs cut off in the source
    assert [(n.severity, n.code, n.claim) for n in report.notes] == [
        ("warning", "cut-claim", 2), ("warning", "cut-claim", 3), ("warning", "cut-claim", 4),
        ("warning", "claim-number-gap", 6), ("warning", "cut-claim", 6)]
    html = render_report(report)
    assert "claim 6 follows claim 4; no claim 5" in html


HOSTILE = ('1. A compound <script>alert("x")</script> of the formula\n\n'
           'wherein R1 is "><img src=x onerror=alert(1)> or amino, and R2 is <b onmouseover=alert(2)>carboxy</b>.\n'
           '2. A compound of claim 1 which is </textarea><svg onload=alert(3)>methyl "quoted" & <iframe src=//x>.\n')


def hostile_patent() -> StoredPatent:
    patent = parse_text(HOSTILE, "hostile")
    return StoredPatent(PatentRecord(patent, None, None, ()), PatentScope(patent, None, species_targets(patent, {})))


def test_hostile_claim_text_renders_inert() -> None:
    html = render_report(patent_report(hostile_patent()))
    page = parse(html)
    tags = {t for t, _a in page.tags}
    assert not tags & {"script", "img", "iframe", "b"}
    assert not [t for t, _a in page.tags if t == "svg" and "onload" in _a]
    assert not [(t, k) for t, a in page.tags for k in a if k.startswith("on")]
    text = "".join(page.text)
    assert '<script>alert("x")</script>' in text
    assert "<img src=x onerror=alert(1)>" in text or "onerror=alert(1)" in text
    assert "<iframe src=//x>" in text


def test_write_reports_writes_a_page_per_patent_and_an_index(stored: dict[str, StoredPatent], tmp_path: Path) -> None:
    files = write_reports([stored[ID_002], stored[ID_000]], tmp_path / "out")
    assert [p.name for p in files.written] == [f"{ID_002}.html", f"{ID_000}.html"]
    assert files.failed == ()
    assert files.index == tmp_path / "out" / "index.html"
    index = parse(files.index.read_text())
    assert [a["href"] for t, a in index.tags if t == "a" and a.get("href", "").endswith(".html")] == [
        f"{ID_002}.html", f"{ID_000}.html"]
    assert stat.S_IMODE(files.written[0].stat().st_mode) == 0o644
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        [f"{ID_002}.html", f"{ID_000}.html", "index.html"])  # no temp file left behind


def test_cli_report_writes_the_reports_and_names_an_unknown_patent(report_store_dir: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r"
    result = runner.invoke(main, ["report", ID_000, "US4130558A", "-o", str(out), "--store", str(report_store_dir)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{ID_000}.html", "US4130558A.html", "index.html"])
    assert f"wrote {out / (ID_000 + '.html')}" in result.output
    bad = runner.invoke(main, ["report", "nope", "-o", str(tmp_path / "x"), "--store", str(report_store_dir)])
    assert bad.exit_code == 1
    assert "patent(s) nope not in the store" in bad.output
    assert not (tmp_path / "x").exists()
