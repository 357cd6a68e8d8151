#!/usr/bin/env python3
"""Synthetic corpus of cephalosporin patent claim sets, for benchmarking cephkg at scale.

    python corpus.py --n 1000 --seed 7 --out DIR [--formats txt,uspto-xml,ep-xml]
                     [--sidecar-share 0.3] [--pathological]
    python corpus.py --check-names [--sample N]

Writes N patents (plain text in three notations, USPTO grant XML, EPO XML), a
``<stem>.structures.toml`` sidecar for a share of them, and ``manifest.json`` with what a
careful reader should find in each file (claims, categories, dependencies, named species
with their intended SMILES). Same arguments give byte-identical files: every random choice
comes from ``random.Random`` seeded with the seed and the patent index.

Species names are built from the tables of cores (``cores.toml``) x amine variants x esters x
salt forms, in the cephem nomenclature of the field; ``--check-names`` runs every distinct name
the generator can emit through OPSIN (py2opsin, one batch) and compares the structure with the
intended SMILES using RDKit. Generation itself needs only the standard library (Python >= 3.11).

Standalone: this script does not import cephkg.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORES_FILE = HERE / "cores.toml"
GENERATOR = "cephkg-bench-corpus 1.0"

# =============================================================================================
# Chemistry tables
# =============================================================================================

# SMILES templates of the core families. Slots hold SMILES fragments written attachment atom
# first (N7 is written before the atom it is attached to, attachment atom last); {C3} is "" for
# hydrogen or "(frag)". {s6} {s7} {sa}: ring-fusion C-6, C-7 and side-chain stereo marks;
# {b1} {b2}: the bond directions of the oxime / alkene (Z when both are "/"). Verified with
# OPSIN against the documented names of cores.toml (--check-names).
FAMILY_TEMPLATES = {
    "atz": "c1({A})nc(cs1){b1}C(=N{b2}O{OX})C(=O)N[C{s7}H]2C(=O)N3C({CX})=C{C3}CS[C{s6}H]23",
    "atzene": "c1({A})nc(cs1){b1}C(=C{b2}{AL})C(=O)N[C{s7}H]2C(=O)N3C({CX})=C{C3}CS[C{s6}H]23",
    "furyl": "o1cccc1{b1}C(=N{b2}O{OX})C(=O)N[C{s7}H]2C(=O)N3C({CX})=C{C3}CS[C{s6}H]23",
    "aryl": "[C{sa}H]({AN})({AR})C(=O)N[C{s7}H]2C(=O)N3C({CX})=C{C3}CS[C{s6}H]23",
    "nucleus": "{N7}[C{s7}H]2C(=O)N3C({CX})=C{C3}CS[C{s6}H]23",
}
# The side-chain acids (acylating agents) and other process formulas of each family.
SIDE_ACIDS = {
    "atz": "c1({A})nc(cs1){b1}C(=N{b2}O{OX})C(=O)O",
    "atzene": "c1({A})nc(cs1){b1}C(=C{b2}{AL})C(=O)O",
    "furyl": "o1cccc1{b1}C(=N{b2}O{OX})C(=O)O",
    "aryl": "[C{sa}H]({AN})({AR})C(=O)O",
}
HANTZSCH = "[*:5]CC(=O)C(=NO{OX})C(=O)N[CH]2C(=O)N3C({CX})=C{C3}CS[CH]23"
PENAM_SULFOXIDE = "[*:1]C1C(=O)N2C([*:2])C(C)(C)S(=O)C12"
METHYLENECEPHAM = "[*:1]C1C(=O)N2C([*:2])C(=C)CSC12"

# Which slot each variable of a family stands for (the variable names written in claim 1).
FAMILY_VARS = {
    "atz": {"R1": "A", "R2": "CX", "R3": "OX", "R4": "C3"},
    "atzene": {"R1": "A", "R2": "CX"},
    "furyl": {"R1": "OX", "R2": "CX"},
    "aryl": {"R1": "AR", "R2": "CX", "R3": "C3", "R4": "AN"},
    "nucleus": {"R1": "N7", "R2": "CX", "R3": "C3"},
}
AMINE_SLOT = {"atz": "A", "atzene": "A", "aryl": "AN", "nucleus": "N7", "furyl": None}
CORE_SLOTS = ("OX", "C3", "AR", "AL")          # fixed by the core
VAR_NUMBER = {"R1": 1, "R1a": 1, "R2": 2, "R2a": 2, "R2b": 2, "R3": 3, "R4": 4, "X": 5, "R5": 6}
OXIME_FAMILIES = ("atz", "furyl")


@dataclass(frozen=True)
class Amine:
    key: str
    name: str          # as written in the core name placeholder
    frag: str          # SMILES fragment for the slot
    terms: frozenset

    @property
    def free(self) -> bool:
        return self.key in ("amino", "none")


def _amines(rows):
    return [Amine(k, n, f, frozenset(t)) for k, n, f, t in rows]


AMINES = {
    "atz": _amines([
        ("amino", "2-aminothiazol-4-yl", "N", {"amino"}),
        ("formamido", "2-formamidothiazol-4-yl", "NC=O",
         {"protected amino", "acylamino", "lower alkanoylamino"}),
        ("tritylamino", "2-tritylaminothiazol-4-yl", "NC(c4ccccc4)(c4ccccc4)c4ccccc4",
         {"protected amino", "ar(lower)alkylamino", "tritylamino"}),
        ("chloroacetamido", "2-(2-chloroacetamido)thiazol-4-yl", "NC(=O)CCl",
         {"protected amino", "acylamino", "halo(lower)alkanoylamino"}),
        ("boc", "2-(tert-butoxycarbonylamino)thiazol-4-yl", "NC(=O)OC(C)(C)C",
         {"protected amino", "acylamino", "lower alkoxycarbonylamino"}),
    ]),
    "aryl": _amines([
        ("amino", "amino", "N", {"amino"}),
        ("boc", "(tert-butoxycarbonylamino)", "NC(=O)OC(C)(C)C",
         {"protected amino", "acylamino", "lower alkoxycarbonylamino"}),
        ("cbz", "(benzyloxycarbonylamino)", "NC(=O)OCc4ccccc4",
         {"protected amino", "acylamino", "ar(lower)alkoxycarbonylamino"}),
    ]),
    "nucleus": _amines([
        ("amino", "amino", "N", {"amino"}),
        ("phenylacetamido", "phenylacetamido", "O=C(Cc4ccccc4)N",
         {"protected amino", "acylamino", "ar(lower)alkanoylamino"}),
        ("phenoxyacetamido", "phenoxyacetamido", "O=C(COc4ccccc4)N",
         {"protected amino", "acylamino", "aryloxy(lower)alkanoylamino"}),
        ("boc", "(tert-butoxycarbonylamino)", "CC(C)(C)OC(=O)N",
         {"protected amino", "acylamino", "lower alkoxycarbonylamino"}),
    ]),
    "furyl": _amines([("none", "", "", set())]),
}
AMINES["atzene"] = AMINES["atz"]


@dataclass(frozen=True)
class Ester:
    key: str
    name: str          # the alcohol part as written before the cephem name
    frag: str          # SMILES of the group on the carboxy oxygen, attachment atom first
    terms: frozenset   # R2 group terms the ester (as -C(=O)O-frag) satisfies
    protecting: bool   # a carboxy-protecting group of process intermediates


# Acyl groups of acyloxyalkyl esters: (acyloxy prefix, acyloxy SMILES from O, acyl carbons or
# None when not an alkanoyl). Names: IUPAC acyl prefixes (P-65), trivial acyl names as used in
# the Fujisawa/Takeda/Sankyo prodrug patents.
ACYLOXY = [
    ("formyloxy", "OC=O", 1), ("acetoxy", "OC(C)=O", 2), ("propionyloxy", "OC(=O)CC", 3),
    ("butyryloxy", "OC(=O)CCC", 4), ("isobutyryloxy", "OC(=O)C(C)C", 4),
    ("valeryloxy", "OC(=O)CCCC", 5), ("isovaleryloxy", "OC(=O)CC(C)C", 5),
    ("pivaloyloxy", "OC(=O)C(C)(C)C", 5), ("hexanoyloxy", "OC(=O)CCCCC", 6),
    ("3,3-dimethylbutyryloxy", "OC(=O)CC(C)(C)C", 6), ("2,2-dimethylbutyryloxy", "OC(=O)C(C)(C)CC", 6),
    ("2-ethylbutyryloxy", "OC(=O)C(CC)CC", 6), ("heptanoyloxy", "OC(=O)CCCCCC", 7),
    ("octanoyloxy", "OC(=O)CCCCCCC", 8), ("nonanoyloxy", "OC(=O)CCCCCCCC", 9),
    ("decanoyloxy", "OC(=O)CCCCCCCCC", 10), ("undecanoyloxy", "OC(=O)CCCCCCCCCC", 11),
    ("lauroyloxy", "OC(=O)CCCCCCCCCCC", 12), ("tridecanoyloxy", "OC(=O)CCCCCCCCCCCC", 13),
    ("myristoyloxy", "OC(=O)CCCCCCCCCCCCC", 14), ("pentadecanoyloxy", "OC(=O)CCCCCCCCCCCCCC", 15),
    ("palmitoyloxy", "OC(=O)CCCCCCCCCCCCCCC", 16), ("heptadecanoyloxy", "OC(=O)CCCCCCCCCCCCCCCC", 17),
    ("stearoyloxy", "OC(=O)CCCCCCCCCCCCCCCCC", 18), ("icosanoyloxy", "OC(=O)CCCCCCCCCCCCCCCCCCC", 20),
    ("2-methylbutyryloxy", "OC(=O)C(C)CC", 5), ("4-methylpentanoyloxy", "OC(=O)CCC(C)C", 6),
    ("2-methylpentanoyloxy", "OC(=O)C(C)CCC", 6), ("2,2-dimethylpentanoyloxy", "OC(=O)C(C)(C)CCC", 7),
    ("2-propylpentanoyloxy", "OC(=O)C(CCC)CCC", 8), ("2-ethylhexanoyloxy", "OC(=O)C(CC)CCCC", 8),
    ("5,5-dimethylhexanoyloxy", "OC(=O)CCCC(C)(C)C", 8),
    ("benzoyloxy", "OC(=O)c4ccccc4", None), ("4-methylbenzoyloxy", "OC(=O)c4ccc(C)cc4", None),
    ("4-methoxybenzoyloxy", "OC(=O)c4ccc(OC)cc4", None),
    ("cyclohexylcarbonyloxy", "OC(=O)C4CCCCC4", None), ("cyclopropylcarbonyloxy", "OC(=O)C4CC4", None),
    ("cyclopentylcarbonyloxy", "OC(=O)C4CCCC4", None),
]
# Alkoxy groups of carbonates and alkoxycarbonyl groups: (prefix, SMILES from O, kind).
ALKOXY = [
    ("methoxy", "OC", "lower"), ("ethoxy", "OCC", "lower"), ("propoxy", "OCCC", "lower"),
    ("isopropoxy", "OC(C)C", "lower"), ("butoxy", "OCCCC", "lower"), ("isobutoxy", "OCC(C)C", "lower"),
    ("tert-butoxy", "OC(C)(C)C", "lower"), ("pentyloxy", "OCCCCC", "lower"),
    ("2,2-dimethylpropoxy", "OCC(C)(C)C", "lower"), ("hexyloxy", "OCCCCCC", "lower"),
    ("cyclopentyloxy", "OC4CCCC4", "cyclo"), ("cyclohexyloxy", "OC4CCCCC4", "cyclo"),
    ("sec-butoxy", "OC(C)CC", "lower"), ("3-methylbutoxy", "OCCC(C)C", "lower"),
    ("2-ethylbutoxy", "OCC(CC)CC", "lower"), ("3,3-dimethylbutoxy", "OCCC(C)(C)C", "lower"),
    ("1-ethylpropoxy", "OC(CC)CC", "lower"),
    ("cyclobutyloxy", "OC4CCC4", "cyclo"), ("cycloheptyloxy", "OC4CCCCCC4", "cyclo"),
    ("octyloxy", "OCCCCCCCC", "higher"), ("heptyloxy", "OCCCCCCC", "higher"), ("decyloxy", "OCCCCCCCCCC", "higher"),
    ("benzyloxy", "OCc4ccccc4", "ar"), ("2-phenylethoxy", "OCCc4ccccc4", "ar"),
]
# Linkers "(X)methyl", "1-(X)ethyl" ...: (locant of X, other prefixes of the alkyl, parent alkyl,
# SMILES pattern with {X} the substituent). Prefixes are put in IUPAC alphanumerical order.
LINKERS = [
    ("", "", "methyl", "C{X}"), ("1", "", "ethyl", "C(C){X}"), ("2", "", "ethyl", "CC{X}"),
    ("1", "", "propyl", "C(CC){X}"), ("1", "", "butyl", "C(CCC){X}"), ("1", "", "pentyl", "C(CCCC){X}"),
    ("3", "", "propyl", "CCC{X}"),
    ("1", "1-methyl", "ethyl", "C(C)(C){X}"), ("1", "2-methyl", "propyl", "C(C(C)C){X}"),
    ("1", "2,2-dimethyl", "propyl", "C(C(C)(C)C){X}"), ("1", "3-methyl", "butyl", "C(CC(C)C){X}"),
]
CARBONATE_LINKERS = [LINKERS[i] for i in (0, 1, 3, 4, 7, 8, 9, 10)]
ALKOXYCARBONYL_LINKERS = [LINKERS[i] for i in (0, 1, 2, 7)]

ESTERIFIED = {"protected carboxy", "esterified carboxy"}


def _sub(prefix: str, composite: bool) -> str:
    """A substituent prefix inside a larger prefix, parenthesised when it needs it."""
    return f"({prefix})" if composite or re.search(r"[\d,-]", prefix) else prefix


def _alpha_key(prefix: str, simple: bool) -> str:
    """Sort key of a substituent prefix (IUPAC P-14.5): locants and italic prefixes (tert-, sec-)
    are ignored; multiplying prefixes only for simple substituents ("2,2-dimethyl" sorts as
    "methyl", but the compound prefix "(2,2-dimethylbutyryloxy)" sorts under "d")."""
    s = re.sub(r"^[\d,]+-", "", prefix.strip("()"))
    if simple:
        s = re.sub(r"^(?:di|tri|tetra)(?=[a-z])", "", s)
    s = re.sub(r"^(?:tert|sec)-", "", s)
    return re.sub(r"[^a-z]", "", s)


def _linked(linker: tuple, sub: str) -> str:
    loc, other, parent, _ = linker
    if not loc:
        return f"{sub}{parent}"
    parts = [(f"{loc}-{sub}", _alpha_key(sub, simple=False))]
    if other:
        parts.append((other, _alpha_key(other, simple=True)))
    parts.sort(key=lambda x: x[1])
    return "-".join(x for x, _ in parts) + parent


def build_esters() -> list[Ester]:
    out: list[Ester] = []

    def add(key, name, frag, terms, protecting=False, base=ESTERIFIED):
        out.append(Ester(key, name, frag, frozenset(set(base) | set(terms)), protecting))

    # acyloxyalkyl esters
    for acy, acy_smi, carbons in ACYLOXY:
        for lk in LINKERS:
            smi = lk[3]
            name = _linked(lk, _sub(acy, False))
            if carbons is None:
                terms = {"aroyloxy(lower)alkoxycarbonyl"} if acy.startswith("benzoyl") else {
                    "cyclo(lower)alkylcarbonyloxy(lower)alkoxycarbonyl"}
            elif carbons <= 6:
                terms = {"lower alkanoyloxy(lower)alkoxycarbonyl", "acyloxy(lower)alkoxycarbonyl"}
            else:
                terms = {"higher alkanoyloxy(lower)alkoxycarbonyl", "acyloxy(lower)alkoxycarbonyl"}
            add(f"acyloxy:{acy}:{name}", name, smi.format(X=acy_smi), terms)
    # (alkoxycarbonyloxy)alkyl esters (carbonates)
    for alk, alk_smi, kind in ALKOXY:
        inner = f"{alk}carbonyloxy"
        for lk in CARBONATE_LINKERS:
            smi = lk[3]
            composite = lk[0] != "" and bool(re.search(r"[\d-]", alk))
            name = _linked(lk, _sub(inner, composite))
            terms = {"lower": {"lower alkoxycarbonyloxy(lower)alkoxycarbonyl"},
                     "cyclo": {"cyclo(lower)alkyloxycarbonyloxy(lower)alkoxycarbonyl"},
                     "higher": {"higher alkoxycarbonyloxy(lower)alkoxycarbonyl"},
                     "ar": {"ar(lower)alkoxycarbonyloxy(lower)alkoxycarbonyl"}}[kind]
            add(f"carbonate:{alk}:{name}", name, smi.format(X=f"OC(=O){alk_smi}"), terms)
    # (alkoxycarbonyl)alkyl esters
    for alk, alk_smi, _kind in [a for a in ALKOXY if a[2] == "lower"]:
        inner = f"{alk}carbonyl"
        for lk in ALKOXYCARBONYL_LINKERS:
            smi = lk[3]
            name = _linked(lk, _sub(inner, lk[0] != ""))
            add(f"alkoxycarbonylalkyl:{alk}:{name}", name, smi.format(X=f"C(=O){alk_smi}"),
                {"lower alkoxycarbonyl(lower)alkoxycarbonyl",
                 "protected carboxy(lower)alkoxycarbonyl"})
    # carboxyalkyl esters
    for name, frag in [("carboxymethyl", "CC(=O)O"), ("1-carboxyethyl", "C(C)C(=O)O"),
                       ("2-carboxyethyl", "CCC(=O)O"), ("1-carboxy-1-methylethyl", "C(C)(C)C(=O)O"),
                       ("3-carboxypropyl", "CCCC(=O)O")]:
        add(f"carboxyalkyl:{name}", name, frag, {"carboxy(lower)alkoxycarbonyl"})
    # (5-substituted 2-oxo-1,3-dioxol-4-yl)alkyl esters (medoxomil type)
    for sub, sub_smi, lower in [("methyl", "C", True), ("ethyl", "CC", True), ("propyl", "CCC", True),
                                ("isopropyl", "C(C)C", True), ("butyl", "CCCC", True),
                                ("tert-butyl", "C(C)(C)C", True), ("phenyl", "c5ccccc5", False)]:
        ring = f"2-oxo-5-{sub}-1,3-dioxol-4-yl" if sub == "phenyl" else f"5-{sub}-2-oxo-1,3-dioxol-4-yl"
        for pat, smi in [("({r})methyl", "C"), ("1-({r})ethyl", "C(C)"), ("1-({r})propyl", "C(CC)")]:
            terms = {"(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl"} if lower else set()
            add(f"dioxolonyl:{sub}:{pat}", pat.format(r=ring), f"{smi}C4=C({sub_smi})OC(=O)O4", terms)
    # phthalidyl
    for name in ("phthalid-3-yl", "3-phthalidyl"):
        add(f"phthalidyl:{name}", name, "C4OC(=O)c5ccccc45", {"phthalidyloxycarbonyl"})
    # alkyl esters
    for name, frag, carbons, prot in [
            ("methyl", "C", 1, True), ("ethyl", "CC", 2, True), ("propyl", "CCC", 3, False),
            ("isopropyl", "C(C)C", 3, False), ("butyl", "CCCC", 4, False), ("isobutyl", "CC(C)C", 4, False),
            ("tert-butyl", "C(C)(C)C", 4, True), ("pentyl", "CCCCC", 5, False),
            ("3-methylbutyl", "CCC(C)C", 5, False), ("2,2-dimethylpropyl", "CC(C)(C)C", 5, False),
            ("hexyl", "CCCCCC", 6, False), ("heptyl", "CCCCCCC", 7, False), ("octyl", "CCCCCCCC", 8, False),
            ("decyl", "CCCCCCCCCC", 10, False), ("dodecyl", "CCCCCCCCCCCC", 12, False),
            ("hexadecyl", "CCCCCCCCCCCCCCCC", 16, False), ("octadecyl", "CCCCCCCCCCCCCCCCCC", 18, False),
            ("sec-butyl", "C(C)CC", 4, False), ("1-ethylpropyl", "C(CC)CC", 5, False),
            ("2-ethylbutyl", "CC(CC)CC", 6, False), ("nonyl", "CCCCCCCCC", 9, False),
            ("tetradecyl", "CCCCCCCCCCCCCC", 14, False), ("icosyl", "CCCCCCCCCCCCCCCCCCCC", 20, False)]:
        terms = {"lower alkoxycarbonyl", "alkoxycarbonyl"} if carbons <= 6 else {
            "higher alkoxycarbonyl", "alkoxycarbonyl"}
        add(f"alkyl:{name}", name, frag, terms, prot)
    # ar(lower)alkyl esters
    for name, frag, prot in [("benzyl", "Cc4ccccc4", True), ("4-nitrobenzyl", "Cc4ccc(cc4)[N+](=O)[O-]", True),
                             ("4-methoxybenzyl", "Cc4ccc(OC)cc4", True),
                             ("2,4-dimethoxybenzyl", "Cc4ccc(OC)cc4OC", True),
                             ("benzhydryl", "C(c4ccccc4)c4ccccc4", True),
                             ("diphenylmethyl", "C(c4ccccc4)c4ccccc4", True),
                             ("2-phenylethyl", "CCc4ccccc4", False)]:
        terms = {"mono(or di or tri)ar(lower)alkoxycarbonyl"}
        if not name.startswith(("benzhydryl", "diphenyl")):
            terms.add("ar(lower)alkoxycarbonyl")
        add(f"aralkyl:{name}", name, frag, terms, prot)
    for name, frag in [("2,2,2-trichloroethyl", "CC(Cl)(Cl)Cl"), ("2,2,2-trifluoroethyl", "CC(F)(F)F"),
                       ("2-iodoethyl", "CCI")]:
        add(f"haloalkyl:{name}", name, frag, {"mono(or di or tri)halo(lower)alkoxycarbonyl"},
            name == "2,2,2-trichloroethyl")
    add("allyl", "allyl", "CC=C", {"allyloxycarbonyl"}, True)
    for name, frag in [("methoxymethyl", "COC"), ("ethoxymethyl", "COCC"), ("2-methoxyethyl", "CCOC"),
                       ("(2-methoxyethoxy)methyl", "COCCOC")]:
        add(f"alkoxyalkyl:{name}", name, frag, {"lower alkoxy(lower)alkoxycarbonyl"})
    for name, frag in [("cyclopentyl", "C4CCCC4"), ("cyclohexyl", "C4CCCCC4")]:
        add(f"cycloalkyl:{name}", name, frag, {"cyclo(lower)alkoxycarbonyl"})
    for name, frag in [("trimethylsilyl", "[Si](C)(C)C"), ("triethylsilyl", "[Si](CC)(CC)CC"),
                       ("tert-butyldimethylsilyl", "[Si](C)(C)C(C)(C)C")]:
        add(f"silyl:{name}", name, frag, {"silyloxycarbonyl"}, True, base={"protected carboxy"})
    keys = [e.key for e in out]
    assert len(keys) == len(set(keys)), "duplicate ester keys"
    return out


ESTERS = build_esters()
PROTECTING = [e for e in ESTERS if e.protecting]
ACID_TERMS = frozenset({"carboxy"})

# R2 group terms a dependent claim may narrow to: (term, subclass of "esterified carboxy").
R2_CLASSES = [
    ("lower alkoxycarbonyl", True), ("higher alkoxycarbonyl", True),
    ("lower alkanoyloxy(lower)alkoxycarbonyl", True), ("higher alkanoyloxy(lower)alkoxycarbonyl", True),
    ("lower alkoxycarbonyloxy(lower)alkoxycarbonyl", True),
    ("cyclo(lower)alkyloxycarbonyloxy(lower)alkoxycarbonyl", True),
    ("lower alkoxycarbonyl(lower)alkoxycarbonyl", True), ("protected carboxy(lower)alkoxycarbonyl", True),
    ("carboxy(lower)alkoxycarbonyl", True),
    ("(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl", True),
    ("phthalidyloxycarbonyl", True), ("mono(or di or tri)ar(lower)alkoxycarbonyl", True),
    ("ar(lower)alkoxycarbonyl", True), ("mono(or di or tri)halo(lower)alkoxycarbonyl", True),
    ("allyloxycarbonyl", True), ("lower alkoxy(lower)alkoxycarbonyl", True),
    ("aroyloxy(lower)alkoxycarbonyl", True), ("silyloxycarbonyl", False),
]
assert all(any(t in e.terms for e in ESTERS) for t, _ in R2_CLASSES)

CLASS_SIZE = {t: sum(1 for e in ESTERS if t in e.terms) for t, _ in R2_CLASSES}


def weighted_order(rng: random.Random, items: list, weights: list[float]) -> list:
    """A random order in which heavier items tend to come first (Efraimidis-Spirakis keys)."""
    keys = [rng.random() ** (1.0 / w) for w in weights]
    return [x for _, x in sorted(zip(keys, items), key=lambda kv: -kv[0])]


# Salt phrases ("or its X") -> salt form ids of cephkg's salt_forms.toml.
SALT_IDS = {"sodium salt": "sodium", "potassium salt": "potassium", "hydrochloride": "hydrochloride",
            "hydrobromide": "hydrobromide", "sulfate": "sulfate", "p-toluenesulfonate": "tosylate",
            "methanesulfonate": "mesylate", "dicyclohexylamine salt": "dicyclohexylamine",
            "triethylamine salt": "triethylamine"}


@dataclass
class Core:
    id: str
    inn: str
    family: str
    kind: str
    isomer: str
    acids: int
    name: str
    slots: dict
    terms: dict
    smiles: str
    documented_name: str
    source: str

    @property
    def oxime(self) -> bool:
        return self.family in OXIME_FAMILIES


def load_cores(path: Path = CORES_FILE) -> list[Core]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cores = [Core(**{k: c.get(k, "") for k in Core.__dataclass_fields__}) for c in data["core"]]
    for c in cores:
        assert c.family in FAMILY_TEMPLATES, c.id
        c.slots = dict(c.slots)
        c.terms = {k: list(v) for k, v in dict(c.terms).items()}
    return cores


CORES = load_cores()
CORE_BY_ID = {c.id: c for c in CORES}
STYLES = ("plain", "7beta", "6r7r", "zin")


def fill_template(template: str, slots: dict, *, s6="@", s7="", sa="@@", bond="/") -> str:
    vals = dict.fromkeys(("A", "OX", "AL", "AR", "AN", "N7", "CX"), "")
    vals.update({k: v for k, v in slots.items() if k != "C3"})
    c3 = slots.get("C3", "")
    vals["C3"] = f"({c3})" if c3 else ""
    vals.update(s6=s6, s7=s7, sa=sa, b1=bond, b2=bond)
    return template.format(**vals)


def _wrap(group: str) -> str:
    return f"[{group}]" if "(" in group else f"({group})"


def parent_name(core: Core, amine: Amine, style: str, z_in_name: bool = False) -> str:
    fill = {"p7": "7β" if style == "7beta" else "7",
            "z": "(Z)-" if (z_in_name or style == "zin") and core.oxime else ""}
    if core.family in ("atz", "atzene"):
        fill["thz"] = _wrap(amine.name)
    elif core.family == "aryl":
        fill["amine"] = amine.name
    elif core.family == "nucleus":
        fill["n7"] = amine.name
    name = core.name.format(**fill)
    return "(6R,7R)-" + name if style == "6r7r" else name


@dataclass(frozen=True)
class SpeciesKey:
    core: str
    amine: str
    ester: str | None    # None: the free acid
    salt: str | None     # a salt written into the name: sodium | potassium | hydrochloride
    style: str


ESTER_BY_KEY = {e.key: e for e in ESTERS}
AMINE_BY = {fam: {a.key: a for a in rows} for fam, rows in AMINES.items()}


def species_name(key: SpeciesKey, z_in_name: bool = False) -> str:
    core = CORE_BY_ID[key.core]
    parent = parent_name(core, AMINE_BY[core.family][key.amine], key.style, z_in_name)
    if key.ester is None:
        if key.salt in ("sodium", "potassium"):
            name = f"{key.salt} {parent}-4-carboxylate"
        else:
            name = f"{parent}-4-carboxylic acid"
    else:
        name = f"{ESTER_BY_KEY[key.ester].name} {parent}-4-carboxylate"
    if key.salt == "hydrochloride":
        name += " hydrochloride"
    return name


def species_slots(key: SpeciesKey) -> dict:
    core = CORE_BY_ID[key.core]
    slots = dict(core.slots)
    amine_slot = AMINE_SLOT[core.family]
    if amine_slot:
        slots[amine_slot] = AMINE_BY[core.family][key.amine].frag
    if key.salt in ("sodium", "potassium"):
        slots["CX"] = "C(=O)[O-]"
    elif key.ester is None:
        slots["CX"] = "C(=O)O"
    else:
        slots["CX"] = "C(=O)O" + ESTER_BY_KEY[key.ester].frag
    return slots


def species_smiles(key: SpeciesKey, oxime_stereo: bool = True) -> str:
    """The structure the name means (with the syn qualifier when the name has none):
    C-6 as the cephem name implies (6R), C-7 only when the name states it."""
    core = CORE_BY_ID[key.core]
    s7 = "@@" if key.style in ("7beta", "6r7r") else ""
    bond = "/" if (oxime_stereo or not core.oxime) else ""
    smi = fill_template(FAMILY_TEMPLATES[core.family], species_slots(key), s6="@", s7=s7, bond=bond)
    if key.salt in ("sodium", "potassium"):
        smi += ".[Na+]" if key.salt == "sodium" else ".[K+]"
    if key.salt == "hydrochloride":
        smi = "Cl." + smi
    return smi


def species_assignment(key: SpeciesKey, family_vars: dict) -> dict:
    """Variable -> substituent fragment ([*] = attachment), cephkg's fragment convention."""
    slots = species_slots(key)
    out = {}
    for var, slot in family_vars.items():
        frag = slots.get(slot, "")
        if slot == "N7":
            out[var] = frag + "[*]"
        elif slot == "CX" and key.salt in ("sodium", "potassium"):
            out[var] = "[*]C(=O)O"        # the salt of the carboxy group
        else:
            out[var] = "[*]" + frag if frag else "[*][H]"
    return out


