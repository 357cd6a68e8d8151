"""Repairs never change meaning: group terms are repaired only where OCR damaged them, Unicode
and the USPTO text notation are folded in the first stage, and every repair is recorded."""

from __future__ import annotations

import pytest

from cephkg import parse_text
from cephkg.reading import clean, source_from_text
from cephkg.reading.terms import Lexicon, lexicon_repairer


@pytest.mark.parametrize("word", ["imino", "amido", "acyl", "alkenyl", "alkynyl", "aroyl", "amine", "imide",
                                  "formamido", "methoxyl", "hetero", "protected", "p-methyoxybenzyl"])
def test_a_known_word_is_never_repaired(word: str) -> None:
    assert lexicon_repairer()(word) is None


@pytest.mark.parametrize(("damaged", "repaired"), [
    ("arnino", "amino"),                                   # rn read for m
    ("amin0", "amino"),                                    # O read as zero
    ("1ower alkyl", "lower alkyl"),                        # l read as one
    ("Iower alkyl", "lower alkyl"),                        # l read as capital I
    ("methy1", "methyl"),
    ("phthalidylloxycarbonyl", "phthalidyloxycarbonyl"),   # a doubled letter
    ("hetrocyclic", "heterocyclic"),                       # a dropped letter
    ("carbox ymethyl", "carboxymethyl"),                   # a word split by a space
])
def test_ocr_damage_is_repaired_to_the_one_known_word(damaged: str, repaired: str) -> None:
    assert lexicon_repairer()(damaged) == repaired


@pytest.mark.parametrize("term", ["methlenedioxy",    # three words one letter away: no repair
                                  "C1-4 alkyl", "R2a", "CH2", "OSO3H", "H"])
def test_an_ambiguous_word_or_a_symbol_is_left_alone(term: str) -> None:
    assert lexicon_repairer()(term) is None


def test_words_of_the_substituent_vocabulary_are_known() -> None:
    lexicon = Lexicon.load()
    assert lexicon.known("phthalidyloxycarbonyl") and lexicon.known("alkoxycarbonyloxy")
    assert not lexicon.known("arnino")


def test_imino_and_amido_stay_what_the_claim_says() -> None:
    claim = parse_text("1. A compound of the formula ##STR1## wherein R.sup.1 is imino or amido.", "i").claim(1)
    assert claim.definition_map() == {"R1": ["imino", "amido"]}
    assert [r.kind for r in claim.repairs if r.kind == "term-repair"] == []


def test_a_repair_of_a_group_term_is_recorded_and_warned() -> None:
    patent = parse_text("1. A compound of the formula ##STR1## wherein R1 is arnino or lower alkyl.", "r")
    claim = patent.claim(1)
    assert claim.definition_map() == {"R1": ["amino", "lower alkyl"]}
    [repair] = [r for r in claim.repairs if r.kind == "term-repair"]
    assert (repair.original, repair.replacement) == ("arnino", "amino")
    assert patent.source.text[repair.span[0]:repair.span[1]] == "arnino"
    assert [(str(d.code), d.severity, d.message) for d in patent.diagnostics] == [
        ("text-repaired", "warning", "the group term 'arnino' is read as 'amino' (an OCR repair)")]


def test_a_spacing_repair_is_recorded_but_not_warned() -> None:
    patent = parse_text("1. A compound of the formula\n\nwherein R2 is (5-lower alkyl-2-oxo-1,3-dioxol-4-yl) "
                        "(lower)-alkoxycarbonyl.", "s")
    assert [r.kind for r in patent.claim(1).repairs] == ["term-repair"]
    assert patent.diagnostics == ()


@pytest.mark.parametrize(("written", "read", "kind"), [
    ("R′ is methyl", "R' is methyl", "unicode"),             # a prime
    ("R1 is C1–4 alkyl", "R1 is C1-4 alkyl", "unicode"),       # an en dash
    ("X is ﬂuoro", "X is fluoro", "unicode"),                   # a ligature (NFKC)
    ("Y is .beta.-lactam", "Y is β-lactam", "notation"),        # USPTO dot codes
    ("Z is .dbd.N--OR.sup.7", "Z is =N--OR7", "notation"),
    ("at 0.degree. C.", "at 0° C.", "notation"),
])
def test_unicode_and_the_uspto_notation_are_folded_as_recorded_repairs(written: str, read: str, kind: str) -> None:
    source, notes = source_from_text(f"1. A compound wherein {written}.", "u")
    cleaned = clean(source, notes)
    assert read in cleaned.text
    assert kind in {r.kind for r in cleaned.repairs}
    for r in cleaned.repairs:
        assert source.text[r.span[0]:r.span[1]] == r.original


def test_superscript_digits_of_a_variable_stay_a_variable_notation() -> None:
    source, notes = source_from_text("1. A compound wherein R² is methyl and m² is area.", "s")
    cleaned = clean(source, notes)
    assert "R2 is methyl" in cleaned.text and "m2 is area" in cleaned.text
    assert [(r.kind, r.original) for r in cleaned.repairs] == [("variable-notation", "R²"), ("unicode", "²")]
