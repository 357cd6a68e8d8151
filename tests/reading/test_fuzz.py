"""Property-based fuzzing of the reader (hypothesis): random claim texts built from the pieces
real claims are made of — markers, preambles, citations, definitions, provisos, notations,
markup, OCR noise, stray Unicode — in plain text and inside patent-office XML.

Whatever the input: the reader raises nothing but a CephkgError; every span lies inside the
source text; every repair's original is what the source holds there; reading twice gives the
same model; the model round-trips through JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cephkg import CephkgError, Patent
from cephkg.model import Span
from cephkg.reading import read_text

PIECES = [
    "1. ", "2. ", "3. ", "- 1. ", "1) ", "Claim 2. ", "99999999999999999999. ", "10 *a 20* 4. ", "\n", "\n\n", " ",
    "What is claimed is:\n", "We claim:", "Claims\n", "Abstract\n", "exact text as granted — not AI-modified",
    "The embodiments of the invention in which an ex-\nclusive property or privilege is claimed are defined as follows:",
    "A compound of the formula", "Compounds of the formula (I)", "A process for preparing", "In the process for",
    "A pharmaceutical composition comprising", "A method of treating", "Use of", "A salt of said compound",
    " ##STR12## ", " <IMG> ", " FORMULA (I) ", " [chem 1] ", ":", ";", ",", ".", " wherein ", " in which ",
    "R1 is", "R.sup.1 is", "R 2  is", "R^2_a is", "R<sup>3</sup> is", "R¹ is", "R′ is", "R.sub.1 .degree. is",
    "R, R1 and R2, which may be the same or different, each represents", "each R3 is independently",
    "R5 and R6 together with the carbon atom to which they are attached form", "n is 0, 1 or 2",
    "m is an integer of 1 to 4", "Het is", " amino", " a protected amino group", " hydrogen, methyl and ethyl",
    " selected from the group consisting of", " which may have hydroxy, amino or protected amino", " or ", " and ",
    " imino or amido", " arnino", " phthalidylloxycarbonyl", " C.sub.1 -4 alkyl", " .beta.-lactam", " .dbd.N--OR.sup.7",
    " --S-- ", "with the proviso that when R1 and R2 are both hydrogen, R3 is other than methyl",
    "provided that p is not zero when Het is tetrazolyl", " and a pharmaceutically acceptable salt thereof",
    " or a salt or ester thereof", " according to claim 1", " according to any one of claims 1 to 3",
    " of claim 1", " as claimed in claim 2", " any preceding claim", " which is ", "7-amino-3-cephem-4-carboxylic acid",
    " (syn isomer)", " or its sodium salt", " comprising reacting", " (1) reacting", " (2) subjecting",
    " to give a compound of the formula", " in the presence of Raney nickel", " at 0.degree. C.",
    "\\checkmark ", "~~struck~~", "&amp;", "<b>", "</b>", "\\*", "44/52", "\n22\n", "- 10 P ", "acet-\namido",
    "Cited by (0)", "This application is a division", "\t", "(", ")", "[", "]", "{", "}", "\"", "'", "*",
]

_SAFE_TEXT = st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=12)

CLAIM_TEXTS = st.lists(st.one_of(st.sampled_from(PIECES), _SAFE_TEXT), min_size=1, max_size=60).map("".join)


def _spans(patent: Patent) -> Iterator[tuple[str, Span]]:
    for r in patent.repairs:
        yield "repair", r.span
    for d in patent.diagnostics:
        if d.span is not None:
            yield "diagnostic", d.span
    for c in patent.claims:
        yield "claim", c.span
        for r in c.repairs:
            yield "claim repair", r.span
        for d in c.definitions:
            yield "definition", d.span
        for f in c.formulas:
            yield "formula", f.span
            for d in f.definitions:
                yield "formula definition", d.span
        for s in c.species:
            yield "species", s.span
            for r in s.repairs:
                yield "species repair", r.span
        for step in c.steps:
            yield "step", step.span
            for a in step.agents:
                yield "agent", a.span
        for p in c.provisos:
            yield "proviso", p.span
            for cond in (*p.when, *p.then):
                yield "condition", cond.span
        for sd in c.shared_definitions:
            yield "shared definition", sd.span
        for jd in c.joint_definitions:
            yield "joint definition", jd.span
        for t in c.salt_types:
            yield "salt type", t.span
        if c.salts_clause is not None:
            yield "salts clause", c.salts_clause.span


def _check(text: str, patent_id: str = "fuzz") -> None:
    try:
        patent = read_text(text, patent_id)
    except CephkgError:
        return
    n = len(patent.source.text)
    for what, (a, b) in _spans(patent):
        assert 0 <= a <= b <= n, f"{what} span {(a, b)} outside a text of {n} characters"
    for repair in patent.repairs:
        assert patent.source.text[repair.span[0]:repair.span[1]] == repair.original
    assert read_text(text, patent_id) == patent
    data: dict[str, Any] = json.loads(json.dumps(patent.to_dict(with_source_text=True)))
    assert Patent.from_dict(data) == patent


_SETTINGS = settings(max_examples=150, deadline=None, derandomize=True, database=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(CLAIM_TEXTS)
def test_plain_text_claims(text: str) -> None:
    _check(text)


@_SETTINGS
@given(st.lists(CLAIM_TEXTS, min_size=1, max_size=4))
def test_claims_inside_red_book_xml(claims: list[str]) -> None:
    def escape(t: str) -> str:
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    body = "".join(f'<claim id="CLM-{k:05d}" num="{k:05d}"><claim-text>{k}. {escape(t)}'
                   f'<claim-text>R<sup>1 </sup>is <chemistry id="c{k}"><img file="x.tif"/></chemistry></claim-text>'
                   "</claim-text></claim>\n" for k, t in enumerate(claims, 1))
    text = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE us-patent-grant SYSTEM "x.dtd" [ ]>\n'
            "<us-patent-grant><us-bibliographic-data-grant><publication-reference><document-id><country>US"
            "</country><doc-number>01234567</doc-number><kind>B2</kind></document-id></publication-reference>"
            f"</us-bibliographic-data-grant><claims>{body}</claims></us-patent-grant>\n")
    _check(text)


@_SETTINGS
@given(st.text(max_size=400))
def test_arbitrary_text(text: str) -> None:
    _check(text)