def basic_amine(key: SpeciesKey) -> bool:
    return key.amine == "amino"


def core_styles(core: Core) -> tuple:
    return STYLES if core.oxime else STYLES[:3]


def universe():
    """Every species key the generator can emit (the tables' product, with its rules)."""
    for core in CORES:
        for amine in AMINES[core.family]:
            if amine.free:
                for est in [None, *ESTERS]:
                    for style in core_styles(core):
                        yield SpeciesKey(core.id, amine.key, est and est.key, None, style)
                    if est is None and core.acids == 1:
                        yield SpeciesKey(core.id, amine.key, None, "sodium", "plain")
                        yield SpeciesKey(core.id, amine.key, None, "potassium", "plain")
                    if amine.key == "amino":
                        yield SpeciesKey(core.id, amine.key, est and est.key, "hydrochloride", "plain")
            else:
                for est in [None, *PROTECTING]:
                    for style in ("plain", "zin") if core.oxime else ("plain",):
                        yield SpeciesKey(core.id, amine.key, est and est.key, None, style)


# =============================================================================================
# Claims model
# =============================================================================================

@dataclass
class Claim:
    n: int
    cat: str
    text: str                      # with «…» tokens, see render_tokens()
    deps: list
    refs: list
    species: list = field(default_factory=list)
    formulas: list = field(default_factory=list)    # dicts: k, smiles, variables, note
    defs: dict = field(default_factory=dict)        # variable -> terms as written


