"""Everything covers, check, route, claims and reason need is in the store: the inputs can go."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cephkg.cli import main
from cephkg.rdf import iris
from cephkg.store.local import KnowledgeStore
from seeds import EXAMPLES, ID_000, ID_002

PIVOXIL = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1"  # cefdinir pivoxil, syn


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, tuple[int, str]], dict[str, tuple[int, str]]]:
    """The same commands before and after the input folder is deleted."""
    root = tmp_path_factory.mktemp("self-contained")
    inputs = root / "inputs"
    shutil.copytree(EXAMPLES, inputs)
    store = str(root / "store")
    assert run("build", str(inputs), "--store", store)[0] == 0
    commands = {
        "covers": ("covers", PIVOXIL, "--json", "--store", store),
        "check": ("check", "--json", "--store", store),
        "route": ("route", ID_000, "1", "--store", store),
        "claims": ("claims", ID_002, "--json", "--store", store),
        "tree": ("claims", ID_002, "--store", store),
        "reason": ("reason", ID_000, "--store", store),
    }
    before = {k: run(*v) for k, v in commands.items()}
    shutil.rmtree(inputs)
    after = {k: run(*v) for k, v in commands.items()}
    return before, after


@pytest.mark.parametrize("command", ["covers", "check", "route", "claims", "tree"])
def test_same_answer_after_the_inputs_are_gone(answers: tuple[dict, dict], command: str) -> None:
    before, after = answers
    assert before[command][0] == 0, before[command]
    assert after[command] == before[command]


def test_reasoning_after_the_inputs_are_gone(answers: tuple[dict, dict]) -> None:
    before, after = answers
    assert before["reason"][0] == after["reason"][0] == 0
    assert before["reason"][1].splitlines()[1].split()[:3] == after["reason"][1].splitlines()[1].split()[:3]


def test_covers_answers_from_the_store(answers: tuple[dict, dict]) -> None:
    _, after = answers
    hits = [(h["patent"], h["claim"]) for h in json.loads(after["covers"][1])["hits"] if h["relation"] == "covers"]
    assert hits == [(ID_002, n) for n in (1, 2, 4, 11, 13)]


def test_a_patent_whose_write_was_cut_short_is_skipped_and_named(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    assert run("build", str(EXAMPLES), "--store", str(store_dir))[0] == 0
    with KnowledgeStore(store_dir) as store:
        # what a kill between dropping the index entry and writing the new graphs leaves
        for q in list(store.oxigraph.quads_for_pattern(iris.patent(ID_000), None, None, iris.INDEX_GRAPH)):
            store.oxigraph.remove(q)
        assert store.patent_ids() == [ID_002]
        assert store.incomplete_patents() == [ID_000]
    result = CliRunner().invoke(main, ["covers", PIVOXIL, "--store", str(store_dir)])
    assert result.exit_code == 0
    assert f"skipped 1 patent(s) whose last build did not finish: {ID_000} (build them again)" in result.stderr
    assert f"{ID_002} claim 13: covers" in result.stdout
    named = CliRunner().invoke(main, ["claims", ID_000, "--store", str(store_dir)])
    assert named.exit_code == 1
    assert f"patent '{ID_000}' is not in the store (its last build did not finish; build it again)" in named.stderr
    assert run("build", str(EXAMPLES / f"{ID_000}.txt"), "--store", str(store_dir))[0] == 0
    with KnowledgeStore(store_dir) as store:
        assert store.patent_ids() == [ID_000, ID_002] and store.incomplete_patents() == []


def test_a_store_written_by_another_record_format_says_to_rebuild(tmp_path: Path) -> None:
    with KnowledgeStore(tmp_path / "store") as store:
        store.write_patent("p", json.dumps({"format": 999}), {})
    result = CliRunner().invoke(main, ["claims", "p", "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert "was stored by another version of cephkg (record format 999, this one reads 1); build it again" in result.stderr


def test_progress_advances_as_each_patent_is_written(tmp_path: Path) -> None:
    """on_file reports each patent once it is in the store, before the next one is written."""
    from cephkg import build

    inputs = tmp_path / "in"
    inputs.mkdir()
    for pid in (ID_000, ID_002):
        shutil.copy(EXAMPLES / f"{pid}.txt", inputs)
    (inputs / "broken.txt").write_bytes(b"\x00\x01binary")
    seen: list[tuple[str | None, list[str]]] = []
    with KnowledgeStore(tmp_path / "store") as store:
        build([inputs], store, on_file=lambda r: seen.append((r.patent_id or r.error, store.patent_ids())))
    assert seen[0][0] is not None and "binary" in seen[0][0]  # a file that cannot be read is reported at once
    assert seen[1:] == [(ID_000, [ID_000]), (ID_002, [ID_000, ID_002])]
