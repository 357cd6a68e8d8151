"""Every input format, read from its fixtures in tests/data/<format>/, against exact expectations.

The expectations (tests/data/formats-expected.json) give, for each fixture, the publication,
the title, every claim's number in file order, the claims it cites, how its text starts and
how many formula images it shows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cephkg import InputError, parse_file
from cephkg.reading import read_documents, read_patents
from cephkg.reading.formats import FORMATS, reader_for, sniff
from seeds import ROOT

DATA = ROOT / "tests" / "data"
EXPECTED: dict[str, Any] = json.loads((DATA / "formats-expected.json").read_text(encoding="utf-8"))
FIXTURES = {f["file"]: f for f in EXPECTED["fixtures"]}
WITH_CLAIMS = sorted(f for f, fx in FIXTURES.items() if fx.get("claims") or fx.get("documents"))
# The format names of the fixtures' descriptions, as cephkg's readers are named.
READER_OF = {"uspto-redbook": "uspto-xml", "uspto-redbook-bulk": "uspto-xml", "epo-xml": "epo-xml",
             "wipo-st36": "wipo-xml", "google-patents-html": "google-patents", "plain-text": "text",
             "uspto-aps-greenbook": "uspto-aps", "uspto-patdoc-v25": "uspto-patdoc"}
_PLACEHOLDER = re.compile(r"\[(?:chem|table) \d+\]|##(?:STR|SPC)\d+##|<IMG>")


def _documents(fx: dict[str, Any]) -> list[dict[str, Any]]:
    return fx.get("documents") or [fx]


def _start(text: str, n: int = 40) -> str:
    m = _PLACEHOLDER.search(text)
    return text[: min(n, m.start() if m else n)].rstrip()


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_the_format_is_sniffed_from_the_content(name: str) -> None:
    fx = FIXTURES[name]
    [(source, _doc, _notes), *_rest] = read_documents(DATA / name)
    assert source.format == READER_OF[fx["format"]]
    assert source.format in FORMATS


@pytest.mark.parametrize("name", WITH_CLAIMS)
def test_every_fixture_reads_as_expected(name: str) -> None:
    fx = FIXTURES[name]
    patents = read_patents(DATA / name)
    assert len(patents) == len(_documents(fx))
    for want, patent in zip(_documents(fx), patents):
        publication = (want.get("publication") or {}).get("normalised")
        assert patent.source.publication == publication
        if fx["format"] != "plain-text":  # a plain text's title is not read
            assert patent.source.title == want["title"]
        assert [c.number for c in patent.claims] == [c["number"] for c in want["claims"]]
        for c in want["claims"]:
            claim = patent.claim(c["number"])
            if c["depends_on"] is None:  # a stub or a claim cut off by the page
                assert claim.cut, claim.text
            else:
                assert sorted(claim.refers_to) == sorted(c["depends_on"])
            if fx["format"] == "plain-text":  # the claim's own characters, line breaks folded
                start, end = claim.span
                body = re.sub(r"^\s*(?:-\s*)?\"?(?:claim\s+)?\d+\s*[.)]\s*", "",
                              " ".join(patent.source.text[start:end].split()), flags=re.I)
                assert body.startswith(c["text_startswith"]) or _start(body) == c["text_startswith"], body[:60]
            else:
                assert _start(claim.text) == c["text_startswith"], claim.text[:60]
            assert sum(1 for f in claim.formulas if f.placeholder) == c["formula_placeholders"]


def test_the_justia_page_without_claims_makes_no_claims() -> None:
    with pytest.raises(InputError, match="justia-US4871730-abstract-no-claims.txt: no numbered claims found"):
        read_patents(DATA / "plain-text" / "justia-US4871730-abstract-no-claims.txt")


def test_a_bulk_file_is_read_as_one_patent_per_document() -> None:
    path = DATA / "uspto-xml" / "ipg-bulk-3-grants.xml"
    whole = path.read_text(encoding="utf-8")
    patents = read_patents(path)
    assert [p.patent_id for p in patents] == ["US-4130558-A", "US-4354022-A", "US-5977352-A"]
    assert [len(p.claims) for p in patents] == [2, 6, 3]
    offsets = [p.source.offset for p in patents]
    assert offsets[0] == 0 and offsets == sorted(offsets) and len(set(offsets)) == 3
    for p in patents:
        # each patent's text is its part of the file, and its spans count from that part's start
        assert whole[p.source.offset:p.source.offset + len(p.source.text)] == p.source.text
        for claim in p.claims:
            a, b = claim.span
            assert whole[p.source.offset + a:p.source.offset + b] == p.source.text[a:b]
    with pytest.raises(InputError, match="the file holds 3 patents"):
        parse_file(path)


def test_xml_spans_quote_the_file_characters() -> None:
    patent = parse_file(DATA / "uspto-xml" / "US20990000001-application-v46.xml")
    claim = patent.claim(1)
    quote = patent.source.text[claim.span[0]:claim.span[1]]
    # from the claim's number to its last word, markup included: the file's own characters
    assert quote.startswith("1</b>. A cephem compound of the formula:\n<chemistry id=\"CHEM-US-00011\"")
    assert quote.endswith("and pharmaceutically acceptable salts thereof.")
    [r3] = [d for d in claim.definitions if d.variable == "R3"]
    assert patent.source.text[r3.span[0]:r3.span[1]] == (
        "R<sup>3 </sup>is 1-(2-propynyl)-1H-tetrazol-5-yl or 2-(2-propynyl)-2H-tetrazol-5-yl")
    assert r3.alternatives == ("1-(2-propynyl)-1H-tetrazol-5-yl", "2-(2-propynyl)-2H-tetrazol-5-yl")
    # "claims 1 to 3" as two claim-ref elements is a range
    assert patent.claim(4).depends_on == (1, 2, 3)


def test_epo_reads_the_english_claims_only() -> None:
    patent = parse_file(DATA / "epo-xml" / "EP9900001-B1-v1-5-de-en-fr.xml")
    assert patent.source.publication == "EP-9900001-B1"
    assert all("Verfahren" not in c.text and "Procédé" not in c.text for c in patent.claims)
    assert patent.claim(1).text.startswith("A process for preparing 3-norcephem compound")
    assert [(d.code, d.message) for d in patent.diagnostics if d.code == "other-language-claims"] == [
        ("other-language-claims", "claims in other languages are kept out: de (3), fr (3)")]
    assert patent.claim(1).numeric_map() == {"n": [[0, 2]]}


def test_a_machine_translated_google_page_is_flagged_and_its_original_dropped() -> None:
    patent = parse_file(DATA / "google-patents" / "DE9900003A1-google-patents-translated.html")
    assert [d.code for d in patent.diagnostics] == ["machine-translated"]
    assert all("Verfahren" not in c.text for c in patent.claims)
    assert patent.claim(2).depends_on == (1,)


def test_a_red_book_grant_declaring_more_claims_than_it_holds_is_a_warning() -> None:
    patent = parse_file(DATA / "uspto-xml" / "US04354022-grant-v47.xml")
    assert [(d.code, d.message) for d in patent.diagnostics] == [
        ("claim-count-mismatch", "the document declares 8 claims and holds 6")]


def test_patdoc_named_entities_are_decoded_without_the_dtd() -> None:
    patent = parse_file(DATA / "uspto-patdoc" / "US04130558-patdoc-v25.xml")
    assert "4° C." in patent.claim(1).text


def test_a_format_can_be_named_and_a_wrong_one_is_an_error() -> None:
    path = DATA / "uspto-xml" / "US05977352-grant-v45.xml"
    assert parse_file(path, fmt="uspto-xml").claim(2).depends_on == (1,)
    with pytest.raises(InputError, match="not an ep-patent-document"):
        parse_file(path, fmt="epo-xml")
    with pytest.raises(InputError, match="unknown input format 'pdf'"):
        parse_file(path, fmt="pdf")


@pytest.mark.parametrize(("head", "name"), [
    ('<?xml version="1.0"?>\n<!DOCTYPE us-patent-grant SYSTEM "x.dtd" [ ]>\n<us-patent-grant>', "uspto-xml"),
    ('<?xml version="1.0"?><!-- a comment --><ep-patent-document lang="en">', "epo-xml"),
    ('<wo-patent-document lang="en">', "wipo-xml"),
    ("PATN\nWKU  059773529\n", "uspto-aps"),
    ('<!DOCTYPE html><html><head><link rel="canonical" href="https://patents.google.com/patent/US1A/en">', "google-patents"),
    ("<html><body><p>1. A compound.</p></body></html>", "html"),
    ("What is claimed is:\n1. A compound.", "text"),
])
def test_sniffing(head: str, name: str) -> None:
    assert sniff(head).name == name
    assert reader_for(head, "auto").name == name
    assert reader_for(head, "text").name == "text"


def test_a_web_page_is_read_as_its_text_with_offsets_into_the_page(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Cephems</title><script>var x = '1. A trap.';</script></head><body>"
                    "<h2>Claims</h2><p>1. A compound of the formula ##STR1## wherein R<sup>1</sup> is amino &amp; "
                    "more.</p><p>2. A compound of claim 1, wherein R1 is amino.</p></body></html>", encoding="utf-8")
    patent = parse_file(page)
    assert patent.source.format == "html" and patent.source.title == "Cephems"
    assert [(c.number, c.depends_on) for c in patent.claims] == [(1, ()), (2, (1,))]
    [r1] = patent.claim(1).definitions
    assert patent.source.text[r1.span[0]:r1.span[1]] == "R<sup>1</sup> is amino &amp; more"