@dataclass
class Patent:
    idx: int
    stem: str
    fmt: str
    notation: str
    drafting: str
    family: str
    cores: list
    pub: dict
    title: str
    claims: list
    sidecar: bool = False


TOKEN = re.compile(r"«([^»]*)»")


def V(var: str) -> str:
    return f"«V:{var}»"


def join_terms(rng: random.Random, terms: list[str], group: bool = True) -> str:
    if len(terms) == 1:
        return terms[0]
    if group and len(terms) > 3 and rng.random() < 0.3:
        return "selected from the group consisting of " + ", ".join(terms[:-1]) + " and " + terms[-1]
    sep = ", or " if rng.random() < 0.2 else " or "
    return ", ".join(terms[:-1]) + sep + terms[-1]


def article(term: str) -> str:
    return "an" if term[0] in "aeiou" else "a"


TERM_PHRASES = {
    "amino": ["amino", "an amino group", "amino"],
    "protected amino": ["a protected amino group", "protected amino", "a protected amino group"],
    "carboxy": ["carboxy", "a carboxy group", "carboxy"],
    "protected carboxy": ["a protected carboxy group", "protected carboxy", "a protected carboxy group"],
    "esterified carboxy": ["esterified carboxy", "an esterified carboxy group", "esterified carboxy group"],
    "hydrogen": ["hydrogen", "a hydrogen atom", "hydrogen"],
    "halogen": ["halogen", "a halogen atom", "halogen"],
}


def phrase(rng: random.Random, term: str, carbon_style: bool = False) -> str:
    if carbon_style and term == "lower alkyl":
        return "«C:1:6» alkyl" if rng.random() < 0.5 else "«C:1:4» alkyl"
    if carbon_style and term == "lower alkoxy":
        return "«C:1:6» alkoxy"
    opts = TERM_PHRASES.get(term)
    return rng.choice(opts) if opts else term


def term_as_written(phr: str, term: str) -> str:
    """The definition as a reader should record it: the canonical term, or the carbon range
    written instead of "lower" ("C1-C4 alkyl")."""
    m = re.match(r"«C:(\d+):(\d+)» (\w+)$", phr)
    return f"C{m.group(1)}-C{m.group(2)} {m.group(3)}" if m else term


class ClaimText:
    """Builds one claim's text; formulas get consecutive positions within the claim."""

    def __init__(self):
        self.parts: list[str] = []
        self.formulas: list[dict] = []

    def add(self, s: str) -> ClaimText:
        self.parts.append(s)
        return self

    def formula(self, smiles: str | None, variables: dict | None = None, note: str = "") -> str:
        k = len(self.formulas) + 1
        self.formulas.append({"k": k, "smiles": smiles, "variables": variables or {}, "note": note})
        return f"«F:{k}»"

    @property
    def text(self) -> str:
        return "".join(self.parts)


# =============================================================================================
# Patent builder
# =============================================================================================

CONDENSING = ["N,N'-dicyclohexylcarbodiimide", "phosphorus oxychloride", "N,N'-carbonyldiimidazole",
              "1-ethyl-3-(3-dimethylaminopropyl)carbodiimide", "thionyl chloride",
              "a Vilsmeier reagent prepared from N,N-dimethylformamide and phosphorus oxychloride"]
ACTIVE_ESTERS = ["2-benzothiazolyl thioester", "1-hydroxybenzotriazole ester", "acid chloride hydrochloride",
                 "mixed anhydride with pivalic acid", "S-2-benzothiazolyl thioester"]
SOLVENTS = ["N,N-dimethylformamide", "N,N-dimethylacetamide", "dichloromethane", "methylene chloride",
            "tetrahydrofuran", "acetonitrile", "ethyl acetate", "acetone", "dioxane", "water",
            "methanol", "ethanol", "toluene", "chloroform", "aqueous acetone", "dimethyl sulfoxide"]
BASES = ["triethylamine", "pyridine", "sodium bicarbonate", "potassium carbonate", "N-methylmorpholine",
         "N,N-diisopropylethylamine", "sodium hydroxide", "dicyclohexylamine", "sodium acetate"]
DEPROT_CARBOXY = ["trifluoroacetic acid in the presence of anisole", "aluminum chloride and anisole",
                  "formic acid", "phenol", "hydrochloric acid", "trifluoroacetic acid"]
DEPROT_AMINO = ["formic acid", "hydrochloric acid", "trifluoroacetic acid", "concentrated hydrochloric acid in methanol",
                "p-toluenesulfonic acid"]
HYDROGENATION_CATALYSTS = ["palladium on carbon", "palladium on activated carbon", "Raney nickel",
                           "platinum oxide", "palladium hydroxide on carbon"]
ESTERIFYING = ["iodomethyl pivalate", "1-iodoethyl isopropyl carbonate", "4-bromomethyl-5-methyl-1,3-dioxol-2-one",
               "1-bromoethyl acetate", "3-bromophthalide", "chloromethyl pivalate", "diphenyldiazomethane",
               "1-iodoethyl ethyl carbonate", "iodomethyl palmitate"]
TEMPERATURES = ["at a temperature of from -20 °C to 25 °C", "at -10 to 10 °C", "at 0 to 5 °C",
                "at room temperature", "under cooling", "at a temperature of from 20 to 40 °C",
                "under reflux", "at -40 to -20 °C"]
SALT_REAGENTS = ["sodium 2-ethylhexanoate", "sodium acetate", "sodium bicarbonate", "potassium 2-ethylhexanoate"]
DISEASES = ["infectious diseases caused by pathogenic microorganisms", "bacterial infections",
            "infections caused by Gram-positive and Gram-negative bacteria", "microbial infections",
            "respiratory tract infections", "urinary tract infections"]

TITLES = {
    "atz": ["Cephem compounds and processes for preparation thereof", "New cephem compounds",
            "7-[2-(2-Aminothiazol-4-yl)-2-oxyiminoacetamido]cephalosporin derivatives",
            "Cephalosporin esters and pharmaceutical compositions containing them"],
    "atzene": ["Cephem compounds", "7-(2-Aminothiazol-4-yl)alkenoylamino cephalosporins"],
    "furyl": ["Cephalosporin antibiotics", "Esters of 3-carbamoyloxymethyl cephalosporins"],
    "aryl": ["Cephalosporin derivatives", "7-(D-2-Amino-2-arylacetamido)cephalosporins and esters thereof"],
    "nucleus": ["Process for preparing cephalosporin intermediates", "Process for the preparation of 7-amino-3-cephem compounds",
                "Preparation of 3-vinyl cephalosporins", "Improved process for 7-aminocephalosporanic acid derivatives"],
}


class Builder:
    def __init__(self, rng: random.Random, drafting: str, family: str, cores: list[Core], style: str):
        self.rng = rng
        self.drafting = drafting            # "us" | "ep"
        self.family = family
        self.cores = cores
        self.style = style
        self.claims: list[Claim] = []
        self.used_names: set[tuple] = set()
        self.fvars = FAMILY_VARS[family]
        self.slot_var = {s: v for v, s in self.fvars.items()}
        self.amine_var = self.slot_var.get(AMINE_SLOT[family]) if AMINE_SLOT[family] else None
        self.declared: list[str] = []      # variables of the compound formula
        self.alts: dict[str, list[str]] = {}
        self.eff: dict[int, dict] = {}      # claim -> effective constraints var -> term
        self.qualifier = ""
        self.isomer = None
        if any(c.oxime for c in cores) and style != "zin":
            if rng.random() < 0.85:
                self.qualifier, self.isomer = " (syn isomer)", "syn"
            else:
                self.qualifier, self.isomer = " (Z-isomer)", "Z"
        self.carbon_style = rng.random() < 0.15
        self.pre_dep = self._pick_preambles()
        self._pool_cache: dict = {}
        self.process_kinds: set = set()

    # ---------------------------------------------------------------- claims and references
    def add(self, cat, text, deps=(), refs=(), species=(), formulas=(), defs=None) -> int:
        n = len(self.claims) + 1
        self.claims.append(Claim(n, cat, text, sorted(set(deps)), sorted(set(refs)), list(species),
                                 list(formulas), dict(defs or {})))
        for sp in species:
            sp["claim"] = n
        return n

    def ref(self, nums) -> str:
        nums = sorted(set(nums))
        if len(nums) == 1:
            return f"«R:claim {nums[0]}:{nums[0]}»"
        if len(nums) == 2:
            return f"«R:claim {nums[0]}:{nums[0]}» or «R:{nums[1]}:{nums[1]}»"
        if nums == list(range(nums[0], nums[-1] + 1)):
            return f"any one of «R:claims {nums[0]}:{nums[0]}» to «R:{nums[-1]}:{nums[-1]}»"
        head = ", ".join(f"«R:{n}:{n}»" for n in nums[1:-1])
        return f"any one of «R:claims {nums[0]}:{nums[0]}», {head} and «R:{nums[-1]}:{nums[-1]}»"

    def cite(self, last: int, chain: list[int] | None = None) -> list[int]:
        """The claims a dependent claim cites: the last one, or (EP style) the whole chain."""
        if self.drafting == "ep" and chain and len(chain) > 1 and self.rng.random() < 0.6:
            return list(chain)
        return [last]

    def _pick_preambles(self) -> dict:
        r = self.rng
        if self.drafting == "us":
            comp = r.choice(["A compound of {ref}", "The compound of {ref}", "A compound according to {ref}",
                             "A compound as claimed in {ref}", "The compound as defined in {ref}"])
            proc = r.choice(["The process of {ref}", "The process according to {ref}",
                             "A process as claimed in {ref}", "The process as recited in {ref}",
                             "A process as defined in {ref}"])
        else:
            comp = r.choice(["A compound according to {ref}", "A compound as claimed in {ref}",
                             "Compound according to {ref}", "A cephem compound according to {ref}",
                             "A compound of {ref}"])
            proc = r.choice(["A process according to {ref}", "Process according to {ref}",
                             "A process as claimed in {ref}", "The process according to {ref}"])
        return {"compound": comp, "process": proc}

    def dep(self, cat: str, nums) -> str:
        return self.pre_dep[cat].format(ref=self.ref(nums))

    # ---------------------------------------------------------------- species
    def core_ok(self, core: Core, eff: dict) -> bool:
        for var, term in eff.items():
            slot = self.fvars.get(var)
            if slot in CORE_SLOTS and term not in core.terms.get(slot, []):
                return False
        return True

    def ester_pool(self, term: str | None, protected: bool) -> list:
        key = (term, protected)
        if key not in self._pool_cache:
            base = PROTECTING if protected else ESTERS
            pool: list = []
            if term is None or term == "carboxy":
                pool.append(None)
            if term != "carboxy":
                pool += [e for e in base if term is None or term in e.terms]
            self._pool_cache[key] = pool
        return self._pool_cache[key]

    def pick_key(self, eff: dict, acid: bool | None = None, protected: bool = False) -> SpeciesKey | None:
        r = self.rng
        cores = [c for c in self.cores if self.core_ok(c, eff)]
        if not cores:
            return None
        for _ in range(30):
            core = r.choice(cores)
            amines = AMINES[core.family]
            aterm = eff.get(self.amine_var) if self.amine_var else None
            if protected:
                cand = [a for a in amines if not a.free and (aterm is None or aterm in a.terms)]
            elif aterm is None:
                cand = [a for a in amines if a.free]
            else:
                cand = [a for a in amines if aterm in a.terms]
            if not cand:
                return None
            amine = r.choice(cand)
            term = eff.get("R2")
            if acid is True:
                term = "carboxy"
            pool = self.ester_pool(term, not amine.free)
            if acid is False:
                pool = [e for e in pool if e is not None]
            if not pool:
                continue
            est = r.choice(pool)
            if acid is None and term is None and r.random() < 0.3:
                est = None
            style = self.style if (amine.free or self.style == "zin") else "plain"
            if style == "zin" and not core.oxime:
                style = "plain"
            salt = None
            if style == "plain" and amine.free:
                x = r.random()
                if est is None and core.acids == 1 and x < 0.12:
                    salt = r.choice(["sodium", "potassium"])
                elif amine.key == "amino" and x > 0.9:
                    salt = "hydrochloride"
            key = SpeciesKey(core.id, amine.key, est and est.key, salt, style)
            parent = (key.core, key.amine, key.ester)      # one compound once per patent
            if parent not in self.used_names:
                self.used_names.add(parent)
                return key
        return None

    def pick_key_probe(self, eff: dict) -> bool:
        if not any(self.core_ok(c, eff) for c in self.cores):
            return False
        return any(self.ester_pool(eff.get("R2"), False))

    def species_text(self, key: SpeciesKey, allow_salt_phrase: bool = True) -> tuple[str, dict]:
        r = self.rng
        core = CORE_BY_ID[key.core]
        name = species_name(key)
        text = f"«N:{name}»"
        isomer = None
        if core.oxime and key.style != "zin":
            text += self.qualifier
            isomer = self.isomer
        salts: list[str] = []
        clause = False
        if allow_salt_phrase and key.salt is None:
            x = r.random()
            if key.ester is None and core.family != "nucleus":
                if x < 0.3:
                    salts = ["sodium salt"]
                elif x < 0.42:
                    salts = ["sodium salt", "potassium salt"]
                elif x < 0.5 and basic_amine(key):
                    salts = ["hydrochloride"]
                elif x < 0.6:
                    clause = True
            elif key.ester is None:
                if x < 0.3 and basic_amine(key):
                    salts = [r.choice(["hydrochloride", "p-toluenesulfonate"])]
                elif x < 0.45:
                    salts = [r.choice(["dicyclohexylamine salt", "triethylamine salt", "sodium salt"])]
            elif basic_amine(key):
                if x < 0.25:
                    salts = ["hydrochloride"]
                elif x < 0.35:
                    salts = [r.choice(["hydrobromide", "sulfate", "p-toluenesulfonate", "methanesulfonate"])]
                elif x < 0.4:
                    clause = True
        for s in salts:
            text += f" or its {s}"
        if clause:
            text += " or a pharmaceutically acceptable salt thereof"
        forms = [SALT_IDS[s] for s in salts]
        if key.salt:
            forms = [key.salt]
        rec = {"name": name, "smiles": species_smiles(key), "isomer": isomer,
               "salt_forms": forms, "salts_clause": clause, "salt_in_name": key.salt is not None,
               **({"parent_name": species_name(SpeciesKey(key.core, key.amine, key.ester, None, key.style)),
                   "parent_smiles": species_smiles(SpeciesKey(key.core, key.amine, key.ester, None, key.style))}
                  if key.salt else {}),
               "core": key.core, "key": [key.core, key.amine, key.ester, key.salt, key.style],
               "assignment": species_assignment(key, {v: self.fvars[v] for v in self.declared} if self.declared
                                                else self.fvars)}
        return text, rec

    def species_claim(self, parent_nums: list[int], eff: dict, k: int = 1, acid=None, protected=False,
                      cat: str = "compound") -> int | None:
        keys = []
        for _ in range(k):
            key = self.pick_key(eff, acid=acid, protected=protected)
            if key:
                keys.append(key)
        if not keys:
            return None
        texts, recs = zip(*(self.species_text(key) for key in keys))
        r = self.rng
        pre = self.dep(cat, parent_nums)
        if len(texts) == 1:
            form = r.random()
            if form < 0.7:
                body = f"{pre}, which is {texts[0]}."
            elif form < 0.85:
                body = f"{pre}, which is:«P»{texts[0]}."
            elif form < 0.95 and self.drafting == "ep":
                body = f"{pre}, namely {texts[0]}."
            else:
                body = f"{pre}, wherein the compound is {texts[0]}."
        else:
            body = f"{pre}, selected from the group consisting of:«P»" + ";«P»".join(texts[:-1]) + \
                   f"; and«P»{texts[-1]}."
        return self.add(cat, body, deps=parent_nums, species=[dict(x) for x in recs])

    # ---------------------------------------------------------------- generic structures
    def generic(self, overrides: dict | None = None, var_names: dict | None = None,
                template: str | None = None, core: Core | None = None) -> tuple[str, dict]:
        """SMILES of the patent's generic formula: declared variables as [*:n] dummies,
        the rest from the (single) core. overrides: slot -> fragment or ("var", name)."""
        core = core or self.cores[0]
        slots = dict(core.slots)
        for var in self.declared:
            slot = self.fvars[var]
            slots[slot] = ("var", var)
        for slot, val in (overrides or {}).items():
            slots[slot] = val
        variables = {}
        for slot, val in list(slots.items()):
            if isinstance(val, tuple):
                var = val[1]
                num = VAR_NUMBER.get(var, 7)
                variables[num] = var
                slots[slot] = f"[*:{num}]"
        for slot in ("A", "AN", "N7"):
            if slot == AMINE_SLOT[self.family] and slot not in slots:
                slots[slot] = "N"
        smi = fill_template(template or FAMILY_TEMPLATES[self.family], slots, s6="", s7="", sa="", bond="/")
        variables = {k: v for k, v in variables.items() if f"[*:{k}]" in smi}
        return smi, dict(sorted(variables.items()))


