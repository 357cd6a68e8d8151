"""Patent ids live in their own namespace: no file name can replace or reach a system graph."""

from __future__ import annotations

from pathlib import Path

import pytest

from cephkg import InputError, build, parse_file
from cephkg.rdf import iris
from cephkg.rdf.vocab import OWL, RDF
from cephkg.store.export import graph_names
from cephkg.store.local import KnowledgeStore

CLAIM = "1. A compound of the formula\n\nwherein R1 is amino.\n"


@pytest.mark.parametrize("name", ["ontology", "registered", "index", "system", "scope", "patent"])
def test_a_file_named_like_a_system_graph_is_just_a_patent(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_text(CLAIM)
    with KnowledgeStore(tmp_path / "store") as store:
        assert not build([path], store).failed
        classes = store.oxigraph.quads_for_pattern(None, RDF.type, OWL.Class, iris.ONTOLOGY_GRAPH)
        assert len(list(classes)) > 100
        assert store.patent_ids() == [name]
        assert [g.value for g in graph_names(store, [name])] == [
            f"{iris.GRAPH}patent/{name}", f"{iris.GRAPH}patent/{name}/chemistry"]


def test_ids_that_are_not_safe_segments_are_escaped_or_refused(tmp_path: Path) -> None:
    odd = tmp_path / "..txt"  # stem "."
    odd.write_text(CLAIM)
    with pytest.raises(InputError, match=r"gives no usable patent id"):
        parse_file(odd)
    dotted = tmp_path / ".hidden claims.txt"
    dotted.write_text(CLAIM)
    assert parse_file(dotted).patent_id == "hidden_claims"
    with pytest.raises(InputError, match=r"patent id '\.\./x' is not allowed"):
        parse_file(dotted, "../x")


def test_a_patent_cannot_write_a_graph_it_does_not_own(tmp_path: Path) -> None:
    from cephkg import StoreError

    with KnowledgeStore(tmp_path / "store") as store, pytest.raises(StoreError, match="does not own"):
        store.write_patent("p", "{}", {iris.ONTOLOGY_GRAPH: []})
