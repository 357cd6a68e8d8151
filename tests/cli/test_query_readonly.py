"""`cephkg query` reads and never writes, streams its rows, and answers as the API does;
every command but build refuses a store that is not there; a busy store is said in words."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cephkg import KnowledgeStore, run_query
from cephkg.cli import main
from seeds import EXAMPLES, ID_000, ID_002

PIVOXIL_NAME = "pivaloyloxymethyl 7-[2-(2-aminothiazol-4-yl)-2-hydroxyiminoacetamido]-3-vinyl-3-cephem-4-carboxylate"
PIVOXIL = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1"
PIVOXIL_IRI = "https://w3id.org/cephkg/id/compound/DRACJONKQLQDIZ-MYKKPKGFSA-N"
CLI = [sys.executable, "-c", "from cephkg.cli import main; main()"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("readonly") / "store"
    code, out, err = run("build", str(EXAMPLES), "--store", str(folder))
    assert code == 0, err
    return str(folder)


def dump(store: str) -> bytes:
    with KnowledgeStore(store) as opened:
        return b"".join(sorted(str(q).encode() + b"\n" for q in opened.quads()))


def test_query_never_writes(store: str) -> None:
    """Before, a compound parameter was registered first: the registered graph grew by 13 triples."""
    before = dump(store)
    code, out, err = run("query", "claims-covering-compound", "--param", "compound=CCO", "--store", store,
                         "--format", "csv")
    assert code == 0
    assert out == "patent,claim,category,relation,via,dependent,saltRule,explanation,compound\n"
    assert err == ("note: https://w3id.org/cephkg/id/compound/LFQSCWFLJHTTHZ-UHFFFAOYSA-N is not in the graph: no claim "
                   "names it and it is not registered; 'cephkg add-compound' registers it and links the claims "
                   "covering it\n")
    code, out, _ = run("query", "dependent-claims-covering-compound", "--param", f"compound={PIVOXIL}",
                       "--store", store, "--format", "csv")
    assert code == 0 and len(out.splitlines()) == 8
    assert dump(store) == before


def rows_of(csv_text: str) -> list[list[str]]:
    import csv
    import io

    return list(csv.reader(io.StringIO(csv_text)))[1:]


def api_rows(store: str, name: str, **params: str) -> list[list[str]]:
    with KnowledgeStore(store) as opened:
        result = run_query(opened, name, **params)
    return [["" if v is None else str(v) for v in row.values()] for row in result.as_dicts()]


@pytest.mark.parametrize("compound", [PIVOXIL_NAME, PIVOXIL_IRI])
def test_processes_producing_a_compound_answer_the_same_from_the_cli_and_the_api(store: str, compound: str) -> None:
    """Before, the CLI registered the name and bound the compound's IRI, which the query looked up in the
    claims graph (the link is in the chemistry graph): 0 rows, where the API found 5."""
    code, out, _ = run("query", "processes-producing-compound", "--param", f"compound={compound}", "--store", store,
                       "--format", "csv")
    assert code == 0
    cli = rows_of(out)
    assert cli == api_rows(store, "processes-producing-compound", compound=compound)
    assert [(r[0], r[1], r[3], r[4], r[5]) for r in cli] == [
        (ID_002, "20", "1", "13", step) for step in ("1", "1", "2", "3", "4")]


def test_a_compound_smiles_answers_the_same_from_the_cli_and_the_api(store: str) -> None:
    code, out, _ = run("query", "claims-covering-compound", "--param", f"compound={PIVOXIL}", "--store", store,
                       "--format", "csv")
    assert code == 0
    assert rows_of(out) == api_rows(store, "claims-covering-compound", compound=PIVOXIL)
    assert [(r[0], r[1]) for r in rows_of(out) if r[3] == "covers"] == [(ID_002, str(n)) for n in (1, 2, 4, 11, 13)]


@pytest.mark.parametrize(("name", "params"), [
    ("claim-tree", {"patent": ID_002}),
    ("claim-tree", {"patent": "no-such-patent"}),
    ("species", {}),
])
def test_streamed_json_is_the_document_json_dumps_writes(store: str, name: str, params: dict[str, str]) -> None:
    args = [a for k, v in params.items() for a in ("--param", f"{k}={v}")]
    code, out, _ = run("query", name, *args, "--store", store, "--format", "json")
    assert code == 0
    with KnowledgeStore(store) as opened:
        result = run_query(opened, name, **params)
    expected = {"query": name, "columns": list(result.columns), "rows": result.as_dicts()}
    assert out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"


def test_table_and_csv_print_every_row(store: str) -> None:
    code, out, _ = run("query", "claim-tree", "--param", f"patent={ID_000}", "--store", store)
    assert code == 0
    assert out.splitlines() == ["claim  category  parent  depth  patent", "-----  --------  ------  -----  " + "-" * 20,
                                f"1      process           0      {ID_000}", f"2      process   1       1      {ID_000}",
                                "2 rows"]


def _rss_mb(pid: int) -> int:
    return int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0]) // 1024


def test_rows_stream_out_of_a_huge_result_in_bounded_memory(store: str, tmp_path: Path) -> None:
    """A cross product of the store with itself three times (~10^11 rows): rows arrive at once and
    memory stays flat. Before, nothing was printed after 20 s while memory grew past 750 MB."""
    rq = tmp_path / "cross.rq"
    rq.write_text("# title: cross product\nSELECT ?a ?d ?g WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } "
                  "GRAPH ?g3 { ?g ?h ?i } }\n")
    proc = subprocess.Popen([*CLI, "query", str(rq), "--store", store, "--format", "csv"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline() == b"a,d,g\r\n"
        received = 0
        while received < 200 * 1024 * 1024:  # 200 MB of rows, far more than the store holds
            chunk = proc.stdout.read(1024 * 1024)
            assert chunk, proc.stderr.read() if proc.stderr else ""
            received += len(chunk)
        assert _rss_mb(proc.pid) < 400
    finally:
        proc.kill()
        proc.wait(10)


def test_a_reader_that_stops_early_is_no_error(store: str, tmp_path: Path) -> None:
    rq = tmp_path / "cross.rq"
    rq.write_text("# title: cross\nSELECT ?a ?d WHERE { GRAPH ?g1 { ?a ?b ?c } GRAPH ?g2 { ?d ?e ?f } }\n")
    result = subprocess.run(f"{sys.executable} -c 'from cephkg.cli import main; main()' query {rq} --store {store} "
                            "--format csv | head -n 3", shell=True, capture_output=True, text=True, timeout=120)
    assert len(result.stdout.splitlines()) == 3
    assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr


# -- a store that is not there ---------------------------------------------------------------

COMMANDS = {
    "claims": ["claims", ID_002],
    "query": ["query", "claim-tree", "--param", f"patent={ID_002}"],
    "export": ["export", "--format", "nq", "-o", "{tmp}/out.nq"],
    "covers": ["covers", "CCO"],
    "add-compound": ["add-compound", "CCO"],
    "check": ["check"],
    "route": ["route", ID_000, "1"],
    "reason": ["reason"],
    "validate": ["validate"],
    "push": ["push", "http://127.0.0.1:9"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_but_build_refuses_a_missing_store(tmp_path: Path, command: str) -> None:
    missing = tmp_path / "no-store"
    args = [a.replace("{tmp}", str(tmp_path)) for a in COMMANDS[command]]
    code, out, err = run(*args, "--store", str(missing))
    assert code == 1, (out, err)
    assert err == f"error: there is no cephkg store at {missing} (run 'cephkg build' to make one)\n"
    assert not missing.exists()
    assert not (tmp_path / "out.nq").exists()


def test_serve_refuses_a_missing_store(tmp_path: Path) -> None:
    missing = tmp_path / "no-store"
    code, out, err = run("serve", "--store", str(missing), "--port", "0")
    assert code == 1
    assert err == f"error: no store at {missing} (run 'cephkg build … --store {missing}' first)\n"
    assert not missing.exists()


def test_build_makes_the_store(tmp_path: Path) -> None:
    code, out, err = run("build", str(EXAMPLES / f"{ID_000}.txt"), "--store", str(tmp_path / "new"))
    assert code == 0 and (tmp_path / "new" / "oxigraph").is_dir()


# -- a store another process is writing ---------------------------------------------------------

def test_a_second_writer_is_told_in_words(tmp_path: Path) -> None:
    folder = tmp_path / "store"
    KnowledgeStore(folder).close()
    holder = subprocess.Popen([sys.executable, "-c", f"""
import sys, time
from cephkg import KnowledgeStore
store = KnowledgeStore({str(folder)!r})
print("holding", flush=True)
sys.stdin.read()"""], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert holder.stdout.readline() == b"holding\n"
        start = time.monotonic()
        second = subprocess.run([*CLI, "build", str(EXAMPLES), "--store", str(folder)], capture_output=True,
                                text=True, timeout=120)
    finally:
        holder.stdin.close()
        holder.wait(30)
    assert second.returncode == 1
    assert second.stderr == (f"error: another cephkg is writing to this store ({folder}): wait for it to finish, "
                             "or use another --store\n")
    assert time.monotonic() - start < 60