# ---------------------------------------------------------------------------------------------
# Compound claims (Markush claim, narrowing chain, ester classes, species)
# ---------------------------------------------------------------------------------------------

C3_EXTRAS = ["hydrogen", "halogen", "lower alkyl", "lower alkoxy", "lower alkenyl", "lower alkoxy(lower)alkyl",
             "lower alkanoyloxy(lower)alkyl", "carbamoyloxy(lower)alkyl", "heterocyclic(lower)alkyl",
             "heterocyclicthio(lower)alkyl", "halo(lower)alkyl", "hydroxy(lower)alkyl"]
OX_EXTRAS = ["hydrogen", "lower alkyl", "carboxy(lower)alkyl", "protected carboxy(lower)alkyl", "lower alkenyl"]
AR_EXTRAS = ["phenyl", "4-hydroxyphenyl", "cyclohexa-1,4-dien-1-yl", "thienyl"]
EXTRAS = {"C3": C3_EXTRAS, "OX": OX_EXTRAS, "AR": AR_EXTRAS}


def declare_variables(b: Builder):
    r = b.rng
    fam = b.family
    declared = []
    if b.amine_var:
        declared.append(b.amine_var)
    declared.append("R2")
    for var, slot in b.fvars.items():
        if slot in CORE_SLOTS:
            values = {c.slots.get(slot, "") for c in b.cores}
            if len(values) > 1 or (fam == "furyl" and slot == "OX") or (len(b.cores) > 1 and r.random() < 0.5):
                declared.append(var)
    b.declared = sorted(declared, key=lambda v: (int(v[1:]) if v[1:].isdigit() else 9))
    for var in b.declared:
        slot = b.fvars[var]
        if slot == AMINE_SLOT[fam]:
            b.alts[var] = ["amino", "protected amino"]
        elif slot == "CX":
            b.alts[var] = ["carboxy", "protected carboxy"] if r.random() < 0.8 else ["carboxy", "esterified carboxy"]
        else:
            terms = []
            for c in b.cores:
                t = c.terms[slot][0]
                if t not in terms:
                    terms.append(t)
            for extra in r.sample(EXTRAS[slot], k=min(len(EXTRAS[slot]), r.randint(0, 3))):
                if extra not in terms and len(terms) < 6:
                    terms.append(extra)
            b.alts[var] = sorted(terms, key=lambda t: EXTRAS[slot].index(t) if t in EXTRAS[slot] else 99)


def claim1_compound(b: Builder) -> int:
    r = b.rng
    fam = b.family
    ct = ClaimText()
    smi, variables = b.generic()
    note = {"atz": "the 7-[2-(2-substituted thiazol-4-yl)-2-oxyiminoacetamido]-3-cephem skeleton",
            "atzene": "the 7-[2-(2-substituted thiazol-4-yl)alkenamido]-3-cephem skeleton",
            "furyl": "the 7-[2-(fur-2-yl)-2-oxyiminoacetamido]-3-cephem skeleton",
            "aryl": "the 7-(2-amino-2-arylacetamido)-3-cephem skeleton",
            "nucleus": "the 7-amino-3-cephem-4-carboxylic acid skeleton"}[fam]
    lead_syn = b.isomer is not None and r.random() < 0.5
    label = r.choice(["", " (I)", " [I]"])
    if lead_syn:
        lead = r.choice(["A syn isomer of the compound of the formula", "A syn isomer of a compound of the formula"])
    else:
        lead = r.choice(["A compound of the formula", "A cephem compound of the formula",
                         "A compound having the formula", "A cephalosporin compound of the general formula"])
    ct.add(f"{lead}{label}: {ct.formula(smi, variables, note)} ")
    ct.add(r.choice(["in which ", "wherein ", "wherein: "]))
    defs = {}
    parts = []
    for var in b.declared:
        terms = b.alts[var]
        phr = [phrase(r, t, b.carbon_style) for t in terms]
        verb = r.choice(["is", "is", "represents"]) if len(terms) > 1 or r.random() < 0.5 else "is"
        parts.append(f"{V(var)} {verb} {join_terms(r, phr)}")
        defs[var] = [term_as_written(x, t) for x, t in zip(phr, terms)]
    if len(parts) > 1:
        text = (", " if r.random() < 0.6 else "; ").join(parts[:-1]) + ", and " + parts[-1]
    else:
        text = parts[0]
    ct.add(text)
    if fam == "aryl":
        ct.add(", the carbon atom marked with an asterisk having the D-configuration")
    if b.isomer and not lead_syn:
        ct.add(r.choice([", the compound being the syn isomer", " (syn isomer)", ", in the form of its syn isomer"]))
    ct.add(r.choice([", and a pharmaceutically acceptable salt thereof.",
                     ", or a pharmaceutically acceptable salt thereof.",
                     " or a pharmaceutically acceptable salt thereof.", ", or a salt thereof."]))
    n = b.add("compound", ct.text, formulas=ct.formulas, defs=defs)
    b.eff[n] = {}
    return n


def narrow_terms(b: Builder, var: str, eff: dict) -> list[str]:
    out = []
    slot = b.fvars[var]
    for term in b.alts[var]:
        if slot in CORE_SLOTS:
            if any(b.core_ok(c, {**eff, var: term}) for c in b.cores):
                out.append(term)
        elif slot == AMINE_SLOT[b.family]:
            out.append(term)
    return out


def compound_section(b: Builder, budget: int) -> tuple[int, int]:
    """Claims 1.. of a compound patent; returns (claim 1, last chain claim)."""
    r = b.rng
    first = claim1_compound(b)
    rem = budget - 1
    chain = [first]
    # narrowing chain over the non-R2 variables
    narrowables = [v for v in b.declared if v != "R2"]
    r.shuffle(narrowables)
    if b.amine_var in narrowables:
        narrowables.remove(b.amine_var)
        narrowables.insert(0, b.amine_var)
    for var in narrowables:
        if rem < 3 or r.random() < 0.25:
            break
        eff = b.eff[chain[-1]]
        if len(b.alts[var]) < 2:
            continue          # nothing to narrow
        if var == b.amine_var:
            term = "amino"
        else:
            opts = narrow_terms(b, var, eff)
            if len(opts) < 2 and r.random() < 0.5:
                continue
            term = r.choice(opts) if opts else None
            if term is None:
                continue
        cited = b.cite(chain[-1], chain)
        pre = b.dep("compound", cited)
        verb = r.choice(["is", "is", "represents"])
        phr = phrase(r, term, b.carbon_style)
        n = b.add("compound", f"{pre}, wherein {V(var)} {verb} {phr}.", deps=cited,
                  defs={var: [term_as_written(phr, term)]})
        b.eff[n] = {**eff, var: term}
        chain.append(n)
        rem -= 1
    last = chain[-1]
    eff = b.eff[last]
    # the free acid
    if rem >= 1 and r.random() < 0.75:
        n = b.species_claim(b.cite(last, chain), eff, acid=True)
        if n:
            rem -= 1
    e_claim = None
    esterified_ok = "R2" not in b.eff[last]
    if rem >= 3 and esterified_ok:
        cited = b.cite(last, chain)
        e_claim = b.add("compound", f"{b.dep('compound', cited)}, wherein {V('R2')} is "
                                    f"{r.choice(['esterified carboxy group', 'esterified carboxy', 'an esterified carboxy group'])}.",
                        deps=cited, defs={"R2": ["esterified carboxy"]})
        b.eff[e_claim] = {**eff, "R2": "esterified carboxy"}
        rem -= 1
    classes = [c for c in R2_CLASSES if c[1] or b.alts.get("R2", [""])[-1] == "protected carboxy"]
    # large ester classes (the prodrug esters) are claimed more often than the small ones;
    # the list is consumed from its end
    classes = weighted_order(r, classes, [CLASS_SIZE[t] ** 0.8 for t, _ in classes])[::-1]
    protected_done = b.amine_var is None or r.random() < 0.4
    class_claims = []
    while rem > 0:
        if classes and rem >= 2 and (r.random() < 0.85 or protected_done):
            term, under_e = classes.pop()
            parent = e_claim if (under_e and e_claim) else last
            peff = {**b.eff[parent], "R2": term}
            if not b.pick_key_probe(peff):
                continue
            cn = b.add("compound", f"{b.dep('compound', [parent])}, wherein {V('R2')} is {term}.",
                       deps=[parent], defs={"R2": [term]})
            b.eff[cn] = peff
            class_claims.append(cn)
            rem -= 1
            nsp = min(rem, r.choice([1, 1, 1, 2, 2, 3]))
            for _ in range(nsp):
                k = 1 if r.random() < 0.85 else r.randint(2, 4)
                if b.species_claim([cn], peff, k=k, acid=False):
                    rem -= 1
        elif not protected_done and rem >= 2:
            protected_done = True
            av = b.amine_var
            pn = b.add("compound", f"{b.dep('compound', [first])}, wherein {V(av)} is "
                                   f"{r.choice(['protected amino', 'a protected amino group'])}"
                                   f"{' and ' + V('R2') + ' is protected carboxy' if r.random() < 0.4 else ''}.",
                       deps=[first], defs={av: ["protected amino"]})
            b.eff[pn] = {av: "protected amino"}
            rem -= 1
            for _ in range(min(rem, r.choice([1, 1, 2]))):
                if b.species_claim([pn], b.eff[pn], protected=True):
                    rem -= 1
        else:
            parent = r.choice(class_claims) if class_claims else last
            n = b.species_claim([parent], b.eff[parent], k=1 if r.random() < 0.8 else r.randint(2, 3),
                                acid=False if parent in class_claims else None)
            if not n:
                n = b.species_claim([last], b.eff[last])
            if not n:
                break
            rem -= 1
    return first, last


# ---------------------------------------------------------------------------------------------
# Process claims
# ---------------------------------------------------------------------------------------------

def _defs_text(b: Builder, variables: list[str], defined: set, extra: dict | None = None) -> str:
    """'in which R1 is as defined above, and X is halogen' for a formula's variables."""
    r = b.rng
    same = [v for v in variables if v in defined and not (extra and v in extra)]
    parts = []
    if same:
        if len(same) == 1:
            parts.append(f"{V(same[0])} is as defined above")
        else:
            parts.append(" and ".join(V(v) for v in same) + r.choice([" are each as defined above",
                                                                      " are as defined above"]))
    for var, term in (extra or {}).items():
        parts.append(f"{V(var)} is {term}")
        defined.add(var)
    if not parts:
        return ""
    return r.choice([" in which ", " wherein "]) + ", and ".join(parts)


