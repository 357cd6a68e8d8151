"""Every data file is validated against its schema; a misspelt key is an error naming file and key."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from cephkg import DataFileError, parse_file
from cephkg.chem.structures import StructureError, load_structures
from cephkg.resources import data_file, load_data, schema, validate

DATA = ["text_rules", "claim_rules", "conventions", "substituents", "salt_forms", "reaction_types", "inference",
        "inn_names", "lexicon", "limits"]


@pytest.mark.parametrize("name", DATA)
def test_every_packaged_data_file_validates(name: str) -> None:
    assert load_data(f"{name}.toml")


@pytest.mark.parametrize("name", [*DATA, "structures", "claims-json", "covers-json"])
def test_every_schema_is_a_valid_json_schema(name: str) -> None:
    assert schema(name)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_misspelt_key_names_file_and_key() -> None:
    data = tomllib.loads(data_file("claim_rules.toml").read_text(encoding="utf-8"))
    data["categories"][1]["preambel"] = data["categories"][1].pop("preamble")
    with pytest.raises(DataFileError) as err:
        validate(data, "claim_rules", "claim_rules.toml")
    assert str(err.value).startswith("claim_rules.toml: key categories[1]: unknown key(s) preambel")


def test_a_broken_regular_expression_is_refused() -> None:
    data = tomllib.loads(data_file("text_rules.toml").read_text(encoding="utf-8"))
    data["placeholders"].append("##STR(\\d+##")
    with pytest.raises(DataFileError, match=r"text_rules.toml: key placeholders\[\d+\]: .* is not a 'regex'"):
        validate(data, "text_rules", "text_rules.toml")


def test_a_wrongly_typed_value_is_refused() -> None:
    data = tomllib.loads(data_file("conventions.toml").read_text(encoding="utf-8"))
    data["lower"]["max_carbons"] = "six"
    with pytest.raises(DataFileError, match="conventions.toml: key lower.max_carbons: 'six' is not of type 'integer'"):
        validate(data, "conventions", "conventions.toml")


def _claims(tmp_path: Path) -> Path:
    path = tmp_path / "p.txt"
    path.write_text("1. A compound of the formula\n\nwherein R1 is amino.\n")
    return path


@pytest.mark.parametrize(("body", "message"), [
    (b'conventions = "x"\n', "key conventions: 'x' is not of type 'object'"),
    (b'[[structure]]\nclaim = "one"\nformula = 1\nsmiles = "C"\n', "key structure[0].claim: 'one' is not of type 'integer'"),
    (b'curated = "yes"\n', "key curated: 'yes' is not of type 'boolean'"),
    (b"patent = \"p\"\nnote = \"caf\xe9\"\n", "not UTF-8 text (byte 24); TOML files must be UTF-8"),
    (b"[[structure]\n", "not valid TOML"),
])
def test_a_bad_sidecar_is_an_error_naming_the_file(tmp_path: Path, body: bytes, message: str) -> None:
    side = tmp_path / "p.structures.toml"
    side.write_bytes(body)
    with pytest.raises(StructureError) as err:
        load_structures(side, parse_file(_claims(tmp_path)))
    assert str(err.value).startswith(f"{side}: ") and message in str(err.value)


def test_the_output_schemas_are_published_with_the_package() -> None:
    for name in ("claims-json", "covers-json"):
        assert json.loads(data_file(f"schemas/{name}.schema.json").read_text(encoding="utf-8"))["title"]


@pytest.mark.parametrize(("body", "message"), [
    (b'conventions = "x"\n', "key conventions: 'x' is not of type 'object'"),
    (b"patent = \"p\"\nnote = \"caf\xe9\"\n", "not UTF-8 text (byte 24); TOML files must be UTF-8"),
])
def test_a_bad_sidecar_fails_its_own_file_and_the_build_goes_on(tmp_path: Path, body: bytes, message: str) -> None:
    import shutil

    from cephkg import KnowledgeStore, build
    from seeds import EXAMPLES, ID_000

    shutil.copy(EXAMPLES / f"{ID_000}.txt", tmp_path)
    claims = _claims(tmp_path)
    side = tmp_path / "p.structures.toml"
    side.write_bytes(body)
    with KnowledgeStore(tmp_path / "store") as store:
        report = build([tmp_path / f"{ID_000}.txt", claims], store)
        assert [r.patent_id for r in report.built] == [ID_000]
        [failed] = report.failed
        assert failed.error is not None and failed.error.startswith(f"{side}: ") and message in failed.error
        assert store.patent_ids() == [ID_000]
