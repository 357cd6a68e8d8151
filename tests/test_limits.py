"""The limits live in one data file, each with its reason, and the README lists every one."""

from __future__ import annotations

import doctest
import re
import tomllib

import pytest

import cephkg.limits
import cephkg.reading.limits
import cephkg.store.sparql
from cephkg import DataFileError
from cephkg.limits import limit, limits
from cephkg.resources import data_file, validate
from seeds import ROOT


def test_every_limit_has_a_value_a_unit_and_a_reason() -> None:
    assert len(limits()) >= 15
    for name, entry in limits().items():
        assert re.fullmatch(r"[a-z]+\.[a-z0-9_]+", name)
        assert entry.value > 0 and entry.unit and len(entry.reason) > 60, name


def test_the_readme_lists_every_limit_with_its_value() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = dict(re.findall(r"^\| `([a-z]+\.[a-z0-9_]+)` \| ([^|]+) \|", readme, re.M))
    assert sorted(table) == sorted(limits())
    for name, entry in limits().items():
        assert table[name].strip().replace(",", "").startswith(str(entry.value)), (name, table[name])


def test_an_unknown_limit_or_a_limit_without_a_reason_is_an_error() -> None:
    with pytest.raises(DataFileError, match="has no limit 'structure.max_bonds'"):
        limit("structure.max_bonds")
    data = tomllib.loads(data_file("limits.toml").read_text(encoding="utf-8"))
    del data["structure"]["max_atoms"]["reason"]
    with pytest.raises(DataFileError, match="limits.toml: key structure.max_atoms: 'reason' is a required property"):
        validate(data, "limits", "limits.toml")
    data = tomllib.loads(data_file("limits.toml").read_text(encoding="utf-8"))
    data["serve"]["backends"]["value"] = 0
    with pytest.raises(DataFileError, match="key serve.backends.value: 0 is less than or equal to the minimum of 0"):
        validate(data, "limits", "limits.toml")


@pytest.mark.parametrize("module", [cephkg.limits, cephkg.reading.limits, cephkg.store.sparql])
def test_module_examples(module: object) -> None:
    failures, tried = doctest.testmod(module, verbose=False)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