def process_section(b: Builder, budget: int, compound_first: int | None) -> int | None:
    """An independent process claim and its dependants; returns the independent claim."""
    if budget <= 0:
        return None
    r = b.rng
    fam = b.family
    ct = ClaimText()
    defined: set = set()
    defs: dict = {}
    refs: list = []
    species_eff = {}
    label = r.choice(["(I)", "(I)", "[I]"])
    # --- preamble: the product
    if fam == "nucleus":
        kinds = [k for k in ("wittig", "enzymatic", "expansion", "reduction", "acylation_nucleus")
                 if k not in b.process_kinds] or ["acylation_nucleus"]
        kind = r.choice(kinds)
        b.process_kinds.add(kind)
    else:
        kind = r.choice(["alternatives", "acylation", "sequence"]) if fam == "atz" else r.choice(["acylation", "sequence"])
    lead = r.choice(["A process for preparing", "A process for the preparation of", "A method for producing",
                     "A process for production of", "A new process for preparing"])
    syn = " a syn isomer of" if b.isomer and r.random() < 0.6 else ""
    if kind in ("wittig", "enzymatic", "expansion", "reduction", "acylation_nucleus"):
        return nucleus_process(b, budget, kind, lead)
    smi, variables = b.generic()
    as_claim1 = compound_first is not None and r.random() < 0.4
    ct.add(f"{lead}{syn} a compound of the formula {label}: {ct.formula(smi if not as_claim1 else None, variables)}")
    if as_claim1:
        ct.add(" wherein " + " and ".join(V(v) for v in b.declared) + f" are each as defined in «R:claim {compound_first}:{compound_first}»")
        refs.append(compound_first)
        ct.formulas[-1]["smiles"] = None   # variables only defined by reference: no sidecar entry
    else:
        parts = []
        for var in b.declared:
            phr = [phrase(r, t, b.carbon_style) for t in b.alts[var]]
            parts.append(f"{V(var)} is {join_terms(r, phr, group=False)}")
            defs[var] = [term_as_written(x, t) for x, t in zip(phr, b.alts[var])]
        ct.add(" in which " + ", and ".join(parts))
    defined.update(b.declared)
    ct.add(r.choice([", or a salt thereof,", " or a salt thereof,", ", or a pharmaceutically acceptable salt thereof,"]))
    amine_slot = AMINE_SLOT[fam]
    if kind == "alternatives":
        ct.add(" which comprises«P»")
        steps = ["hantzsch", "deprotect_carboxy", "esterify", "deprotect_amino"]
        chosen = [s for s in steps if r.random() < 0.75] or ["hantzsch"]
        texts = [f"({i}) " + process_step(b, ct, step, defined, defs) for i, step in enumerate(chosen, 1)]
        ct.add("; or«P»".join(texts) + ".")
    elif kind == "acylation":
        ct.add(" which comprises " + process_step(b, ct, "acylation", defined, defs))
        if r.random() < 0.5:
            ct.add(", and, if desired, subjecting the resulting compound to removal reaction of the "
                   "amino-protective group and/or the carboxy-protective group")
        ct.add(".")
    else:
        ct.add(r.choice([" comprising the steps of:«P»", " which comprises the steps of:«P»", " comprising:«P»"]))
        seq = ["acylation", "deprotect_carboxy"] + (["salt"] if r.random() < 0.5 else [])
        if amine_slot and r.random() < 0.5:
            seq.insert(1, "deprotect_amino")
        letters = "abcdefgh"
        texts = [f"({letters[i]}) " + process_step(b, ct, s, defined, defs) for i, s in enumerate(seq)]
        ct.add(";«P»".join(texts[:-1]) + "; and«P»" + texts[-1] + ".")
    pn = b.add("process", ct.text, refs=refs, formulas=ct.formulas, defs=defs)
    process_dependants(b, pn, budget - 1, species_eff)
    return pn


def _skel(b: Builder, **over) -> tuple[str, dict]:
    """Generic product skeleton with some slots overridden (fragments or ('var', name))."""
    return b.generic(overrides=over)


def process_step(b: Builder, ct: ClaimText, step: str, defined: set, defs: dict) -> str:
    r = b.rng
    fam = b.family
    amine_slot = AMINE_SLOT[fam]
    av = b.amine_var
    fvars = b.fvars
    if step == "hantzsch":
        over = {"CX": ("var", "R2")}
        smi, variables = b.generic(overrides=over, template=HANTZSCH)
        variables[5] = "X"
        t = f"reacting a compound of the formula: {ct.formula(smi, dict(sorted(variables.items())), 'the 4-halo-3-oxo-2-oxyiminobutyramido cephem: alpha-haloketone of a Hantzsch thiazole synthesis')}"
        others = [v for v in b.declared if v != "R1" and v in defined]
        t += _defs_text(b, others, defined, {"X": "halogen"})
        defs["X"] = ["halogen"]
        t += f", or a salt thereof with a compound of the formula: {ct.formula('NC(=S)[*:1]', {1: 'R1'}, 'a thioamide carrying R1 (thiourea when R1 is amino)')}"
        t += _defs_text(b, ["R1"], defined)
        smi, variables = b.generic()
        t += f", to give a compound of the formula: {ct.formula(smi, variables)}"
        t += _defs_text(b, b.declared, defined) + ", or a salt thereof"
        return t
    if step == "deprotect_carboxy":
        smi, variables = b.generic(overrides={"CX": ("var", "R2a")})
        t = f"subjecting a compound of the formula: {ct.formula(smi, variables, 'R2a: the protected carboxy group at C-4')}"
        t += _defs_text(b, [v for v in b.declared if v != "R2"], defined, {"R2a": "a protected carboxy group"})
        defs["R2a"] = ["protected carboxy"]
        reagent = r.choice(DEPROT_CARBOXY)
        t += r.choice([", or a salt thereof, to removal reaction of the carboxy-protective group",
                       ", or a salt thereof, to elimination of the carboxy-protecting group"])
        if r.random() < 0.5:
            t += f" with {reagent}"
        smi, variables = b.generic(overrides={"CX": "C(=O)O"})
        t += f" to give a compound of the formula: {ct.formula(smi, variables, 'the free 4-carboxylic acid')}"
        t += _defs_text(b, [v for v in b.declared if v != "R2"], defined) + ", or a salt thereof"
        return t
    if step == "esterify":
        smi, variables = b.generic(overrides={"CX": "C(=O)O"})
        t = f"introducing a carboxy-protective group into a compound of the formula: {ct.formula(smi, variables)}"
        t += _defs_text(b, [v for v in b.declared if v != "R2"], defined)
        t += ", or a reactive derivative at the carboxy group thereof, or a salt thereof"
        if r.random() < 0.5:
            t += f", by reaction with {r.choice(ESTERIFYING)} in the presence of {r.choice(BASES)}"
        smi, variables = b.generic()
        t += f" to give a compound of the formula: {ct.formula(smi, variables)}"
        t += _defs_text(b, b.declared, defined) + ", or a salt thereof"
        return t
    if step == "deprotect_amino" and av:
        smi, variables = b.generic(overrides={amine_slot: ("var", "R1a")})
        variables = {k: ("R1a" if v == "R1a" else v) for k, v in variables.items()}
        t = f"subjecting a compound of the formula: {ct.formula(smi, variables, 'R1a: the protected amino group')}"
        t += _defs_text(b, [v for v in b.declared if v != av], defined, {"R1a": "a protected amino group"})
        defs["R1a"] = ["protected amino"]
        t += ", or a salt thereof, to removal reaction of the amino-protective group"
        if r.random() < 0.6:
            t += f" with {r.choice(DEPROT_AMINO)}"
        smi, variables = b.generic(overrides={amine_slot: "N"})
        t += f" to give a compound of the formula: {ct.formula(smi, variables)}"
        t += _defs_text(b, [v for v in b.declared if v != av], defined) + ", or a salt thereof"
        return t
    if step == "acylation":
        # 7-amino nucleus + side-chain acid
        c3var = b.slot_var.get("C3") if b.slot_var.get("C3") in b.declared else None
        over = {"N7": "N", "CX": ("var", "R2")}
        if c3var:
            over["C3"] = ("var", c3var)
        nsmi, nvars = b.generic(overrides=over, template=FAMILY_TEMPLATES["nucleus"])
        t = f"reacting a compound of the formula: {ct.formula(nsmi, nvars, 'the 7-amino-3-cephem nucleus')}"
        t += _defs_text(b, list(nvars.values()), defined)
        t += ", or a reactive derivative at the amino group thereof or a salt thereof, with a compound of the formula: "
        side_over = {}
        for var in b.declared:
            slot = fvars[var]
            if slot not in ("CX", "C3"):
                side_over[slot] = ("var", var)
        ssmi, svars = b.generic(overrides=side_over, template=SIDE_ACIDS[fam])
        t += ct.formula(ssmi, svars, "the side-chain acid (acylating agent)")
        t += _defs_text(b, list(svars.values()), defined)
        t += ", or a reactive derivative at the carboxy group thereof or a salt thereof"
        x = r.random()
        if x < 0.4:
            t += f", in the presence of {r.choice(CONDENSING)}"
        elif x < 0.6:
            t += f", the reactive derivative being the {r.choice(ACTIVE_ESTERS)}"
        if r.random() < 0.5:
            t += f" in {r.choice(SOLVENTS)}"
        if r.random() < 0.4:
            t += " " + r.choice(TEMPERATURES)
        return t
    if step == "salt":
        return (f"treating the compound of the formula (I) wherein {V('R2')} is carboxy with "
                f"{r.choice(SALT_REAGENTS)} in {r.choice(SOLVENTS)} to form its "
                f"{r.choice(['sodium salt', 'potassium salt'])}, and isolating the salt by crystallization")
    raise ValueError(step)


def nucleus_process(b: Builder, budget: int, kind: str, lead: str) -> int:
    """Process claims of the nucleus family (7-ACA / 7-ADCA / 3-vinyl intermediates)."""
    r = b.rng
    ct = ClaimText()
    defs: dict = {}
    core = b.cores[0]
    nuc = FAMILY_TEMPLATES["nucleus"]
    eff_species: dict = {}
    if kind == "wittig":
        b.cores = [CORE_BY_ID["7-AVCA"]]
        prod, pv = b.generic(overrides={"N7": ("var", "R1"), "CX": ("var", "R2"), "C3": "C=C"}, template=nuc)
        ct.add(f"{lead} a 3-vinyl-3-cephem compound of the formula (I): {ct.formula(prod, pv, '7-substituted 3-vinyl-3-cephem-4-carboxylic acid derivative')}"
               f" wherein {V('R1')} is a protected amino group and {V('R2')} is a protected carboxy group,"
               " which comprises«P»(a) reacting a compound of the formula (II): ")
        reac, rv = b.generic(overrides={"N7": ("var", "R1"), "CX": ("var", "R2"), "C3": "CCl"}, template=nuc)
        ct.add(ct.formula(reac, rv, "the 3-chloromethyl cephem (GCLE type)"))
        ct.add(f" wherein {V('R1')} and {V('R2')} are each as defined above, with triphenylphosphine"
               f" in the presence of {r.choice(['sodium iodide', 'potassium iodide'])} in {r.choice(SOLVENTS)}"
               f" to give the corresponding triphenylphosphonium salt;«P»(b) treating the phosphonium salt with"
               f" {r.choice(['formaldehyde', 'aqueous formaldehyde', 'paraformaldehyde'])} in the presence of"
               f" {r.choice(['sodium hydroxide', 'potassium carbonate', 'sodium carbonate'])}"
               f" {r.choice(TEMPERATURES)} to give the compound of the formula (I); and«P»(c) isolating the compound of the formula (I) by crystallization from {r.choice(SOLVENTS)}.")
        defs = {"R1": ["protected amino"], "R2": ["protected carboxy"]}
        eff_species = {"R1": "protected amino", "R2": "protected carboxy", "_protected": True}
    elif kind == "enzymatic":
        c3 = core.slots.get("C3", "")
        prod, pv = b.generic(overrides={"N7": "N", "CX": "C(=O)O", "C3": c3}, template=nuc, core=core)
        name = parent_name(core, AMINE_BY["nucleus"]["amino"], "plain") + "-4-carboxylic acid"
        ct.add(f"{lead} «N:{name}» of the formula (I): {ct.formula(prod, pv, 'the 7-amino nucleus')}"
               f" which comprises hydrolysing a compound of the formula (II): ")
        reac, rv = b.generic(overrides={"N7": ("var", "R1"), "CX": "C(=O)O", "C3": c3}, template=nuc, core=core)
        ct.add(ct.formula(reac, rv, "the 7-acylamino cephem"))
        ct.add(f" wherein {V('R1')} is {r.choice(['an acylamino group', 'a protected amino group', 'phenylacetamido or phenoxyacetamido'])},"
               f" or a salt thereof, with {r.choice(['immobilized penicillin G acylase', 'penicillin acylase', 'an immobilized penicillin amidase'])}"
               f" in {r.choice(['water', 'an aqueous medium', 'aqueous buffer'])} at a pH of from {r.choice(['7.0', '7.5', '7.8'])} to {r.choice(['8.5', '8.8', '9.0'])}"
               f" and at a temperature of from {r.choice(['10', '20', '25'])} to {r.choice(['35', '40'])} °C.")
        defs = {"R1": ["acylamino"]}
        b.cores = [core]
        key = SpeciesKey(core.id, "amino", None, None, "plain")
        sp = {"name": name, "smiles": species_smiles(key), "isomer": None, "salt_forms": [],
              "salts_clause": False, "salt_in_name": False, "core": core.id, "key": list(key.__dict__.values()),
              "assignment": {}}
        b.used_names.add((core.id, "amino", None))
        pn = b.add("process", ct.text, formulas=ct.formulas, defs=defs, species=[sp])
        eff_species = {"R1": "protected amino", "_protected": True, "_core": core.id}
        process_dependants(b, pn, budget - 1, eff_species)
        return pn
    elif kind == "expansion":
        b.cores = [CORE_BY_ID["7-ADCA"]]
        ct.add(f"{lead} a 7-acylamido-3-methyl-3-cephem-4-carboxylic acid ester of the formula (I): ")
        prod, pv = b.generic(overrides={"N7": ("var", "R1"), "CX": ("var", "R2"), "C3": "C"}, template=nuc)
        ct.add(ct.formula(prod, pv, "the 3-methyl-3-cephem (desacetoxycephalosporin) ester"))
        ct.add(f" wherein {V('R1')} is an acylamino group and {V('R2')} is an esterified carboxy group, by heating a"
               f" 6-acylamidopenicillanic acid ester sulfoxide of the formula (II): ")
        ct.add(ct.formula(PENAM_SULFOXIDE, {1: "R1", 2: "R2"}, "the penicillin sulfoxide (Morin ring expansion)"))
        ct.add(f" wherein {V('R1')} and {V('R2')} are as defined above, in an inert solvent in the presence of an acidic catalyst,"
               f" the improvement which comprises heating the penicillin sulfoxide in {r.choice(['1,1,2-trichloroethane', 'toluene', 'dioxane', 'N,N-dimethylacetamide'])}"
               f" in the presence of {r.choice(['an amine salt of dichloromethanephosphonic acid', 'pyridine hydrobromide', 'methanesulfonic acid and pyridine', 'a sulfonic acid salt of pyridine'])}.")
        defs = {"R1": ["acylamino"], "R2": ["esterified carboxy"]}
        eff_species = {"R1": "protected amino", "R2": "esterified carboxy", "_protected": True}
    elif kind == "reduction":
        ct.add(f"{lead} a 3-methylenecepham compound of the formula: ")
        ct.add(ct.formula(METHYLENECEPHAM, {1: "R1", 2: "R2"}, "the 3-methylenecepham"))
        ct.add(f" wherein {V('R1')} is amino or a protected amino group, and {V('R2')} is carboxy or a protected carboxy group,"
               f" or a salt thereof, which comprises reducing a compound of the formula: ")
        reac, rv = b.generic(overrides={"N7": ("var", "R1"), "CX": ("var", "R2"), "C3": "C[*:3]"}, template=nuc)
        rv[3] = "R3"
        ct.add(ct.formula(reac, dict(sorted(rv.items())), "the 3-substituted methyl cephem"))
        ct.add(f" wherein {V('R1')} and {V('R2')} are each as defined above, and {V('R3')} is halogen or heterocyclicthio"
               f" which may have suitable substituent(s), or a salt thereof, with a combination of a metal selected from"
               f" the group consisting of zinc, tin and iron, and an ammonium salt of an acid.")
        defs = {"R1": ["amino", "protected amino"], "R2": ["carboxy", "protected carboxy"],
                "R3": ["halogen", "heterocyclicthio"]}
        eff_species = None
    else:  # acylation of a nucleus ester with a protected side chain: the nucleus as product
        c3 = core.slots.get("C3", "")
        prod, pv = b.generic(overrides={"N7": ("var", "R1"), "CX": ("var", "R2"), "C3": c3}, template=nuc, core=core)
        ct.add(f"{lead} a compound of the formula (I): {ct.formula(prod, pv)} wherein {V('R1')} is an acylamino group and"
               f" {V('R2')} is a protected carboxy group, which comprises reacting a compound of the formula (II): ")
        reac, rv = b.generic(overrides={"N7": "N", "CX": ("var", "R2"), "C3": c3}, template=nuc, core=core)
        ct.add(ct.formula(reac, rv, "the 7-amino nucleus ester"))
        ct.add(f" wherein {V('R2')} is as defined above, or a salt thereof, with an acylating agent"
               f" {r.choice(['in the presence of ' + r.choice(BASES), 'in ' + r.choice(SOLVENTS)])}"
               f" {r.choice(TEMPERATURES)}.")
        defs = {"R1": ["acylamino"], "R2": ["protected carboxy"]}
        b.cores = [core]
        eff_species = {"R1": "protected amino", "R2": "protected carboxy", "_protected": True}
    pn = b.add("process", ct.text, formulas=ct.formulas, defs=defs)
    process_dependants(b, pn, budget - 1, eff_species)
    return pn


