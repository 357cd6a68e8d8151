"""Score what the reader makes of real claim sets against an analyst's record, field by field.

A corpus is a folder of claim files and a ``truth.json`` (``tests/data/real-claims/README.md``
describes it): per file, per claim, what a careful analyst records. The reader's answer is
``cephkg claims --json`` (``Patent.to_dict()``) for the same file, so the scorer works on
plain JSON data and needs nothing else of cephkg.

What is scored, and how (a key the analyst left out of a claim is not scored):

* ``numbers`` — per file, the claim numbers read against those recorded: one point per number
  recorded and found; a number recorded and not found, or found and not recorded, is a miss.
* per claim, one point each for ``category``, ``depends_on`` (same-category citations, as a
  set), ``refers_to`` (citations of another category: the reader's ``refers_to`` less its
  ``depends_on``), ``variables`` (the symbols the claim itself defines, as a set; a numeric
  variable counts), ``species`` (the names, in order), ``salts_clause`` (present or not),
  ``numeric`` (symbol → ``[low, high]``), ``provisos`` (the proviso sentences as the source
  writes them), ``salt_types`` (in order);
* ``definitions`` and ``shared_definitions`` — one point per symbol (or symbol group) the
  analyst lists: the reader's alternatives for it, normalised as the analyst writes terms
  (lower-case, no leading article, no trailing "group"/"atom" (singular), spaces collapsed), equal in
  order. Symbols the analyst left out (nested or formula-valued lists) are not scored;
* ``publication`` (per file, when recorded) — country, number and kind as the reader's
  normalised publication number states them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["FIELDS", "FieldScore", "FileScore", "Miss", "score_corpus", "score_file"]

#: The fields scored, in report order.
FIELDS = ("numbers", "category", "depends_on", "refers_to", "variables", "definitions", "species",
          "salts_clause", "numeric", "provisos", "salt_types", "shared_definitions", "publication")


@dataclass(frozen=True, slots=True)
class Miss:
    """One field the reader got wrong: where, what was expected, what was read."""

    field: str
    claim: int | None
    key: str | None
    expected: Any
    found: Any

    def __str__(self) -> str:
        where = f"claim {self.claim}" if self.claim is not None else "file"
        key = f"[{self.key}]" if self.key else ""
        return f"{where} {self.field}{key}: expected {self.expected!r}, read {self.found!r}"


@dataclass(frozen=True, slots=True)
class FieldScore:
    right: int = 0
    total: int = 0

    def add(self, other: FieldScore) -> FieldScore:
        return FieldScore(self.right + other.right, self.total + other.total)

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass(slots=True)
class FileScore:
    """The score of one file: per field, right and total, and every miss."""

    name: str
    fields: dict[str, FieldScore] = field(default_factory=dict)
    misses: list[Miss] = field(default_factory=list)
    error: str | None = None

    def tally(self, name: str, right: bool, miss: Miss | None = None) -> None:
        self.fields[name] = self.fields.get(name, FieldScore()).add(FieldScore(int(right), 1))
        if not right and miss is not None:
            self.misses.append(miss)

    @property
    def total(self) -> FieldScore:
        out = FieldScore()
        for f in self.fields.values():
            out = out.add(f)
        return out


_ARTICLE = re.compile(r"^(?:an?|the)\s+", re.I)
_TRAILING = re.compile(r"\s+(?:group|atom)$", re.I)


def normalise_term(term: str) -> str:
    """A group term as the analyst writes it: lower-case, no article, no trailing group/atom."""
    t = " ".join(term.split()).lower()
    t = _ARTICLE.sub("", t)
    t = _TRAILING.sub("", t)
    return t


def _variables(claim: Mapping[str, Any]) -> list[str]:
    if "variables" in claim:
        return list(claim["variables"])
    names = [d["variable"] for d in claim.get("definition_list", []) if not d.get("inherited")]
    return list(dict.fromkeys(names))


def _numeric(claim: Mapping[str, Any]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for d in claim.get("definition_list", []):
        ranges = d.get("numeric")
        if ranges:
            lows = [r[0] for r in ranges]
            highs = [r[1] for r in ranges]
            out[d["variable"]] = [min(lows), max(highs)] if len(ranges) == 1 else [-1, -1]
    return out


def _publication(value: str | None) -> dict[str, str]:
    if not value:
        return {}
    parts = value.split("-")
    out = {"country": parts[0], "number": parts[1] if len(parts) > 1 else ""}
    if len(parts) > 2:
        out["kind"] = parts[2]
    return out


def score_file(name: str, truth: Mapping[str, Any], read: Mapping[str, Any], source_text: str) -> FileScore:
    """Score one file's reading (``Patent.to_dict()``) against its truth entry's ``truth`` object."""
    score = FileScore(name)
    claims = {int(c["number"]): c for c in read.get("claims", [])}
    expected_numbers = [int(c["number"]) for c in truth["claims"]]
    for n in sorted(set(expected_numbers) | set(claims)):
        ok = n in claims and n in expected_numbers
        score.tally("numbers", ok, Miss("numbers", n, None, n in expected_numbers, n in claims))
    for want in truth["claims"]:
        n = int(want["number"])
        got = claims.get(n)
        if got is None:
            for key in want:
                if key not in ("number", "definitions", "shared_definitions"):
                    score.tally(key, False, Miss(key, n, None, want[key], None))
                elif key != "number":
                    for k in want[key]:
                        score.tally(key, False, Miss(key, n, k, want[key][k], None))
            continue
        _score_claim(score, n, want, got, source_text)
    if "publication" in truth:
        found = _publication(read.get("publication"))
        expected = dict(truth["publication"])
        ok = all(found.get(k) == v for k, v in expected.items()) and ("kind" in expected or "kind" not in found)
        score.tally("publication", ok, Miss("publication", None, None, expected, found))
    return score


def _score_claim(score: FileScore, n: int, want: Mapping[str, Any], got: Mapping[str, Any], source_text: str) -> None:
    depends = [int(x) for x in got.get("depends_on", [])]
    others = [int(x) for x in got.get("refers_to", []) if int(x) not in depends]
    found: dict[str, Any] = {
        "category": got.get("category"),
        "depends_on": sorted(depends),
        "refers_to": sorted(others),
        "variables": sorted(_variables(got)),
        "species": [s["name"] for s in got.get("species", [])],
        "salts_clause": got.get("salts_clause") is not None,
        "numeric": _numeric(got),
        "provisos": [source_text[p["span"][0]:p["span"][1]] for p in got.get("provisos", [])],
        "salt_types": [t["type"] for t in got.get("salt_types", [])],
    }
    expected: dict[str, Any] = {
        "depends_on": sorted(want.get("depends_on", [])),
        "refers_to": sorted(want.get("refers_to", [])),
        "variables": sorted(want.get("variables", [])),
    }
    for key in ("category", "depends_on", "refers_to", "variables", "species", "salts_clause", "numeric",
                "provisos", "salt_types"):
        if key not in want:
            continue
        value = expected.get(key, want[key])
        score.tally(key, found[key] == value, Miss(key, n, None, value, found[key]))
    if "definitions" in want:
        read_defs = {k: [normalise_term(t) for t in v] for k, v in got.get("definitions", {}).items()}
        for symbol, terms in want["definitions"].items():
            have = read_defs.get(symbol)
            score.tally("definitions", have == list(terms), Miss("definitions", n, symbol, list(terms), have))
    if "shared_definitions" in want:
        shared = {", ".join(s["variables"]): [normalise_term(t) for t in s["alternatives"]]
                  for s in got.get("shared_definitions", [])}
        for symbols, terms in want["shared_definitions"].items():
            have = shared.get(symbols)
            score.tally("shared_definitions", have == list(terms),
                        Miss("shared_definitions", n, symbols, list(terms), have))


def score_corpus(folder: Path, read: Callable[[Path], Mapping[str, Any]],
                 names: Iterable[str] | None = None) -> list[FileScore]:
    """Score every file of a corpus folder (``<id>.txt`` + ``truth.json``); ``read`` gives the JSON.

    A file the reader cannot read at all scores zero on every field recorded for it, with the
    error kept.
    """
    truth: dict[str, Any] = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    out: list[FileScore] = []
    for name in sorted(names if names is not None else truth):
        entry = truth[name]["truth"]
        path = folder / f"{name}.txt"
        source_text = path.read_bytes().decode("utf-8", errors="replace")
        try:
            data = read(path)
        except Exception as exc:  # the scorer reports, it does not stop
            empty = score_file(name, entry, {"claims": []}, source_text)
            empty.error = f"{type(exc).__name__}: {exc}"
            out.append(empty)
            continue
        out.append(score_file(name, entry, data, source_text))
    return out


def report(scores: list[FileScore], title: str) -> str:
    """A Markdown table: per file the share of fields right, then per field over the corpus."""
    lines = [f"### {title}", "", "| file | right | fields | score |", "| --- | ---: | ---: | ---: |"]
    total = FieldScore()
    per_field: dict[str, FieldScore] = {}
    for s in scores:
        t = s.total
        total = total.add(t)
        for k, v in s.fields.items():
            per_field[k] = per_field.get(k, FieldScore()).add(v)
        note = f" ({s.error})" if s.error else ""
        lines.append(f"| {s.name}{note} | {t.right} | {t.total} | {100 * t.ratio:.1f}% |")
    lines.append(f"| **all** | **{total.right}** | **{total.total}** | **{100 * total.ratio:.1f}%** |")
    lines += ["", "| field | right | fields | score |", "| --- | ---: | ---: | ---: |"]
    for k in FIELDS:
        if k in per_field:
            v = per_field[k]
            lines.append(f"| {k} | {v.right} | {v.total} | {100 * v.ratio:.1f}% |")
    return "\n".join(lines)
