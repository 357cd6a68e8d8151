"""Readings of a species name that OPSIN misreads or rejects, tried in a recorded order.

Real names fail in known ways: alpha/beta ring descriptors OPSIN cannot place
(``7β-…-7α-methoxy…``), substituent prefixes written without brackets that OPSIN reads
differently from a chemist (``2-carboxyethylthioacetamido`` is read as a thioamide, the chemist
means ``(2-carboxyethylthio)acetamido``), OCR damage (repaired by the reading stage: the name as
repaired, then as written), trivial names (``cephradine``, ``cefuroxime axetil``: the INN table
``cephkg/data/inn_names.toml``). :func:`readings` lists the readings in this order:

1. the name as repaired, 2. as written, 3. the INN table, 4. α/β descriptors dropped (that stereo
left open), 5. substituent prefixes bracketed, 6. both.

:func:`choose` then prefers, among the readings OPSIN parses, one consistent with the claim's
own definitions (the species of a claim whose ``Y is 2-carboxyethylthio`` contains a
2-carboxyethylthio group), and otherwise the first that parses; it records every reading tried
and why the chosen one won.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rdkit import Chem
from rdkit.rdBase import BlockLogs

from ..resources import load_data

__all__ = ["Choice", "Reading", "choose", "inn_smiles", "readings"]

_ALPHA_BETA = re.compile(r"(?<=\d)(?:α|β|\.alpha\.|\.beta\.|alpha|beta)(?=-)", re.I)
_PREFIX = re.compile(r"(?<![A-Za-z0-9])(\d+-[a-z]+?(?:thio|oxy|amino|sulfonyl))"
                     r"(acetamido|propionamido|butyramido|acetylamino|acetyl)", re.I)
_ISOMER = re.compile(r"\s*\((?:syn|anti|e|z)[- ]isomer\)\s*$", re.I)


@dataclass(frozen=True, slots=True)
class Reading:
    text: str
    how: str          # "as repaired", "as written", "INN table", "α/β dropped", ...
    smiles: str | None = None  # known without OPSIN (the INN table)


@dataclass(frozen=True, slots=True)
class Choice:
    """The reading chosen (None: none parses), its SMILES, why, and every reading tried."""

    reading: Reading | None
    smiles: str | None
    why: str
    tried: tuple[tuple[str, str, str], ...]   # (text, how, outcome)


@lru_cache(maxsize=1)
def _inn() -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for e in load_data("inn_names.toml")["inn"]:
        for n in (e["name"], *e["synonyms"]):
            out[n.lower()] = (e["name"], e["smiles"])
    return out


def inn_smiles(name: str) -> tuple[str, str] | None:
    """(INN, SMILES) of a trivial name in the table ("Cephradine" -> cefradine), or None."""
    key = _ISOMER.sub("", name).strip().lower()
    return _inn().get(key)


def readings(name: str, as_written: str | None = None) -> list[Reading]:
    """The readings of a species name, in the order they are tried (duplicates dropped)."""
    out: list[Reading] = [Reading(name, "as repaired")]
    if as_written and as_written != name:
        out.append(Reading(as_written, "as written"))
    hit = inn_smiles(name)
    if hit is not None:
        out.append(Reading(name, f"INN table: {hit[0]}", hit[1]))
    no_ab = _ALPHA_BETA.sub("", name)
    bracketed = _PREFIX.sub(r"(\1)\2", name)
    both = _PREFIX.sub(r"(\1)\2", no_ab)
    out += [Reading(no_ab, "α/β descriptors dropped (that stereo left open)"),
            Reading(bracketed, "substituent prefix bracketed"),
            Reading(both, "α/β descriptors dropped and substituent prefix bracketed")]
    seen: set[tuple[str, str | None]] = set()
    unique = []
    for r in out:
        if (r.text, r.smiles) not in seen:
            seen.add((r.text, r.smiles))
            unique.append(r)
    return unique


def _contains(smiles: str, fragment: str) -> bool:
    with BlockLogs():
        mol: Chem.Mol | None = Chem.MolFromSmiles(smiles)
        frag: Chem.Mol | None = Chem.MolFromSmiles(fragment)
    if mol is None or frag is None:
        return False
    core = Chem.RWMol(frag)
    for atom in sorted((a.GetIdx() for a in frag.GetAtoms() if a.GetAtomicNum() == 0), reverse=True):
        core.RemoveAtom(atom)
    query = core.GetMol()
    return query.GetNumAtoms() > 0 and mol.HasSubstructMatch(query)


def choose(options: Sequence[Reading], parsed: Mapping[str, tuple[str | None, str]],
           wanted: Mapping[str, str] | None = None) -> Choice:
    """Pick a reading. ``parsed``: text -> (SMILES or None, OPSIN's message); ``wanted``: the
    named groups the claim's definitions speak of (term -> fragment with ``*``)."""
    tried: list[tuple[str, str, str]] = []
    parsing: list[tuple[Reading, str]] = []
    for r in options:
        smiles, message = (r.smiles, "") if r.smiles else parsed.get(r.text, (None, "not tried"))
        tried.append((r.text, r.how, "parsed" if smiles else f"failed: {message}"))
        if smiles:
            parsing.append((r, smiles))
    if not parsing:
        return Choice(None, None, "no reading parses", tuple(tried))
    for term, fragment in (wanted or {}).items():
        consistent = [(r, s) for r, s in parsing if _contains(s, fragment)]
        if consistent and consistent[0] is not parsing[0]:
            r, s = consistent[0]
            return Choice(r, s, f"{r.how}: the first reading that contains the {term} group the claim defines "
                          f"(the earlier readings do not)", tuple(tried))
        if consistent:
            r, s = consistent[0]
            return Choice(r, s, f"{r.how}: parses and contains the {term} group the claim defines", tuple(tried))
    r, s = parsing[0]
    return Choice(r, s, f"{r.how}: the first reading that parses", tuple(tried))