def process_dependants(b: Builder, pn: int, budget: int, eff_species: dict | None):
    """Dependent process claims; each narrows something its ancestors leave open."""
    r = b.rng
    text = b.claims[pn - 1].text
    options = ["solvent", "temperature", "agent", "salt"]
    if "protective group" in text or "protecting group" in text:
        options.append("catalyst")
    if b.family != "nucleus" and b.amine_var and b.amine_var in b.declared and "«V:R2»" in text:
        options.append("variable")
    if "«V:X»" in text:
        options.append("X")
    used: dict[int, set] = {pn: set()}
    chain = [pn]
    for _ in range(budget):
        parent = chain[-1] if r.random() < 0.55 else r.choice(chain)
        free = [o for o in options if o not in used[parent]]
        if eff_species is not None and r.random() < 0.35:
            opt = "species"
        elif free:
            opt = r.choice(free)
        else:
            parent, opt = pn, "species" if eff_species is not None else r.choice(options)
        pre = b.dep("process", [parent])
        if opt == "species" and eff_species is not None:
            eff = {k: v for k, v in eff_species.items() if not k.startswith("_")}
            prot = bool(eff_species.get("_protected"))
            if prot and b.amine_var:
                eff.pop(b.amine_var, None)
            if "R2" in eff and eff["R2"] in ("protected carboxy", "esterified carboxy"):
                pass
            key = b.pick_key(eff, protected=prot and b.amine_var is not None,
                             acid=False if "R2" in eff else None)
            if key is None:
                opt = "solvent"
            else:
                txt, rec = b.species_text(key, allow_salt_phrase=False)
                label = r.choice(["(I)", "(I)"])
                b.add("process", f"{pre}, wherein the compound of the formula {label} is {txt}.",
                      deps=[parent], species=[rec])
                continue
        if opt == "X" and "«V:X»" in text:
            body = f"{pre}, wherein {V('X')} is {r.choice(['chlorine', 'bromine', 'iodine', 'bromine or iodine'])}."
            defs = {"X": ["halogen"]}
        elif opt == "temperature":
            body = f"{pre}, wherein the reaction is carried out {r.choice(TEMPERATURES)}."
            defs = {}
        elif opt == "agent":
            body = f"{pre}, wherein the reaction is carried out in the presence of {r.choice(CONDENSING + BASES)}."
            defs = {}
        elif opt == "catalyst":
            body = f"{pre}, wherein the carboxy-protective group is removed by hydrogenation in the presence of {r.choice(HYDROGENATION_CATALYSTS)}."
            defs = {}
        elif opt == "variable" and b.amine_var and b.amine_var in b.declared:
            body = f"{pre}, wherein {V(b.amine_var)} is amino and {V('R2')} is carboxy."
            defs = {b.amine_var: ["amino"], "R2": ["carboxy"]}
        elif opt == "salt":
            body = f"{pre}, which further comprises converting the product into its {r.choice(['sodium salt', 'potassium salt', 'hydrochloride'])}."
            defs = {}
        else:
            opt = "solvent"
            body = f"{pre}, wherein the solvent is {r.choice(SOLVENTS)}."
            defs = {}
        n = b.add("process", body, deps=[parent], defs=defs)
        used[n] = used[parent] | {opt}
        chain.append(n)


# ---------------------------------------------------------------------------------------------
# Composition, treatment and use claims
# ---------------------------------------------------------------------------------------------

def tail_claims(b: Builder, compound_nums: list[int], plan: list[str]):
    r = b.rng
    top = max(compound_nums) if compound_nums else 1
    comp_claim = None
    for kind in plan:
        if b.drafting == "ep" and r.random() < 0.7:
            cited = list(range(1, top + 1)) if top > 1 else [1]
        else:
            cited = [1]
        ref = b.ref(cited)
        if kind == "composition":
            body = r.choice([
                f"A pharmaceutical composition which comprises, as an active ingredient, a compound of {ref} or a pharmaceutically acceptable salt thereof in admixture with pharmaceutically acceptable carriers.",
                f"A pharmaceutical composition comprising an antibacterially effective amount of a compound according to {ref} and a pharmaceutically acceptable carrier.",
                f"An antibacterial composition comprising a compound as claimed in {ref}, or a pharmaceutically acceptable salt thereof, together with a pharmaceutically acceptable diluent or carrier.",
                f"A pharmaceutical preparation for oral administration containing a compound of {ref} and a pharmaceutically acceptable excipient."])
            comp_claim = b.add("composition", body, refs=cited)
        elif kind == "composition_dep" and comp_claim:
            body = f"A composition according to «R:claim {comp_claim}:{comp_claim}», in unit dosage form {r.choice(['for oral administration', 'as a tablet or capsule', 'for injection'])}."
            b.add("composition", body, deps=[comp_claim])
        elif kind == "method":
            body = r.choice([
                f"A method for the treatment of {r.choice(DISEASES)} which comprises administering a compound of {ref} or a pharmaceutically acceptable salt thereof to infected human being or animals.",
                f"A method of treating {r.choice(DISEASES)} in a patient in need thereof, comprising administering to the patient an effective amount of a compound of {ref}.",
                f"A method for treating {r.choice(DISEASES)} comprising administering an antibacterially effective amount of the compound according to {ref} to a human or animal."])
            mn = b.add("method_of_treatment", body, refs=cited)
            if r.random() < 0.3:
                b.add("method_of_treatment", f"The method of «R:claim {mn}:{mn}», wherein the compound is administered orally.", deps=[mn])
        elif kind == "use":
            body = r.choice([
                f"Use of a compound according to {ref} for the manufacture of a medicament for the treatment of {r.choice(DISEASES)}.",
                f"Use of a compound of {ref} and pharmaceutically acceptable salt thereof for treatment of {r.choice(DISEASES)}.",
                f"The use of a compound as claimed in {ref} for the preparation of an antibacterial agent."])
            b.add("use", body, refs=cited)


# ---------------------------------------------------------------------------------------------
# One patent
# ---------------------------------------------------------------------------------------------

def claim_count(rng: random.Random) -> int:
    x = rng.random()
    if x < 0.05:
        return rng.randint(2, 5)
    if x < 0.15:
        return rng.randint(6, 9)
    if x < 0.80:
        return rng.randint(10, 25)
    if x < 0.95:
        return rng.randint(26, 40)
    return rng.randint(41, 60)


ATZ_WEIGHTS = {"cefdinir": 5, "cefixime": 4, "cefpodoxime": 4, "cefotaxime": 4, "ceftizoxime": 3,
               "cefetamet": 2, "cefditoren": 2, "cefteram": 2, "cefmenoxime": 2}


def choose_family(rng: random.Random) -> tuple[str, list[Core], bool]:
    x = rng.random()
    atz = [c for c in CORES if c.family == "atz"]
    if x < 0.36:
        core = rng.choices(atz, weights=[ATZ_WEIGHTS[c.id] for c in atz])[0]
        return "atz", [core], False
    if x < 0.52:
        k = rng.randint(2, 5)
        return "atz", rng.sample(atz, k), True
    if x < 0.59:
        return "atzene", [rng.choice([c for c in CORES if c.family == "atzene"])], False
    if x < 0.65:
        return "furyl", [CORE_BY_ID["cefuroxime"]], False
    aryl = [c for c in CORES if c.family == "aryl"]
    if x < 0.72:
        return "aryl", [rng.choice(aryl)], False
    if x < 0.79:
        return "aryl", rng.sample(aryl, rng.randint(2, 4)), True
    nuc = [c for c in CORES if c.family == "nucleus"]
    if x < 0.88:
        return "nucleus", rng.sample(nuc, rng.randint(1, 4)), True
    return "nucleus", [rng.choice(nuc)], False


