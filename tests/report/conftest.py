"""A store with both examples and the real claim sets, built once for the report tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cephkg import KnowledgeStore, build
from cephkg.report import StoredPatent, load_patents
from seeds import EXAMPLES, ROOT

REAL = ROOT / "tests" / "data" / "real-claims"
#: cefdinir's pivaloyloxymethyl ester (claim 13 of 002 names it)
POM_ESTER = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1"
ARTEFACTS = ROOT / "tests" / "artefacts"


@pytest.fixture(scope="session")
def report_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-store")
    with KnowledgeStore(folder) as store:
        report = build([EXAMPLES, REAL], store)
    assert not report.failed, report.failed
    return folder


@pytest.fixture(scope="session")
def stored(report_store_dir: Path) -> dict[str, StoredPatent]:
    with KnowledgeStore(report_store_dir, create=False) as store:
        patents, warning = load_patents(store)
    assert warning is None
    return {p.patent_id: p for p in patents}


@pytest.fixture(scope="session")
def artefacts() -> Iterator[Path]:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    yield ARTEFACTS
