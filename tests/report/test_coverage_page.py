"""The coverage page: the query drawn per claim, core and R-groups coloured, near misses and why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rdkit import Chem

from cephkg.chem.coverage import CoverageResult, covers, prepare_target
from cephkg.cli import main
from cephkg.report import StoredPatent, coverage_page, render_coverage
from cephkg.report.coverage import CoveragePage
from cephkg.report.draw import CORE_COLOUR, FAIL_COLOUR, PALETTE, hex_colour
from conftest import POM_ESTER
from seeds import ID_002

ESTER = Chem.MolFromSmarts("[CX3](=O)O[CH2]OC(=O)C(C)(C)C")


@pytest.fixture(scope="module")
def pom(stored: dict[str, StoredPatent]) -> tuple[CoverageResult, CoveragePage]:
    scopes = [stored[ID_002].scope]
    result = covers(POM_ESTER, scopes)
    return result, coverage_page(result, scopes, href=lambda p, n: f"/patent/{p}#claim-{n}")


def ester_atoms() -> tuple[int, ...]:
    parent = prepare_target(POM_ESTER).parent
    (match,) = parent.GetSubstructMatches(ESTER)
    return tuple(sorted(match))


def fills(svg: str) -> dict[int, str]:
    """Atom index → the colour its highlight is filled with, from RDKit's SVG."""
    return {int(m.group(1)): m.group(2) for m in re.finditer(r"<ellipse[^>]*class='atom-(\d+)'[^>]*fill:(#[0-9A-F]{6})", svg)}


def test_the_pom_ester_page_shows_claims_1_2_4_11_13(pom: tuple[CoverageResult, CoveragePage]) -> None:
    _result, page = pom
    hits = page.group("hits")
    assert hits is not None
    assert [v.claim for v in hits.verdicts if v.relation == "covers"] == [1, 2, 4, 11, 13]
    assert [(v.claim, v.relation) for v in hits.verdicts if v.relation != "covers"] == [
        (20, "product of process"), (21, "composition"), (22, "method of treatment"), (23, "use")]
    assert all(v.picture is not None and v.picture.ok for v in hits.verdicts if v.relation in ("covers", "product of process"))
    assert hits.verdicts[3].href == f"/patent/{ID_002}#claim-11"


def test_claim_11_colours_the_ester_group_with_the_term_it_satisfied(pom: tuple[CoverageResult, CoveragePage]) -> None:
    _result, page = pom
    hits = page.group("hits")
    assert hits is not None
    claim11 = next(v for v in hits.verdicts if v.claim == 11)
    legend = {g.label: g for g in claim11.legend}
    assert sorted(legend) == ["R1", "R2"]
    r2 = legend["R2"]
    assert (r2.fragment, r2.term, r2.failed) == ("[*]C(=O)OCOC(=O)C(C)(C)C", "lower alkanoyloxy(lower)alkoxycarbonyl", False)
    assert r2.atoms == ester_atoms()
    assert r2.colour == hex_colour(PALETTE[1])  # colours follow the map numbers: R1 first, R2 second
    assert (legend["R1"].term, len(legend["R1"].atoms)) == ("amino", 1)
    assert claim11.picture is not None and claim11.picture.svg is not None
    coloured = fills(str(claim11.picture.svg))
    assert {coloured[a] for a in ester_atoms()} == {r2.colour}
    core = [a for a, c in coloured.items() if c == hex_colour(CORE_COLOUR)]
    assert len(core) == 22  # the generic structure: 24 atoms, of which two are the variables
    # claim 4 reads the same group as esterified carboxy
    claim4 = next(v for v in hits.verdicts if v.claim == 4)
    assert next(g.term for g in claim4.legend if g.label == "R2") == "esterified carboxy"


def test_claim_13_is_the_species_itself(pom: tuple[CoverageResult, CoveragePage]) -> None:
    _result, page = pom
    hits = page.group("hits")
    assert hits is not None
    claim13 = next(v for v in hits.verdicts if v.claim == 13)
    (item,) = claim13.legend
    assert (item.label, len(item.atoms), claim13.via, claim13.salt_rule) == (
        "species", prepare_target(POM_ESTER).parent.GetNumAtoms(), "species", "the species itself")


def test_the_near_miss_of_claim_14_marks_the_failing_group_and_says_why(pom: tuple[CoverageResult, CoveragePage]) -> None:
    _result, page = pom
    near = page.group("near_misses")
    assert near is not None
    assert [v.claim for v in near.verdicts] == [5, 7, 9, 14, 16, 18]
    claim14 = next(v for v in near.verdicts if v.claim == 14)
    (r2,) = [g for g in claim14.legend if g.failed]
    assert (r2.label, r2.colour, r2.atoms) == ("R2", hex_colour(FAIL_COLOUR), ester_atoms())
    assert r2.term == ("R2 = [*]C(=O)OCOC(=O)C(C)(C)C is not higher alkanoyloxy(lower)alkoxycarbonyl: alkanoyl has 5 "
                       "carbons, higher allows 7 to 20 (claim 14)")
    assert claim14.picture is not None and claim14.picture.svg is not None
    assert {fills(str(claim14.picture.svg))[a] for a in ester_atoms()} == {hex_colour(FAIL_COLOUR)}
    html = render_coverage(page)
    assert "alkanoyl has 5 carbons, higher allows 7 to 20 (claim 14)" in html


@dataclass(frozen=True)
class WithUndecided:
    """A coverage answer with a verdict list the page does not know yet (issue 11's "cannot decide")."""

    base: CoverageResult
    extra: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {**self.base.to_dict(), "undecided": self.extra}

    @property
    def query(self) -> Any:
        return self.base.query


def test_a_new_kind_of_verdict_gets_its_own_section(pom: tuple[CoverageResult, CoveragePage],
                                                     stored: dict[str, StoredPatent]) -> None:
    result, _page = pom
    undecided = {"patent": ID_002, "claim": 16, "category": "compound", "relation": "covers", "dependent": True,
                 "via": "markush", "assignment": {}, "reasons": ["R2: the term cannot be read <b>bold</b>"],
                 "structure": "claim 1 formula 1", "unknown_key": "kept"}
    page = coverage_page(WithUndecided(result, [undecided]), [stored[ID_002].scope])  # type: ignore[arg-type]
    group = page.group("undecided")
    assert group is not None and group.title == "Cannot decide"
    (v,) = group.verdicts
    assert (v.claim, v.reasons, v.extra) == (16, ("R2: the term cannot be read <b>bold</b>",), (("unknown_key", "kept"),))
    assert v.picture is not None and v.picture.ok
    html = render_coverage(page)
    assert '<h2 id="undecided">Cannot decide</h2>' in html
    assert "R2: the term cannot be read &lt;b&gt;bold&lt;/b&gt;" in html


def test_cli_covers_html_writes_the_page(report_store_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "pom.html"
    result = CliRunner().invoke(main, ["covers", POM_ESTER, "--patent", ID_002, "--html", str(out),
                                       "--store", str(report_store_dir)])
    assert result.exit_code == 0, result.output
    html = out.read_text()
    assert html.count('data-group="hits"') == 9 and html.count('data-group="near_misses"') == 6
    assert "lower alkanoyloxy(lower)alkoxycarbonyl" in html
    assert f"wrote {out}" in result.output
