"""Named species → structures: OPSIN, the claim's isomer, standardisation.

Every species name of a build goes to OPSIN in one batch (cached on disk, so a rebuild
starts no JVM); the claim's ``syn``/``anti`` sets the oxime geometry the name leaves
open; each structure is split into a parent compound and a salt form. Compounds are keyed
by InChIKey, so one compound named in two patents is one compound.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rdkit import Chem

from ..errors import ResolutionError
from ..model import Patent, Species
from .names import NameCache, NameResolution, resolve_names
from .standardise import Standardised, apply_oxime_geometry, identifiers, standardise

__all__ = ["CompoundRecord", "SpeciesResolution", "resolve_species"]


@dataclass(frozen=True, slots=True)
class CompoundRecord:
    """One structure: identifiers, and for a salt its parent and salt form.

    ``key`` identifies it across patents: the InChIKey, or the SMILES where InChI fails.
    """

    key: str
    smiles: str
    inchi: str | None
    inchikey: str
    label: str | None = None
    salt_form: str | None = None
    parent: CompoundRecord | None = None

    @classmethod
    def from_standardised(cls, std: Standardised, label: str | None = None) -> CompoundRecord:
        """The record of the parent, or of the salt with the parent attached."""
        parent = cls(std.parent_inchikey or std.parent_smiles, std.parent_smiles,
                     std.parent_inchi, std.parent_inchikey or "", label if std.salt_form is None else None)
        if std.salt_form is None:
            return parent
        smiles, inchi, key = identifiers(Chem.MolFromSmiles(std.smiles))
        return cls(key or smiles, smiles, inchi, key or "", label, std.salt_form, parent)


@dataclass(frozen=True, slots=True)
class SpeciesResolution:
    """What OPSIN made of one species name (and of the name as written, when different)."""

    patent: str
    claim: int
    index: int
    name: str
    smiles: str | None          # with the claim's oxime geometry applied
    failure: str | None         # OPSIN's message for the repaired name
    as_written_failure: str | None
    resolved_from: str | None   # "name" | "name_as_written" | None
    geometry: str | None
    compound: CompoundRecord | None


# ----------------------------------------------------------------------------- names

#: A stereodescriptor written in a name: "(6R,7R)", "(R)", "(3'S)", "(RS)" ...
_DESCRIPTOR = re.compile(r"[(,]\s*(?:\d+[a-z]?'*)?(?:R|S|RS|SR)\*?\s*(?=[,)])")


def _with_geometry(smiles: str, isomer: str | None, name: str = "") -> tuple[str, str | None]:
    """Apply syn/anti to the oxime; drop stereocentres the name does not state.

    OPSIN fills in ring-template configuration ("3-cephem" gives C-6 only); a claim fixes a
    centre only when its name writes a descriptor, so otherwise the centre is left open.
    """
    mol = Chem.MolFromSmiles(smiles)
    if mol is not None and not _DESCRIPTOR.search(name):
        for atom in mol.GetAtoms():
            atom.SetChiralTag(Chem.ChiralType.CHI_UNSPECIFIED)
        smiles = Chem.MolToSmiles(mol)
    if mol is None or isomer not in ("syn", "anti"):
        return smiles, None
    geo = apply_oxime_geometry(mol, isomer)  # type: ignore[arg-type]
    note = f"{isomer}: {geo.changed} of {geo.sites} oxime C=N set" + (f"; {'; '.join(geo.conflicts)}" if geo.conflicts else "")
    return Chem.MolToSmiles(geo.mol), note


def resolve_species(patents: Sequence[Patent], cache_path: Path | None) -> dict[tuple[str, int, int], SpeciesResolution]:
    """Every species of ``patents`` through OPSIN in one batch (keys: patent, claim, index)."""
    todo: list[tuple[str, int, Species]] = [(p.patent_id, c.number, s) for p in patents for c in p.claims for s in c.species]
    names = [n for _, _, s in todo for n in (s.name, s.name_as_written)]
    try:
        results = resolve_names(names, NameCache(cache_path) if cache_path else None) if names else {}
    except ResolutionError as exc:
        failed = {n: NameResolution(n, "failed", None, f"OPSIN unavailable: {exc}", "") for n in names}
        results = failed
    out: dict[tuple[str, int, int], SpeciesResolution] = {}
    for pid, claim, s in todo:
        repaired, written = results[s.name], results[s.name_as_written]
        chosen = repaired if repaired.ok else written if written.ok else None
        smiles = geometry = None
        compound = None
        if chosen is not None and chosen.smiles:
            smiles, geometry = _with_geometry(chosen.smiles, s.isomer, chosen.name)
            record = CompoundRecord.from_standardised(standardise(smiles), s.name)
            compound = replace(record.parent or record, label=s.name)
        out[(pid, claim, s.index)] = SpeciesResolution(
            pid, claim, s.index, s.name, smiles,
            None if repaired.ok else repaired.message,
            written.message if (s.name_as_written != s.name and not written.ok and repaired.ok) else None,
            None if chosen is None else ("name" if chosen is repaired else "name_as_written"),
            geometry, compound)
    return out
