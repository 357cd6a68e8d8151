"""Reading and repairing OCR'd claim text: every repair is recorded, every offset kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from cephkg import InputError
from cephkg.model import SourceDocument
from cephkg.reading import canonical_variable, clean, clean_file, decode
from seeds import SEED_000, SEED_002


def cleaned(text: str):
    return clean(SourceDocument("t.txt", "t", text, ""))


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("R^1", "R1"), ("R¹", "R1"), ("R²", "R2"), ("R<sup>1</sup>", "R1"), ("R.sup.1", "R1"),
        ("R.sub.1", "R1"), ("R^2_a", "R2a"), ("R.sub.a.sup.2", "R2a"), ("R_a^2", "R2a"),
        ("R1", "R1"), ("Z^1", "Z1"), ("R^{12}", "R12"), ("R₂", "R2"),
    ],
)
def test_variable_notations_share_one_canonical_name(written: str, canonical: str) -> None:
    assert canonical_variable(written) == canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in which R^2_a is", "in which R2a is"),
        ("in which R.sub.a.sup.2 is", "in which R2a is"),
        ("where R<sup>1</sup> and Z<sup>1</sup> are", "where R1 and Z1 are"),
        ("R¹ is amino", "R1 is amino"),
    ],
)
def test_variables_are_normalised_in_running_text(text: str, expected: str) -> None:
    assert cleaned(text).text == expected


def test_every_repair_records_the_original_source_text() -> None:
    ct = clean_file(SEED_002)
    assert ct.repairs, "the seed is noisy"
    for repair in ct.repairs:
        assert ct.source.text[repair.span[0]:repair.span[1]] == repair.original


def test_each_clean_character_maps_back_to_its_original() -> None:
    ct = clean_file(SEED_002)
    start = ct.text.index("pivaloyloxymethyl")
    a, b = ct.original_span(start, start + len("pivaloyloxymethyl"))
    assert ct.source.text[a:b] == "pivaloyloxymethyl"


@pytest.mark.parametrize(
    ("noise", "kind"),
    [
        ("- 15 2. A compound of claim 1.", "margin-number"),
        ("- 10 P in which R1 is amino.", "margin-number"),
        ("44/52\n", "page-mark"),
        ("04004\n", "page-mark"),
        ("44\n", "page-mark"),
        ("8 9 palmitoyloxymethyl ester", "margin-number"),
        ("\\checkmark phthalid-3-yl ester", "ocr-mark"),
        ("comprises, ~~as an~~ amount", "struck-text"),
        ("10 *a 20* 21. A composition", "ocr-mark"),
        ("End\n", "trailing-mark"),
        ("Add B'\n", "trailing-mark"),
        ("a &amp; b", "html-entity"),
        ("\\* denotes", "markdown-escape"),
    ],
)
def test_noise_kinds_are_removed_and_recorded(noise: str, kind: str) -> None:
    ct = cleaned(noise)
    assert kind in {r.kind for r in ct.repairs}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- 15 2. A compound of claim 1.", "2. A compound of claim 1."),
        ("- 10 P in which R1 is amino.", "in which R1 is amino."),
        ("8 9 palmitoyloxymethyl ester", "palmitoyloxymethyl ester"),
        ("8 9 1 l-propionyloxyethyl ester", "1-propionyloxyethyl ester"),
        ("5 \\checkmark (5-methyl-2-oxo-1,3-dioxol-4-yl)methyl", "(5-methyl-2-oxo-1,3-dioxol-4-yl)methyl"),
        ("comprises, ~~as an~~ antimicrobially", "comprises, antimicrobially"),
        ("10 *a 20* 21. A pharmaceutical", "21. A pharmaceutical"),
        ("15 *a* 22. A method", "22. A method"),
        ("25 in which R1 is", "in which R1 is"),
        ("2 or 3 carbon atoms", "2 or 3 carbon atoms"),
        ("thereof.\n44/52\n04004\nEnd\nAdd B'\n43", "thereof.\n\n\n\n\n"),
        ("a &lt;b&gt; &#946;", "a <b> β"),
    ],
)
def test_noise_repairs_give_exact_text(text: str, expected: str) -> None:
    assert cleaned(text).text == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2-(2-aminothiazol-4-yl)acet-\namido", "2-(2-aminothiazol-4-yl)acetamido"),
        ("3-vinyl-3-cephem-\n4-carboxylate", "3-vinyl-3-cephem-4-carboxylate"),
        ("the N-hydroxy-\n\npyrrolidine", "the N-hydroxy-pyrrolidine"),
        ("carboxy(lower)-\nalkoxycarbonyl", "carboxy(lower)-alkoxycarbonyl"),
        ("hydroxyiminoacetamido]-\n3-vinyl", "hydroxyiminoacetamido]-3-vinyl"),
        ("meth-\noxy", "methoxy"),
    ],
)
def test_line_break_hyphens_are_joined_or_kept(text: str, expected: str) -> None:
    ct = cleaned(text)
    assert ct.text == expected
    assert any(r.kind == "hyphenation" for r in ct.repairs)


def test_seed_000_repairs() -> None:
    ct = clean_file(SEED_000)
    assert [(r.kind, r.original, r.replacement) for r in ct.repairs] == [
        ("variable-notation", "R<sup>1</sup>", "R1"),
        ("markdown-escape", "\\*", "*"),
        ("variable-notation", "R<sup>1</sup>", "R1"),
        ("markdown-escape", "\\*", "*"),
        ("variable-notation", "Z<sup>1</sup>", "Z1"),
        ("hyphenation", "hydroxy-\n\n", "hydroxy-"),
    ]


def test_empty_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n")
    with pytest.raises(InputError, match=r"empty\.txt: the file is empty"):
        clean_file(path)


def test_binary_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(InputError, match=r"image\.txt: the file is binary"):
        clean_file(path)


def test_non_utf8_text_is_decoded_with_a_warning() -> None:
    text, notes = decode("1. A compound in which R\xb2 is amino.".encode("cp1252"), "latin.txt")
    assert text == "1. A compound in which R² is amino."
    assert [(n.code, n.source) for n in notes] == [("not-utf8", "latin.txt")]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="nope.txt: cannot read"):
        clean_file(tmp_path / "nope.txt")
