"""What cephkg checks in a SPARQL query before running it, and how it words a parse error."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from cephkg import KnowledgeStore, QueryError
from cephkg.cli import main
from cephkg.store.sparql import has_service, syntax_message
from servers import SparqlService


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
    "select * where { service silent <http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE?endpoint { ?s ?p ?o } VALUES ?endpoint { <http://x/> } }",
    "SELECT * WHERE { SERVICE<http://x/>{?s ?p ?o} }",
    "SELECT * WHERE {\n# a comment\nSERVICE # another\n<http://x/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
    'SELECT * WHERE { ?s ?p "\\u0022 } SERVICE <http://x/> { ?a ?b ?c } #" }',
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:p ?o OPTIONAL { SERVICE <http://y/> { ?o ?q ?r } } }",
])
def test_a_service_clause_is_found_however_it_is_written(query: str) -> None:
    assert has_service(query)


@pytest.mark.parametrize("query", [
    'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
    "SELECT * WHERE { ?s ?p '''a SERVICE <x> {} ''' }",
    "SELECT * WHERE { ?s <http://x/SERVICE> ?o }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:SERVICE ?o . ?s ex:a.SERVICE ?z . ?s ex:service ?w }",
    "PREFIX service: <http://x/> SELECT * WHERE { ?s service:p ?o }",
    "SELECT ?SERVICE WHERE { ?s ?p ?SERVICE . ?s ?p $service } # SERVICE <http://x/>",
    'SELECT * WHERE { ?s ?p "x"@service }',
    "SELECT * WHERE { _:SERVICE ?p ?o }",
])
def test_the_word_elsewhere_is_not_a_service_clause(query: str) -> None:
    assert not has_service(query)


def test_every_shipped_query_passes() -> None:
    from cephkg.store.queries import named_queries

    assert not [q.name for q in named_queries().values() if has_service(q.text)]


@pytest.fixture()
def target() -> Iterator[SparqlService]:
    with SparqlService() as service:
        yield service


def test_a_local_query_never_fetches_a_service(target: SparqlService, tmp_path: Path) -> None:
    """Before, pyoxigraph fetched the URL (the port-9 case gave 'The port 9 is not allowed for HTTP(S)…')."""
    url = target.url
    with KnowledgeStore(tmp_path / "store") as store, pytest.raises(QueryError, match=r"^SERVICE \(federated query\) is refused"):
        store.query(f"SELECT ?x WHERE {{ SERVICE <{url}> {{ ?s ?p ?x }} }}")
    assert target.contacted == []


def test_a_query_file_with_service_is_a_clear_error(target: SparqlService, tmp_path: Path) -> None:
    rq = tmp_path / "federated.rq"
    rq.write_text(f"# title: federated\nSELECT ?x WHERE {{ SERVICE <{target.url}> "
                  "{ ?s ?p ?x } }\n")
    KnowledgeStore(tmp_path / "store").close()
    result = CliRunner().invoke(main, ["query", str(rq), "--store", str(tmp_path / "store")])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: SERVICE (federated query) is refused: cephkg does not let a query make the "
                                    "host fetch other endpoints")
    assert len(result.stderr.splitlines()) == 1
    assert target.contacted == []


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT * WHERE { ?s ?p }", 'line 1, column 25: expected one of LATERAL, SERVICE, [_], at "…CT * WHERE { ?s ?p }"'),
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = )\n}",
     'line 4, column 2: expected one of ABS, AVG, DAY, IRI, MAX, MD5 (and 12 more), at "}"'),
    ("SELEC * WHERE {}", 'line 1, column 10: expected CONSTRUCT, at "SELEC * WHERE {}"'),
])
def test_a_syntax_error_is_one_line_with_its_position(tmp_path: Path, query: str, message: str) -> None:
    with KnowledgeStore(tmp_path / "store") as store, pytest.raises(QueryError) as err:
        store.query(query)
    assert str(err.value) == f"the query does not parse: {message}"


def test_a_long_expected_list_is_shortened() -> None:
    alternatives = ", ".join(f"K{i}" for i in range(60))
    text = syntax_message(SyntaxError(f"error at 1:3: expected one of {alternatives}"), "ab")
    assert text == 'line 1, column 3: expected one of K0, K1, K2, K3, K4, K5 (and 54 more), at "ab"'
    assert len(syntax_message(SyntaxError("x" * 1000), "")) == 300
