"""The named queries that carry the language of real claims: integer variables, provisos, salt
types and joint definitions, with exact rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cephkg import KnowledgeStore, build, run_query

TEXT = ("What is claimed is:\n"
        "1. A cephalosporin having the formula ##STR31## wherein R1 is amino or methyl, p is 0, 1, 2 or 3, Het is "
        "tetrazolyl or thiazolyl, and R5 and R6 together with the carbon atom to which they are attached form a "
        "cyclopropyl ring, with the proviso that p is not zero when Het is tetrazolyl; or a salt thereof.\n"
        "2. A compound of claim 1 wherein R1 is amino.\n"
        "3. A salt of the compound of claim 2 selected from the group consisting of an alkali metal salt and an "
        "ammonium salt.\n")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeStore]:
    folder = tmp_path_factory.mktemp("language")
    (folder / "lang.txt").write_text(TEXT, encoding="utf-8")
    with KnowledgeStore(folder / "store") as s:
        assert not build([folder / "lang.txt"], s).failed
        yield s


def rows(store: KnowledgeStore, name: str, **params: str) -> list[tuple[object, ...]]:
    result = run_query(store, name, **params)
    return [tuple(r[c] for c in result.columns) for r in result.as_dicts()]


def test_effective_definitions_give_integer_variables_their_ranges(store: KnowledgeStore) -> None:
    assert rows(store, "effective-definitions", patent="lang", claim="2") == [
        ("lang", 2, "Het", 1, 1, "tetrazolyl", None, None), ("lang", 2, "Het", 1, 2, "thiazolyl", None, None),
        ("lang", 2, "R1", 2, 1, "amino", None, None), ("lang", 2, "p", 1, None, None, 0, 3)]


def test_provisos_condition_by_condition(store: KnowledgeStore) -> None:
    text = "with the proviso that p is not zero when Het is tetrazolyl"
    assert rows(store, "provisos", patent="lang") == [
        ("lang", 1, text, True, "then", 1, "p", "all", "not-in", None, 0, 0, "p is not zero"),
        ("lang", 1, text, True, "when", 1, "Het", "all", "in", "tetrazolyl", None, None, "Het is tetrazolyl")]


def test_salt_type_constraints(store: KnowledgeStore) -> None:
    assert rows(store, "salt-type-constraints", patent="lang") == [
        ("lang", 3, "compound", "alkali metal"), ("lang", 3, "compound", "ammonium")]


def test_joint_definitions(store: KnowledgeStore) -> None:
    assert rows(store, "joint-definitions", patent="lang") == [
        ("lang", 1, "R5", "the carbon atom to which they are attached", "cyclopropyl ring"),
        ("lang", 1, "R6", "the carbon atom to which they are attached", "cyclopropyl ring")]


def test_the_salts_of_claim_3_are_no_species(store: KnowledgeStore) -> None:
    assert rows(store, "species", patent="lang") == []