def build_patent(seed: int, idx: int, formats: list[str], sidecar_share: float) -> Patent:
    rng = random.Random(f"cephkg-corpus:{seed}:{idx}")
    weights = {"txt": 0.7, "uspto-xml": 0.15, "ep-xml": 0.15}
    fmt = rng.choices(formats, weights=[weights[f] for f in formats])[0]
    if fmt == "txt":
        notation = rng.choices(["clean", "ocr", "uspto-text"], weights=[0.35, 0.35, 0.30])[0]
    else:
        notation = "xml"
    if fmt == "uspto-xml" or notation == "uspto-text":
        drafting = "us"
    elif fmt == "ep-xml":
        drafting = "ep"
    elif notation == "ocr":
        drafting = "ep" if rng.random() < 0.75 else "us"
    else:
        drafting = rng.choice(["us", "ep"])
    family, cores, multi = choose_family(rng)
    style = rng.choices(STYLES, weights=[0.7, 0.1, 0.1, 0.1])[0]
    b = Builder(rng, drafting, family, cores, style)
    total = claim_count(rng)
    process_only = family == "nucleus" and (not multi or rng.random() < 0.5)
    if process_only:
        b.cores = cores[:1]
        declare_variables(b)
        left = total
        while left > 0:
            size = left if left <= 14 else rng.randint(6, min(20, left - 3))
            b.cores = [rng.choice(cores)]
            process_section(b, size, None)
            left = total - len(b.claims)
    else:
        declare_variables(b)
        tail = []
        nproc = 0
        if total >= 4 and rng.random() < 0.6:
            nproc = min(total // 3, rng.randint(1, 6))
        if total >= 3 and rng.random() < 0.8:
            tail.append("composition")
            if total >= 12 and rng.random() < 0.3:
                tail.append("composition_dep")
        if total >= 5:
            if drafting == "us" and rng.random() < 0.6:
                tail.append("method")
            elif drafting == "ep":
                if rng.random() < 0.6:
                    tail.append("use")
                if rng.random() < 0.25:
                    tail.append("method")
        ntail = len(tail) + (1 if "method" in tail else 0)
        ncomp = max(1, total - nproc - ntail)
        first, _ = compound_section(b, ncomp)
        compound_nums = [c.n for c in b.claims if c.cat == "compound"]
        if nproc:
            process_section(b, nproc, first)
        tail_claims(b, compound_nums, tail)
    pub = publication(rng, seed, idx, fmt, drafting)
    stem = f"{idx:05d}_{pub['country']}{pub['number']}{pub['kind']}"
    title = rng.choice(TITLES[family])
    has_formula = any(f["smiles"] for c in b.claims for f in c.formulas)
    sidecar = has_formula and rng.random() < sidecar_share
    return Patent(idx, stem, fmt, notation, drafting, family, [c.id for c in b.cores], pub, title,
                  b.claims, sidecar)


def publication(rng: random.Random, seed: int, idx: int, fmt: str, drafting: str) -> dict:
    spread = (idx * 7919 + seed * 104729) % 1_000_000
    if fmt == "uspto-xml":
        year = 2003 + spread % 18
        return {"country": "US", "number": f"{6_500_000 + spread * 3:08d}", "kind": "B2",
                "date": f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"}
    if drafting == "us":
        year = 1976 + spread % 25
        return {"country": "US", "number": f"{3_930_000 + spread * 2}", "kind": "A",
                "date": f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"}
    year = 1980 + spread % 30
    return {"country": "EP", "number": f"{spread * 2 + 100_000:07d}", "kind": "B1",
            "date": f"{year}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"}


# =============================================================================================
# Rendering
# =============================================================================================

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
VAR_RE = re.compile(r"([A-Z])(\d*)([a-z]?)$")


def var_render(var: str, notation: str, rng: random.Random | None = None, sub: str = "caret") -> str:
    m = VAR_RE.match(var)
    letter, num, suffix = m.groups()
    if not num:
        return letter + suffix
    if notation == "clean":
        return var
    if notation == "xml":
        return f"{letter}<sup>{num}</sup>" + (f"<sub>{suffix}</sub>" if suffix else "")
    if notation == "uspto":
        if sub == "space":
            return f"{letter} {num}{suffix}"
        if sub == "sub":
            return f"{letter}.sub.{num}{suffix}"
        return f"{letter}.sub.{suffix}.sup.{num}" if suffix else f"{letter}.sup.{num}"
    # OCR notations
    kind = sub
    if kind == "mixed":
        kind = rng.choice(["caret", "unicode", "caret", "html"])
    if suffix or kind == "caret":
        return f"{letter}^{num}" + (f"_{suffix}" if suffix else "")
    if kind == "unicode":
        return letter + num.translate(SUPERSCRIPTS)
    return f"{letter}<sup>{num}</sup>"


def render_tokens(text: str, notation: str, ctx: dict) -> str:
    """Replace «…» tokens for the text notations (clean / ocr / uspto)."""
    rng = ctx.get("rng")

    def rep(m):
        tok = m.group(1)
        kind, _, rest = tok.partition(":")
        if kind == "V":
            return var_render(rest, notation, rng, ctx.get("var_style", "caret"))
        if kind == "R":
            label, _, _ = rest.rpartition(":")
            return label
        if kind == "N":
            name = rest
            if notation == "uspto":
                name = name.replace("β", ".beta.")
            if notation == "ocr":
                name = ocr_name(name, rng)
            return name
        if kind == "F":
            return ctx["formula"]()
        if kind == "P":
            return "\n" if notation != "uspto" else " "
        if kind == "C":
            lo, hi = rest.split(":")
            if notation == "uspto":
                return f"C.sub.{lo}-C.sub.{hi}" if rng.random() < 0.5 else f"C.sub.{lo}-{hi}"
            return f"C{lo}-C{hi}" if notation != "ocr" or rng.random() < 0.7 else f"C{lo}-{hi}"
        raise ValueError(tok)

    out = TOKEN.sub(rep, text)
    if notation == "uspto":
        out = out.replace(" °C", ".degree. C.").replace("°C", ".degree. C.").replace("C..", "C.")
    return out


def ocr_name(name: str, rng: random.Random) -> str:
    """OCR damage to a species name that a careful reader can still repair."""
    out = name
    if re.match(r"1-[a-z]", out) and rng.random() < 0.25:
        out = "1 l-" + out[2:]
    x = rng.random()
    if x < 0.2:
        return "\n8 " + out
    if x < 0.27:
        return "\n8 9 " + out
    if x < 0.3:
        return "\n\\checkmark " + out
    return ("\n" if rng.random() < 0.5 else "") + out


COMPLETE_MORPHEMES = ('yl', 'oxy', 'oxo', 'ino', 'ido', 'ene', 'ane', 'yne', 'one', 'ol', 'al', 'thio', 'yloxy',
                      'amino', 'imino', 'nitro', 'nitroso', 'cyano', 'halo', 'fluoro', 'chloro', 'bromo', 'iodo',
                      'syn', 'anti', 'cis', 'trans', 'tert', 'sec', 'iso', 'neo', 'lower', 'higher')


def wrap_ocr(paragraph: str, width: int, rng: random.Random) -> list[str]:
    lines, cur = [], ""
    for word in paragraph.split(" "):
        if not word:
            continue
        while True:
            room = width - len(cur) - (1 if cur else 0)
            if len(word) <= room:
                cur = f"{cur} {word}" if cur else word
                break
            if len(word) > 14 and room > 8:
                cut = _break_point(word, room, rng)
                if cut:
                    left, word = cut
                    cur = f"{cur} {left}" if cur else left
                    lines.append(cur)
                    cur = ""
                    continue
            if cur:
                lines.append(cur)
                cur = ""
            else:
                lines.append(word)
                word = ""
                break
        if not word and not cur:
            continue
    if cur:
        lines.append(cur)
    return lines


def _break_point(word: str, room: int, rng: random.Random):
    # at a real hyphen (kept at the end of the line) ...
    hyphens = [i for i, ch in enumerate(word[:room]) if ch == "-" and i > 3]
    if hyphens and rng.random() < 0.75:
        i = hyphens[-1]
        return word[:i + 1], word[i + 1:]
    # ... or inside a letter run with a line-break hyphen the reader can remove
    for i in range(min(room - 1, len(word) - 4), 4, -1):
        left, right = word[:i], word[i:]
        if left[-1].isalpha() and left[-1].islower() and right[0].isalpha() and right[0].islower() \
                and left[-2].isalpha() and not left.endswith(COMPLETE_MORPHEMES) and rng.random() < 0.5:
            return left + "-", right
    return None


OCR_TERM_NOISE = [("phthalidyloxycarbonyl", "phthalidylloxycarbonyl"), (")(lower)", ") (lower)-"),
                  ("(lower)alkoxycarbonyl.", "(lower)-alkoxycarbonyl.")]


def render_txt(p: Patent) -> str:
    rng = random.Random(f"render:{p.stem}")
    if p.notation == "clean":
        return render_clean(p, rng)
    if p.notation == "ocr":
        return render_ocr(p, rng)
    return render_uspto_text(p, rng)


def render_clean(p: Patent, rng: random.Random) -> str:
    placeholder = rng.choice(["\n\n", "\n[chemical formula]\n", "\n<IMAGE>\n", "\n[formula]\n"])
    header = rng.choice(["What is claimed is:", "What we claim is:", "Claims", "We claim:", "The invention claimed is:"])
    out = [header, ""]
    for c in p.claims:
        text = render_tokens(c.text, "clean", {"rng": rng, "formula": lambda: placeholder})
        out.append(f"{c.n}. {text}".replace("\n\n\n", "\n\n"))
        out.append("")
    return "\n".join(out)


def render_uspto_text(p: Patent, rng: random.Random) -> str:
    counter = [rng.randint(1, 30)]

    def formula():
        s = f"##STR{counter[0]}##"
        counter[0] += 1
        return s

    var_style = rng.choice(["sup", "space", "space", "sub"])
    layout = rng.choice(["lines", "indented", "dashes"])
    ctx = {"rng": rng, "formula": formula, "var_style": var_style}
    header = rng.choice(["What is claimed is:", "We claim:", "I claim:", "What we claim is:"])
    out = [header if layout != "indented" else header + " "]
    for c in p.claims:
        text = render_tokens(c.text, "uspto", ctx)
        text = re.sub(r"\s{2,}", " ", text)
        if layout == "lines":
            out.append(f"{c.n}. {text}")
        elif layout == "indented":
            out.append("     \n       " + f"{c.n}. {text}   \n     ")
        else:
            out.append(("- " if c.n > 1 else "") + f"{c.n}. {text}")
    return "\n".join(out)


def render_ocr(p: Patent, rng: random.Random) -> str:
    width = rng.randint(48, 72)
    var_style = rng.choice(["caret", "unicode", "html", "mixed", "mixed"])
    ctx = {"rng": rng, "formula": lambda: "\x00", "var_style": var_style}
    lines: list[str] = []
    lines += rng.choice([[" ", "", "", "What we claim is :", ""], [" ", "", "", "AM", "", "What we claim is :", ""],
                         ["What is claimed is:", ""], ["CLAIMS", ""], [" ", "", "Patent Claims", ""]])
    for c in p.claims:
        text = render_tokens(c.text, "ocr", ctx)
        for a, bb in OCR_TERM_NOISE:
            if a in text and rng.random() < 0.3:
                text = text.replace(a, bb, 1)
        if rng.random() < 0.04:
            text = text.replace(", ", " ~~as an~~ ", 1)
        text = f"{c.n}. {text}"
        for para in text.split("\n"):
            for chunk in para.split("\x00"):
                lines += wrap_ocr(chunk.strip(), width, rng) if chunk.strip() else []
                lines.append("\x00")
            lines.pop()
        if rng.random() < 0.3:
            lines.append("")
    # formula images: blank lines; margin numbers and page marks
    out: list[str] = []
    margin = 5
    page = rng.randint(20, 60)
    pages = page + rng.randint(5, 40)
    since = 0
    for line in lines:
        if line == "\x00":
            out += ["", "", " " if rng.random() < 0.3 else ""]
            continue
        since += 1
        if since >= rng.randint(4, 7):
            since = 0
            x = rng.random()
            if line[:1].isdigit() and not re.match(r"\d+\. [A-Z]", line):
                x = 0.8       # never glue a margin number to a line that starts with a digit
            if x < 0.55:
                line = f"- {margin} {line}"
            elif x < 0.75:
                line = f"{margin} {line}"
            elif x < 0.9:
                out.append(f"- {margin}" if rng.random() < 0.6 else f"{margin}")
            margin += 5
            if margin > 35:
                margin = 5
                page += 1
                y = rng.random()
                if y < 0.4:
                    out += ["", f"{page}/{pages}", ""]
                elif y < 0.6:
                    out += ["", f"{page}", ""]
                elif y < 0.7:
                    out += ["", f"0{rng.randint(1000, 9999)}", ""]
        out.append(line)
    tail = rng.choice([[], ["", "End"], ["", "End", "", "Add B'", "", str(pages)], ["", "*a*"]])
    return "\n".join(out + tail) + "\n"


def xml_text(text: str, p: Patent, ctx: dict) -> str:
    """Claim text with «…» tokens -> XML mixed content (escaped)."""
    out = []
    pos = 0
    for m in TOKEN.finditer(text):
        out.append(xml_escape(text[pos:m.start()]))
        pos = m.end()
        kind, _, rest = m.group(1).partition(":")
        if kind == "V":
            out.append(var_render(rest, "xml"))
        elif kind == "R":
            label, _, num = rest.rpartition(":")
            out.append(f'<claim-ref idref="{ctx["claim_id"](int(num))}">{xml_escape(label)}</claim-ref>')
        elif kind == "N":
            out.append(xml_escape(rest))
        elif kind == "F":
            out.append(ctx["chemistry"]())
        elif kind == "P":
            out.append("\x01")
        elif kind == "C":
            lo, hi = rest.split(":")
            out.append(f"C<sub>{lo}</sub>-C<sub>{hi}</sub>")
    out.append(xml_escape(text[pos:]))
    return "".join(out)


def xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(s: str) -> str:
    return xml_escape(s).replace('"', "&quot;")


def claim_xml_body(c: Claim, body: str, numbered: bool) -> str:
    head = f"{c.n}. " if numbered else ""
    parts = body.split("\x01")
    if len(parts) == 1:
        return f"<claim-text>{head}{parts[0]}</claim-text>"
    inner = "".join(f"\n<claim-text>{x}</claim-text>" for x in parts[1:])
    return f"<claim-text>{head}{parts[0]}{inner}\n</claim-text>"


def render_uspto_xml(p: Patent) -> str:
    rng = random.Random(f"render:{p.stem}")
    pub = p.pub
    doc = pub["number"]
    chem = [0]

    def chemistry():
        chem[0] += 1
        k = chem[0]
        he, wi = rng.randint(20, 60), rng.randint(60, 140)
        return (f'<chemistry id="CHEM-US-{k:05d}" num="{k:05d}"><img id="EMI-C{k:05d}" he="{he}.{rng.randint(10, 99)}mm" '
                f'wi="{wi}.{rng.randint(10, 99)}mm" file="US{doc}-{pub["date"]}-C{k:05d}.TIF" alt="embedded image" '
                f'img-content="chem" img-format="tif"/></chemistry>')

    ctx = {"chemistry": chemistry, "claim_id": lambda n: f"CLM-{n:05d}"}
    appl = f"{rng.randint(10, 16):02d}{rng.randint(100000, 999999)}"
    claims = []
    for c in p.claims:
        body = xml_text(c.text, p, ctx)
        claims.append(f'<claim id="CLM-{c.n:05d}" num="{c.n:05d}">{claim_xml_body(c, body, True)}</claim>')
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE us-patent-grant SYSTEM "us-patent-grant-v45-2014-04-03.dtd" [ ]>',
        f'<us-patent-grant lang="EN" dtd-version="v4.5 2014-04-03" file="US{doc}-{pub["date"]}.XML" '
        f'status="PRODUCTION" id="us-patent-grant" country="US" date-produced="{pub["date"]}" date-publ="{pub["date"]}">',
        "<us-bibliographic-data-grant>",
        "<publication-reference>",
        f"<document-id>\n<country>US</country>\n<doc-number>{doc}</doc-number>\n<kind>{pub['kind']}</kind>\n<date>{pub['date']}</date>\n</document-id>",
        "</publication-reference>",
        '<application-reference appl-type="utility">',
        f"<document-id>\n<country>US</country>\n<doc-number>{appl}</doc-number>\n<date>{pub['date'][:4]}0101</date>\n</document-id>",
        "</application-reference>",
        f'<invention-title id="d2e43">{xml_escape(p.title)}</invention-title>',
        f"<number-of-claims>{len(p.claims)}</number-of-claims>",
        "</us-bibliographic-data-grant>",
        '<abstract id="abstract">',
        f'<p id="p-0001" num="0000">{xml_escape(p.title)}: synthetic claim set generated for benchmarking (not a real patent).</p>',
        "</abstract>",
        '<description id="description">',
        '<heading id="h-0001" level="1">BACKGROUND OF THE INVENTION</heading>',
        f'<p id="p-0002" num="0001">{xml_escape(p.title)}.</p>',
        "</description>",
        "<us-claim-statement>What is claimed is:</us-claim-statement>",
        '<claims id="claims">',
        *claims,
        "</claims>",
        "</us-patent-grant>",
        "",
    ])


def render_ep_xml(p: Patent) -> str:
    rng = random.Random(f"render:{p.stem}")
    pub = p.pub
    chem = [0]

    def chemistry():
        chem[0] += 1
        k = chem[0]
        return (f'<chemistry id="chem{k:04d}" num="{k:04d}"><img id="ib{k:04d}" file="imgb{k:04d}.tif" '
                f'wi="{rng.randint(60, 160)}" he="{rng.randint(20, 60)}" img-content="chem" img-format="tif"/></chemistry>')

    ctx = {"chemistry": chemistry, "claim_id": lambda n: f"c-en-{n:04d}"}
    claims = []
    for c in p.claims:
        body = xml_text(c.text, p, ctx)
        claims.append(f'<claim id="c-en-{c.n:04d}" num="{c.n:04d}">{claim_xml_body(c, body, False)}</claim>')
    num = pub["number"]
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<!DOCTYPE ep-patent-document PUBLIC "-//EPO//EP PATENT DOCUMENT 1.5//EN" "ep-patent-document-v1-5.dtd">',
        f'<ep-patent-document id="EP{num}{pub["kind"]}" file="EP{num}NWB1.xml" lang="en" country="EP" '
        f'doc-number="{num}" kind="{pub["kind"]}" date-publ="{pub["date"]}" status="n" dtd-version="ep-patent-document-v1-5">',
        '<SDOBI lang="en">',
        f"<B100><B110>{num}</B110><B120><B121>EUROPEAN PATENT SPECIFICATION</B121></B120><B130>{pub['kind']}</B130>"
        f"<B140><date>{pub['date']}</date></B140><B190>EP</B190></B100>",
        f"<B500><B540><B541>en</B541><B542>{xml_escape(p.title)}</B542></B540></B500>",
        "</SDOBI>",
        '<description id="desc" lang="en">',
        f'<p id="p0001" num="0001">{xml_escape(p.title)}: synthetic claim set generated for benchmarking (not a real patent).</p>',
        "</description>",
        '<claims id="claims01" lang="en">',
        *claims,
        "</claims>",
        "</ep-patent-document>",
        "",
    ])


