"""Named species → structures: OPSIN, the claim's isomer, standardisation.

Every species name of a build goes to OPSIN in one batch (cached on disk, so a rebuild
starts no JVM); the claim's ``syn``/``anti`` sets the oxime geometry the name leaves
open; each structure is split into a parent compound and a salt form. Compounds are keyed
by InChIKey, so one compound named in two patents is one compound.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from rdkit import Chem

from ..errors import ResolutionError
from ..model import Claim, Patent, Species
from .names import NameCache, NameResolution, open_cache, resolve_names
from .readings import Reading, choose, readings
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
    resolved_from: str | None   # "name" | "name_as_written" | "reading" | None
    geometry: str | None
    compound: CompoundRecord | None
    #: why the chosen reading won, and every reading tried: (text, how, outcome)
    reading: str | None = None
    readings: tuple[tuple[str, str, str], ...] = ()


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


def _wanted(patent: Patent, claim: Claim, named: Mapping[str, str]) -> dict[str, str]:
    """The named groups (term -> fragment) the definitions of ``claim`` and its ancestors use."""
    chain, todo, seen = [], [claim.number], set()
    while todo:
        n = todo.pop(0)
        if n in seen:
            continue
        seen.add(n)
        try:
            c = patent.claim(n)
        except KeyError:
            continue
        chain.append(c)
        todo.extend((*c.depends_on, *c.refers_to))
    keys = {k.lower(): k for k in named}
    out: dict[str, str] = {}
    for c in chain:
        for d in (*c.definitions, *(d for f in c.formulas for d in f.definitions)):
            for term in d.alternatives:
                key = re.sub(r"^(?:a|an|the)\s+|\s+(?:group|radical|moiety)$", "", term.strip(), flags=re.I).lower()
                if key in keys:
                    out[keys[key]] = named[keys[key]]
    return out


def resolve_species(patents: Sequence[Patent], cache_path: Path | NameCache | None,
                    named: Mapping[str, str] | None = None) -> dict[tuple[str, int, int], SpeciesResolution]:
    """Every species of ``patents`` through OPSIN in one batch (keys: patent, claim, index).

    Each name is tried in the readings of :mod:`cephkg.chem.readings` (as repaired, as
    written, the INN table, α/β dropped, prefixes bracketed); among those that parse, the one
    consistent with the claim's named groups (``named``: term -> fragment) wins.
    """
    todo: list[tuple[Patent, Claim, Species, list[Reading]]] = [
        (p, c, s, readings(s.name, s.name_as_written)) for p in patents for c in p.claims for s in c.species]
    names = list(dict.fromkeys(r.text for *_, opts in todo for r in opts if r.smiles is None))
    try:
        results = resolve_names(names, open_cache(cache_path)) if names else {}
    except ResolutionError as exc:
        results = {n: NameResolution(n, "failed", None, f"OPSIN unavailable: {exc}", "") for n in names}
    parsed = {n: (r.smiles if r.ok else None, r.message) for n, r in results.items()}
    out: dict[tuple[str, int, int], SpeciesResolution] = {}
    for patent, claim, s, opts in todo:
        pid = patent.patent_id
        choice = choose(opts, parsed, _wanted(patent, claim, named or {}))
        repaired = results.get(s.name)
        written = results.get(s.name_as_written)
        smiles = geometry = None
        compound = None
        if choice.smiles and choice.reading is not None:
            smiles, geometry = _with_geometry(choice.smiles, s.isomer, choice.reading.text)
            record = CompoundRecord.from_standardised(standardise(smiles), s.name)
            compound = replace(record.parent or record, label=s.name)
        how = None if choice.reading is None else choice.reading.how
        repaired_ok = repaired is not None and repaired.ok
        out[(pid, claim.number, s.index)] = SpeciesResolution(
            pid, claim.number, s.index, s.name, smiles,
            None if repaired_ok or smiles else (repaired.message if repaired is not None else "no reading parses"),
            written.message if (written is not None and s.name_as_written != s.name and not written.ok
                                and repaired_ok) else None,
            None if how is None else "name" if how == "as repaired" else "name_as_written" if how == "as written"
            else "reading",
            geometry, compound, choice.why if smiles else None, choice.tried)
    return out
