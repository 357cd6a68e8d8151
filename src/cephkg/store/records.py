"""A patent's record in the store: everything the coverage commands need, without the input files.

The record holds the parsed model (with the decoded source text, so spans can be quoted),
the curated structures of its sidecar as they were read, what OPSIN made of each
named species, and the generic structures cephkg inferred at build time (or why not), so
``covers`` needs no recomputation. It is written in the same transaction as the patent's
graphs. Records written before inference existed have no ``inferred`` key and read as
"nothing inferred".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import StoreError
from ..model import Patent

__all__ = ["RECORD_FORMAT", "PatentRecord", "SpeciesStructure"]

#: Version of the record layout; a store written by another layout must be rebuilt.
RECORD_FORMAT = 1


@dataclass(frozen=True, slots=True)
class SpeciesStructure:
    """The structure of one named species (parent SMILES with the claim's geometry), or why not."""

    claim: int
    index: int
    smiles: str | None
    failure: str | None
    reading: str | None = None                       # which reading of the name won, and why
    readings: tuple[tuple[str, str, str], ...] = ()  # every reading tried: (text, how, outcome)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"claim": self.claim, "index": self.index, "smiles": self.smiles,
                               "failure": self.failure}
        if self.reading is not None:
            out["reading"] = self.reading
        if self.readings:
            out["readings"] = [list(r) for r in self.readings]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SpeciesStructure:
        return cls(int(data["claim"]), int(data["index"]), data["smiles"], data["failure"], data.get("reading"),
                   tuple((str(a), str(b), str(c)) for a, b, c in data.get("readings", ())))


@dataclass(frozen=True, slots=True)
class PatentRecord:
    patent: Patent
    structures_source: str | None
    structures: dict[str, Any] | None
    species: tuple[SpeciesStructure, ...]
    inferred: tuple[dict[str, Any], ...] = ()   # InferenceOutcome.to_dict() of each formula
    named_groups: dict[str, str] | None = None  # substituent-name terms -> OPSIN's fragment

    def to_json(self) -> str:
        return json.dumps({"format": RECORD_FORMAT, "patent": self.patent.to_dict(with_source_text=True),
                           "structures_source": self.structures_source, "structures": self.structures,
                           "species": [s.to_dict() for s in self.species], "inferred": list(self.inferred),
                           "named_groups": self.named_groups or {}},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_json(cls, text: str, patent_id: str) -> PatentRecord:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise StoreError(f"patent {patent_id!r}: its record in the store is damaged ({exc}); build it again") from exc
        if data.get("format") != RECORD_FORMAT:
            raise StoreError(f"patent {patent_id!r} was stored by another version of cephkg "
                             f"(record format {data.get('format')!r}, this one reads {RECORD_FORMAT}); build it again")
        return cls(Patent.from_dict(data["patent"]), data["structures_source"], data["structures"],
                   tuple(SpeciesStructure.from_dict(s) for s in data["species"]),
                   tuple(data.get("inferred", ())), data.get("named_groups") or {})

    def species_smiles(self) -> dict[tuple[int, int], str | None]:
        return {(s.claim, s.index): s.smiles for s in self.species}

    def species_failures(self) -> dict[tuple[int, int], str]:
        return {(s.claim, s.index): s.failure for s in self.species if s.failure}