# =============================================================================================
# Sidecars and manifest
# =============================================================================================

def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render_sidecar(p: Patent) -> str:
    lines = [f"# Generic structures of the formula images of {p.stem} (synthetic corpus, {GENERATOR}).",
             "# Generated with the claims from the same tables, so they are the structures the claims",
             "# were written from; ring stereocentres are left open, the oxime/alkene drawn Z where the",
             "# claims say syn/Z. Format: see the docstring of cephkg.structures.",
             f"patent = {toml_str(p.stem)}", "curated = true", ""]
    if p.idx % 3 == 0:
        lines += ["[conventions]", "lower = [1, 6]", "higher = [7, 20]", ""]
    for c in p.claims:
        for f in c.formulas:
            if not f["smiles"]:
                continue
            var_tab = ", ".join(f'{k} = "{v}"' for k, v in sorted(f["variables"].items()))
            lines += ["[[structure]]", f"claim = {c.n}", f"formula = {f['k']}",
                      f"smiles = {toml_str(f['smiles'])}", f"variables = {{ {var_tab} }}", "inferred = false"]
            if f["note"]:
                lines.append(f"note = {toml_str(f['note'])}")
            lines.append("")
    return "\n".join(lines)


def manifest_entry(p: Patent, file: str, sidecar: str | None, encoding: str = "utf-8") -> dict:
    cats: dict = {}
    for c in p.claims:
        cats[c.cat] = cats.get(c.cat, 0) + 1
    species = []
    for c in p.claims:
        for sp in c.species:
            species.append({k: v for k, v in sp.items() if k != "key"} | {"claim": c.n})
    return {
        "stem": p.stem, "file": file, "format": p.fmt, "notation": p.notation, "encoding": encoding,
        "drafting": p.drafting, "family": p.family, "cores": p.cores,
        "publication": f"{p.pub['country']}{p.pub['number']}{p.pub['kind']}",
        "claim_count": len(p.claims), "categories": cats, "categories_count": len(cats),
        "claims": [{"n": c.n, "category": c.cat, "depends_on": c.deps, "refers_to": c.refs,
                    "definitions": c.defs, "formulas": len(c.formulas)} for c in p.claims],
        "species": species, "sidecar": sidecar,
    }


def write_corpus(out: Path, n: int, seed: int, formats: list[str], sidecar_share: float) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    entries = []
    nclaims = nspecies = 0
    for idx in range(n):
        p = build_patent(seed, idx, formats, sidecar_share)
        if p.fmt == "txt":
            file, data = f"{p.stem}.txt", render_txt(p)
        elif p.fmt == "uspto-xml":
            file, data = f"{p.stem}.xml", render_uspto_xml(p)
        else:
            file, data = f"{p.stem}.xml", render_ep_xml(p)
        (out / file).write_bytes(data.encode("utf-8"))
        side = None
        if p.sidecar:
            side = f"{p.stem}.structures.toml"
            (out / side).write_bytes(render_sidecar(p).encode("utf-8"))
        entry = manifest_entry(p, file, side)
        nclaims += entry["claim_count"]
        nspecies += len(entry["species"])
        entries.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
    return {"generator": GENERATOR, "seed": seed, "n": n, "formats": formats, "sidecar_share": sidecar_share,
            "claims": nclaims, "species": nspecies, "patents": entries}


def dump_manifest(path: Path, manifest: dict, extra: dict | None = None):
    head = {k: v for k, v in manifest.items() if k != "patents"}
    if extra:
        head.update(extra)
    pats = manifest["patents"]
    with path.open("wb") as fh:
        fh.write(b"{\n")
        for k, v in head.items():
            fh.write(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)},\n".encode())
        fh.write(b'  "patents": [\n')
        for i, e in enumerate(pats):
            fh.write(("    " + e + ("," if i < len(pats) - 1 else "") + "\n").encode("utf-8"))
        fh.write(b"  ]\n}\n")


# =============================================================================================
# Pathological files (reliability issue): generated, not checked
# =============================================================================================

def write_pathological(out: Path, seed: int) -> list[dict]:
    d = out / "pathological"
    d.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"pathological:{seed}")
    files = []
    first = ("1. A compound of the formula:\n\n\nwherein R1 is amino or a protected amino group, and R2 is carboxy "
             "or a protected carboxy group, or a pharmaceutically acceptable salt thereof.\n")
    # K claims each citing "any one of claims 1 to k-1"
    k_max = 1000
    lines = ["What is claimed is:", "", first]
    terms = ["R1 is amino", "R2 is esterified carboxy", "R2 is lower alkoxycarbonyl",
             "R2 is lower alkanoyloxy(lower)alkoxycarbonyl", "R1 is a protected amino group"]
    for k in range(2, k_max + 1):
        cite = "claim 1" if k == 2 else f"any one of claims 1 to {k - 1}"
        lines.append(f"{k}. A compound according to {cite}, wherein {terms[k % len(terms)]}.\n")
    (d / "any_one_of_1000.txt").write_bytes("\n".join(lines).encode("utf-8"))
    files.append({"file": "pathological/any_one_of_1000.txt", "claim_count": k_max,
                  "what": "claim k cites 'any one of claims 1 to k-1' (k = 2..1000)"})
    # a 5,000-claim dependency chain
    chain = 5000
    lines = ["What is claimed is:", "", first]
    for k in range(2, chain + 1):
        lines.append(f"{k}. A compound of claim {k - 1}, wherein {terms[k % len(terms)]}.\n")
    (d / "chain_5000.txt").write_bytes("\n".join(lines).encode("utf-8"))
    files.append({"file": "pathological/chain_5000.txt", "claim_count": chain,
                  "what": "claim k depends on claim k-1 (a 5,000-claim chain)"})
    # a 1 MB claims file on a single line
    parts, size, k = [], 0, 0
    base = build_patent(seed, 999_999, ["txt"], 0.0)
    texts = [render_tokens(c.text, "clean", {"rng": rng, "formula": lambda: "##STR1##"}).replace("\n", " ")
             for c in base.claims]
    while size < 1_048_576:
        t = texts[k % len(texts)]
        k += 1
        s = f"{k}. {t}"
        parts.append(s)
        size += len(s.encode("utf-8")) + 1
    line = "What is claimed is: " + " ".join(parts)
    (d / "single_line_1mb.txt").write_bytes(line.encode("utf-8"))
    files.append({"file": "pathological/single_line_1mb.txt", "claim_count": k,
                  "bytes": len(line.encode("utf-8")), "what": "a >= 1 MiB claims file with no line break"})
    # UTF-16 with BOM
    p = build_patent(seed, 999_998, ["txt"], 0.0)
    text = render_clean(p, random.Random(f"render:{p.stem}"))
    (d / "utf16_bom.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    files.append({"file": "pathological/utf16_bom.txt", "claim_count": len(p.claims), "encoding": "utf-16 (LE, BOM)",
                  "what": "a normal claim set encoded UTF-16 with byte order mark",
                  "species": [sp["name"] for c in p.claims for sp in c.species]})
    return files


# =============================================================================================
# --check-names: every name through OPSIN, compared with RDKit
# =============================================================================================

def check_names(sample: int | None, seed: int, opsin_chunk: int = 20000) -> int:
    import shutil
    import tempfile
    tmp = tempfile.mkdtemp(prefix="cephkg-opsin-")
    try:
        return _check_names(sample, seed, opsin_chunk, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _check_names(sample: int | None, seed: int, opsin_chunk: int, tmp: str) -> int:
    import warnings
    try:
        from py2opsin import py2opsin
        from rdkit import Chem, RDLogger
    except ImportError as e:  # pragma: no cover
        print(f"--check-names needs py2opsin (Java) and rdkit: {e}", file=sys.stderr)
        return 2
    RDLogger.DisableLog("rdApp.*")
    warnings.filterwarnings("ignore")
    t0 = time.time()

    def canon(smi):
        m = Chem.MolFromSmiles(smi) if smi else None
        return Chem.MolToSmiles(m) if m is not None else None

    def opsin(names):
        out = []
        for i in range(0, len(names), opsin_chunk):
            chunk = names[i:i + opsin_chunk]
            res = py2opsin(chunk, tmp_fpath=str(Path(tmp) / "names.txt"))
            if isinstance(res, str):
                res = [res]
            out += list(res)
        return out

    failures = []
    # 1. cores: documented name vs SMILES (full stereo)
    docs = opsin([c.documented_name for c in CORES])
    for c, got in zip(CORES, docs):
        want = canon(c.smiles)
        acid = canon(species_smiles(SpeciesKey(c.id, "amino" if c.family != "furyl" else "none", None, None, "6r7r")))
        if canon(got) != want:
            failures.append(("documented_name", c.id, c.documented_name, got, c.smiles))
        if acid != want:
            failures.append(("template", c.id, "template acid (6R,7R) != core smiles", acid, c.smiles))
    print(f"cores: {len(CORES)} documented names checked against their SMILES")
    # 2. all species names
    keys = list(universe())
    if sample:
        keys = random.Random(seed).sample(keys, min(sample, len(keys)))
    checks: dict[str, tuple] = {}
    for key in keys:
        core = CORE_BY_ID[key.core]
        name = species_name(key)
        qualifier = core.oxime and key.style != "zin"
        want = species_smiles(key, oxime_stereo=not qualifier)
        prev = checks.get(name)
        if prev and prev[0] != want:
            failures.append(("ambiguous", name, "same name, two intended structures", prev[0], want))
        checks[name] = (want, key)
        if qualifier:   # the syn qualifier: the Z-in-name spelling must give the intended Z structure
            zname = species_name(key, z_in_name=True)
            checks.setdefault(zname, (species_smiles(key), key))
    names = sorted(checks)
    print(f"species names: {len(keys)} keys, {len(names)} distinct names to check (incl. (Z) spellings)")
    t1 = time.time()
    got = opsin(names)
    print(f"OPSIN: {len(names)} names in {time.time() - t1:.1f} s")
    emitted = {species_name(k) for k in keys}
    nfail = 0
    for name, res in zip(names, got):
        want, key = checks[name]
        if not res:
            failures.append(("opsin", name, "OPSIN could not parse", res, want))
            nfail += 1
        elif canon(res) != canon(want):
            failures.append(("structure", name, "OPSIN structure != intended", res, want))
            nfail += 1
    emitted_fail = sum(1 for f in failures if f[0] in ("opsin", "structure") and f[1] in emitted)
    # 3. a sample corpus: every species in the universe, sidecar generics rebuild every species
    corpus_fail = 0
    nsp = nside = 0
    universe_names = {species_name(k) for k in universe()} if sample else emitted
    for idx in range(300):
        p = build_patent(seed, idx, ["txt", "uspto-xml", "ep-xml"], 1.0)
        generic = None
        first = p.claims[0]
        if first.cat == "compound" and first.formulas and first.formulas[0]["smiles"]:
            generic = first.formulas[0]
        for c in p.claims:
            for f in c.formulas:
                if f["smiles"]:
                    m = Chem.MolFromSmiles(f["smiles"])
                    nums = sorted(a.GetAtomMapNum() for a in m.GetAtoms() if a.GetAtomMapNum()) if m else None
                    if m is None or sorted(set(nums)) != sorted(f["variables"]):
                        failures.append(("sidecar", p.stem, f"claim {c.n} formula {f['k']}", f["smiles"], f["variables"]))
                        corpus_fail += 1
            for sp in c.species:
                nsp += 1
                if sp["name"] not in universe_names:
                    failures.append(("universe", p.stem, sp["name"], "", ""))
                    corpus_fail += 1
                if generic and sp["assignment"] and c.cat == "compound" and not sp["salt_in_name"]:
                    nside += 1
                    if not _rebuild_ok(Chem, generic, sp):
                        failures.append(("generic", p.stem, f"claim {c.n}: {sp['name']}", generic["smiles"],
                                         sp["assignment"]))
                        corpus_fail += 1
    print(f"sample corpus (seed {seed}, 300 patents): {nsp} species in the universe, "
          f"{nside} rebuilt from the claim-1 generic structure and their assignments")
    print(f"distinct names checked: {len(names)}; OPSIN failures or wrong structures: {nfail} "
          f"(of the names the generator emits: {emitted_fail}); other failures: {len(failures) - nfail}")
    for f in failures[:40]:
        print("FAIL", f)
    print(f"done in {time.time() - t0:.1f} s")
    return 1 if failures else 0


def _rebuild_ok(Chem, generic: dict, sp: dict) -> bool:
    """molzip the claim-1 generic with the species' substituents; compare without stereo."""
    frags = []
    for num, var in generic["variables"].items():
        frag = sp["assignment"].get(var)
        if frag is None:
            return False
        frags.append(frag.replace("[*]", f"[*:{num}]"))
    mol = Chem.MolFromSmiles(".".join([generic["smiles"], *frags]))
    if mol is None:
        return False
    zipped = Chem.molzip(mol)
    zipped = Chem.RemoveHs(zipped)
    a = Chem.MolFromSmiles(Chem.MolToSmiles(zipped))
    b = Chem.MolFromSmiles(sp["smiles"].replace("Cl.", ""))
    for m in (a, b):
        Chem.RemoveStereochemistry(m)
    return Chem.MolToSmiles(a) == Chem.MolToSmiles(b)


# =============================================================================================
# Command line
# =============================================================================================

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--n", type=int, default=100, help="number of patents (default 100)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, help="output folder")
    ap.add_argument("--formats", default="txt,uspto-xml,ep-xml",
                    help="comma-separated subset of txt, uspto-xml, ep-xml (default: all)")
    ap.add_argument("--sidecar-share", type=float, default=0.3,
                    help="share of patents (with formulas) that get a .structures.toml sidecar")
    ap.add_argument("--pathological", action="store_true",
                    help="also write the hostile files of the reliability issue to OUT/pathological/")
    ap.add_argument("--check-names", action="store_true",
                    help="run every species name the generator can emit through OPSIN and compare structures")
    ap.add_argument("--sample", type=int, default=None, help="with --check-names: check a random sample of names")
    args = ap.parse_args(argv)
    if args.check_names:
        return check_names(args.sample, args.seed)
    if args.out is None:
        ap.error("--out is required")
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    bad = [f for f in formats if f not in ("txt", "uspto-xml", "ep-xml")]
    if bad or not formats:
        ap.error(f"unknown format(s): {bad}")
    if not 0.0 <= args.sidecar_share <= 1.0:
        ap.error("--sidecar-share must be within 0 and 1")
    t0 = time.perf_counter()
    manifest = write_corpus(args.out, args.n, args.seed, formats, args.sidecar_share)
    extra = {}
    if args.pathological:
        extra["pathological"] = write_pathological(args.out, args.seed)
    dump_manifest(args.out / "manifest.json", manifest, extra)
    dt = time.perf_counter() - t0
    nclaims, nsp = manifest["claims"], manifest["species"]
    print(f"wrote {args.n} patents ({nclaims} claims, {nsp} named species) to {args.out} in {dt:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
