"""An installed cephkg carries its ontology, queries and data files, not only a checkout."""

from __future__ import annotations

import zipfile
from pathlib import Path

from seeds import ROOT


def test_the_wheel_contains_ontology_queries_and_data(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    [wheel] = list(WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"]))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"cephkg/_resources/ontology/{p.name}" for p in (ROOT / "ontology").glob("*.ttl")}
    expected |= {f"cephkg/_resources/queries/{p.name}" for p in (ROOT / "queries").glob("*.rq")}
    expected |= {f"cephkg/data/{p.name}" for p in (ROOT / "src" / "cephkg" / "data").glob("*.toml")}
    expected |= {"cephkg/py.typed", "cephkg/__init__.py"}
    # the report's templates are package data: a page made from an installed cephkg needs them
    expected |= {f"cephkg/report/templates/{p.name}" for p in (ROOT / "src" / "cephkg" / "report" / "templates").iterdir()}
    assert len([n for n in expected if "/templates/" in n]) == 8
    assert expected <= names
    assert not any("examples/" in n or n.startswith("tests/") for n in names)
