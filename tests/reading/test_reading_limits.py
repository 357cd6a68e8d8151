"""No input hangs the reader: hostile shapes finish (in seconds: benchmarks/pathological.py times
them), and a file beyond the documented limits fails alone with a message naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cephkg import InputError, KnowledgeStore, build, parse_file
from cephkg.reading import limits, read_text

FIRST = ("1. A compound of the formula:\n\n\nwherein R1 is amino or a protected amino group, and R2 is carboxy or a "
         "protected carboxy group, or a pharmaceutically acceptable salt thereof.\n")


def test_claims_citing_any_one_of_all_earlier_claims() -> None:
    lines = ["What is claimed is:", "", FIRST]
    lines += [f"{k}. A compound according to {'claim 1' if k == 2 else f'any one of claims 1 to {k - 1}'}, "
              "wherein R1 is amino.\n" for k in range(2, 1001)]
    patent = read_text("\n".join(lines), "any-one-of")
    assert len(patent.claims) == 1000
    assert patent.claim(1000).depends_on == tuple(range(1, 1000))


def test_a_5000_claim_dependency_chain() -> None:
    lines = ["What is claimed is:", "", FIRST]
    lines += [f"{k}. A compound of claim {k - 1}, wherein R1 is amino.\n" for k in range(2, 5001)]
    patent = read_text("\n".join(lines), "chain")
    assert [c.depends_on for c in patent.claims[-2:]] == [(4998,), (4999,)]


def test_a_megabyte_of_claims_on_one_line() -> None:
    claim = ("A compound according to claim {p}, wherein R1 is amino or a protected amino group, and R2 is lower "
             "alkanoyloxy(lower)alkoxycarbonyl or (5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl, or a "
             "pharmaceutically acceptable salt thereof.")
    parts = ["1. A compound of the formula ##STR1## wherein R1 is amino."]
    parts += [f"{k}. " + claim.format(p=k - 1) for k in range(2, 4500)]
    text = "What is claimed is: " + " ".join(parts)
    assert len(text) > 1_000_000 and "\n" not in text
    patent = read_text(text, "one-line")
    assert len(patent.claims) == 4499  # claim numbers past 999 are claims too
    assert patent.claim(4499).depends_on == (4498,)


def test_one_claim_of_a_megabyte() -> None:
    text = ("1. A compound of the formula ##STR1## wherein R1 is " + ", ".join(f"alkyl{i}" for i in range(90_000))
            + " or amino.")
    assert len(text) > 1_000_000
    [claim] = read_text(text, "long").claims
    assert len(claim.definitions[0].alternatives) == 90_001


def test_a_long_word_with_a_line_end_hyphen() -> None:
    text = "1. A compound wherein R1 is " + "a" * 400_000 + "-\nyl.\n2. A compound of claim 1."
    assert [c.number for c in read_text(text, "word").claims] == [1, 2]


def test_a_file_beyond_the_size_limit_fails_alone_with_its_name(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # a sparse file: its size is checked before anything is read
        fh.truncate(limits.MAX_FILE_BYTES + 1)
    good = tmp_path / "good.txt"
    good.write_text("1. A compound of the formula\n\nwherein R1 is amino.\n", encoding="utf-8")
    with pytest.raises(InputError, match=rf"big.txt: the file is {limits.MAX_FILE_BYTES + 1:,} bytes; the limit is "):
        parse_file(big)
    with KnowledgeStore(tmp_path / "store") as store:
        report = build([big, good], store)
    assert [r.built for r in report.files] == [False, True]
    assert report.files[0].error is not None and "big.txt" in report.files[0].error


def test_too_many_claims_fail_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cephkg.reading.claims.MAX_CLAIMS", 10)
    text = "\n".join(f"{k}. A compound X{k}." for k in range(1, 12))
    with pytest.raises(InputError, match=r"many.txt: 11 claims; the limit is 10 per patent"):
        read_text(text, "many", "many.txt")


def test_a_line_too_long_fails_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cephkg.reading.source.MAX_LINE_CHARS", 100)
    with pytest.raises(InputError, match=r"wide.txt: line 2 is 201 characters long; the limit is 100"):
        read_text("1. A compound X.\n" + "y" * 201 + "\n", "wide", "wide.txt")


def test_a_claim_too_long_fails_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cephkg.reading.claims.MAX_CLAIM_CHARS", 50)
    with pytest.raises(InputError, match=r"long.txt: claim 2 is 58 characters long; the limit is 50"):
        read_text("1. A compound X.\n2. A compound " + "y" * 46 + ".\n", "long", "long.txt")


@pytest.mark.parametrize(("bom", "encoding"), [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"),
                                               (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be")])
def test_utf16_and_utf32_with_a_bom_decode(tmp_path: Path, bom: bytes, encoding: str) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(bom + "1. A compound of the formula\r\n\r\nwherein R¹ is amino.\r\n".encode(encoding))
    assert parse_file(path).claim(1).definition_map() == {"R1": ["amino"]}


def test_a_long_proviso_is_kept_as_text() -> None:
    text = ("1. A compound of the formula ##STR1## wherein R1 is amino, with the proviso that when "
            + " and ".join(f"R{i} is methyl, ethyl" for i in range(2, 30_000)) + ", R1 is not methyl.")
    [claim] = read_text(text, "proviso").claims
    [proviso] = claim.provisos
    assert not proviso.decidable and [c.relation for c in proviso.then] == ["statement"]


def test_thousands_of_formulas_each_with_a_definition() -> None:
    text = "1. A process which comprises " + " ".join(
        f"reacting a compound of the formula ##STR{i}## wherein R{i % 90} is amino" for i in range(8000)) + "."
    [claim] = read_text(text, "formulas").claims
    assert len(claim.formulas) == 8000
    assert claim.formulas[-1].definitions[0].variable == "R79"
