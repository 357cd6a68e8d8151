"""Shared fixtures: the seed patents and a store built from them once per session.

Under ``CEPHKG_NO_SKIP=1`` (set by scripts/test.sh, which installs every tool the tests
need) or ``CI`` set, a test that skips fails instead (plugin ``noskip``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cephkg import KnowledgeStore, Patent, build, parse_file
from seeds import EXAMPLES, SEED_000, SEED_002

# The server fixtures (seed_dir, many_dir, oxigraph, virtuoso) for every test that asks for them,
# and skips turned into failures where every tool was installed.
pytest_plugins = ["servers", "noskip", "pytester"]


@pytest.fixture(scope="session")
def patent_002() -> Patent:
    return parse_file(SEED_002)


@pytest.fixture(scope="session")
def patent_000() -> Patent:
    return parse_file(SEED_000)


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeStore]:
    """A store with both seed patents, shared read-only by the tests."""
    store = KnowledgeStore(tmp_path_factory.mktemp("seed-store"))
    report = build([EXAMPLES], store)
    assert not report.failed, report.failed
    yield store
    store.close()

