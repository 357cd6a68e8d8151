"""The typed model round-trips through JSON, and the JSON follows its published schema."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from cephkg import Patent, parse_file
from cephkg.resources import schema
from seeds import ROOT, SEED_000, SEED_002

REAL = sorted((ROOT / "tests" / "data" / "real-claims").glob("*.txt"))


@pytest.mark.parametrize("path", [SEED_000, SEED_002, *REAL], ids=lambda p: Path(p).stem)
def test_a_patent_round_trips_through_json(path: Path) -> None:
    patent = parse_file(path)
    text = json.dumps(patent.to_dict(with_source_text=True))
    assert Patent.from_dict(json.loads(text)) == patent


@pytest.mark.parametrize("path", [SEED_000, SEED_002, *REAL], ids=lambda p: Path(p).stem)
def test_claims_json_follows_its_schema(path: Path) -> None:
    data = parse_file(path).to_dict()
    errors = list(Draft202012Validator(schema("claims-json")).iter_errors(data))
    assert errors == []


def test_the_schema_refuses_a_renamed_key(patent_002: Patent) -> None:
    data = patent_002.to_dict()
    data["claims"][0]["dependsOn"] = data["claims"][0].pop("depends_on")
    assert list(Draft202012Validator(schema("claims-json")).iter_errors(data))
