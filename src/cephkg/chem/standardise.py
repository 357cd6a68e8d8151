"""Molecule standardisation: parent compound, salt form, oxime geometry, identifiers.

Claims name a compound "or its sodium salt", "or its hydrochloride", "(syn isomer)"; the
graph needs one parent structure per compound with the salt form and geometry as separate
facts. ``standardise`` splits a structure into a neutral parent and named counter-ions;
``apply_oxime_geometry`` turns the claim words syn/anti into C=N stereo.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rdkit import Chem
from rdkit.Chem import rdCIPLabeler
from rdkit.Chem.MolStandardize import rdMolStandardize
from rdkit.rdBase import BlockLogs

from ..errors import DataFileError, ResolutionError
from ..resources import load_data

__all__ = [
    "OximeGeometry",
    "SaltForm",
    "Standardised",
    "apply_oxime_geometry",
    "identifiers",
    "salt_form_for_counter_ion",
    "salt_form_for_phrase",
    "salt_forms",
    "standardise",
]

SaltKind = Literal["base-addition", "acid-addition", "solvate"]
Isomer = Literal["syn", "anti"]

#: An α-(hydroxy/alkoxy)imino arylacetyl group:
#: C(=O)(X)–C(=N–O–*)–aryl, X being the amide N of the cephalosporin side chain (or OH/OR/
#: halogen in the acid, ester and acyl-halide intermediates, where syn/anti mean the same).
_OXIME = Chem.MolFromSmarts("[CX3](=O)[CX3;!R](=[NX2][OX2,OX1-])a")
_OXIME_ATOMS = (0, 2, 3, 4)  # carbonyl C, imine C, imine N, oxime O in _OXIME
_KIND_ORDER: dict[str, int] = {"base-addition": 0, "acid-addition": 0, "solvate": 1}


@dataclass(frozen=True, slots=True)
class SaltForm:
    """One entry of ``data/salt_forms.toml``."""

    id: str
    label: str
    kind: SaltKind
    phrases: tuple[str, ...]
    counter_ions: tuple[str, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Standardised:
    """A structure split into its neutral parent and the counter-ions taken off it.

    ``salt_form`` is a salt-form id, ``unknown:<smiles>`` for an ion not in the vocabulary,
    several ids joined by ``;`` when distinct ions are present (e.g. ``sodium;hydrate``),
    or ``None`` for a single-component input. InChI fields are ``None`` when InChI cannot
    represent the structure (e.g. it has ``*`` atoms).
    """

    input: str
    parent_smiles: str
    parent_inchi: str | None
    parent_inchikey: str | None
    salt_form: str | None
    counter_ions: tuple[str, ...]
    smiles: str
    inchikey: str | None


@dataclass(frozen=True, slots=True)
class OximeGeometry:
    """Result of :func:`apply_oxime_geometry`.

    ``sites`` oxime C=N bonds matched, ``changed`` of them were unspecified and set now;
    ``conflicts`` has one message per bond already specified the other way (left alone).
    """

    mol: Chem.Mol
    isomer: Isomer
    sites: int
    changed: int
    conflicts: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when at least one site was found and none contradicts ``isomer``."""
        return self.sites > 0 and not self.conflicts


# --- salt-form vocabulary ---------------------------------------------------------------

@lru_cache(maxsize=1)
def salt_forms() -> tuple[SaltForm, ...]:
    """The salt-form vocabulary, validated (ids, phrases and counter-ions are unique)."""
    entries = load_data("salt_forms.toml")["salt_form"]
    forms = tuple(SaltForm(id=e["id"], label=e["label"], kind=e["kind"],
                           phrases=tuple(p.lower() for p in e["phrases"]),
                           counter_ions=tuple(e["counter_ions"]), source=e.get("source", ""))
                  for e in entries)
    for attr in ("id", "phrases", "counter_ions"):
        values = [v for f in forms for v in ((getattr(f, attr),) if attr == "id" else getattr(f, attr))]
        dupes = sorted(v for v, n in Counter(values).items() if n > 1)
        if dupes:
            raise DataFileError(f"cephkg/data/salt_forms.toml: duplicate {attr}: {dupes}")
    return forms


@lru_cache(maxsize=1)
def _phrase_index() -> dict[str, SaltForm]:
    return {phrase: form for form in salt_forms() for phrase in form.phrases}


@lru_cache(maxsize=1)
def _ion_index() -> tuple[dict[str, SaltForm], dict[str, SaltForm]]:
    """Lookup by canonical SMILES as written, and by canonical SMILES after uncharging.

    Solvates are matched only as written, so hydroxide is not taken for water.
    """
    exact: dict[str, SaltForm] = {}
    neutral: dict[str, SaltForm] = {}
    for form in salt_forms():
        for smi in form.counter_ions:
            mol = _parse(smi)
            exact[Chem.MolToSmiles(mol)] = form
            if form.kind != "solvate":
                neutral.setdefault(Chem.MolToSmiles(_uncharged(mol)), form)
    return exact, neutral


def salt_form_for_phrase(phrase: str) -> SaltForm | None:
    """The salt form a claim phrase names ("sodium salt", "hydrochloride"), case-insensitive."""
    return _phrase_index().get(" ".join(phrase.lower().split()))


def salt_form_for_counter_ion(smiles: str) -> SaltForm | None:
    """The salt form of one counter-ion fragment (``[Na+]``, ``Cl``, ``[Cl-]``…)."""
    mol = _parse(smiles)
    exact, neutral = _ion_index()
    return exact.get(Chem.MolToSmiles(mol)) or neutral.get(Chem.MolToSmiles(_uncharged(mol)))


# --- standardisation --------------------------------------------------------------------

def _parse(smiles: str) -> Chem.Mol:
    with BlockLogs():
        mol = Chem.MolFromSmiles(smiles)
    if mol is None:
        raise ResolutionError(f"RDKit cannot parse SMILES {smiles!r}")
    return mol


def _uncharged(mol: Chem.Mol) -> Chem.Mol:
    with BlockLogs():
        return rdMolStandardize.Uncharger().uncharge(mol)


def identifiers(mol: Chem.Mol) -> tuple[str, str | None, str | None]:
    """(canonical isomeric SMILES, standard InChI, InChIKey); InChI parts ``None`` if unrepresentable."""
    mol = Chem.RemoveHs(mol)
    smiles = Chem.MolToSmiles(mol)
    with BlockLogs():
        inchi = Chem.MolToInchi(mol)
    if not inchi:
        return smiles, None, None
    return smiles, inchi, Chem.InchiToInchiKey(inchi)


def _fragment_rank(mol: Chem.Mol) -> tuple[bool, int, float]:
    organic = any(atom.GetAtomicNum() == 6 for atom in mol.GetAtoms())
    return organic, mol.GetNumHeavyAtoms(), sum(a.GetMass() for a in mol.GetAtoms())


def standardise(smiles_or_mol: str | Chem.Mol) -> Standardised:
    """Split off counter-ions (largest organic fragment = parent), neutralise the parent.

    Metals bonded covalently (``C(=O)O[Na]``) are disconnected first. Every removed
    fragment is kept in ``counter_ions`` and named in ``salt_form``; copies of the parent
    itself (2:1 salts such as a calcium salt) are not counter-ions and are dropped.
    A SMILES is standardised once per process.
    """
    if isinstance(smiles_or_mol, str):
        return _standardised(smiles_or_mol)
    return _standardise(smiles_or_mol)


@lru_cache(maxsize=16384)
def _standardised(smiles: str) -> Standardised:
    return _standardise(smiles)


def _standardise(smiles_or_mol: str | Chem.Mol) -> Standardised:
    if isinstance(smiles_or_mol, str):
        mol = _parse(smiles_or_mol)
        given = smiles_or_mol
    else:
        mol = Chem.Mol(smiles_or_mol)
        given = Chem.MolToSmiles(mol)
    smiles, _, inchikey = identifiers(mol)
    with BlockLogs():
        split = rdMolStandardize.MetalDisconnector().Disconnect(Chem.RemoveHs(mol))
    fragments = [(Chem.MolToSmiles(frag), frag) for frag in Chem.GetMolFrags(split, asMols=True)]
    parent_key, parent = max(fragments, key=lambda kf: (*_fragment_rank(kf[1]), kf[0]))
    ions = sorted(key for key, _ in fragments if key != parent_key)
    parent_smiles, parent_inchi, parent_inchikey = identifiers(_uncharged(parent))
    return Standardised(input=given, parent_smiles=parent_smiles, parent_inchi=parent_inchi,
                        parent_inchikey=parent_inchikey, salt_form=_salt_form_id(ions),
                        counter_ions=tuple(ions), smiles=smiles, inchikey=inchikey)


def _salt_form_id(ions: list[str]) -> str | None:
    if not ions:
        return None
    named: dict[str, int] = {}
    for ion in ions:
        form = salt_form_for_counter_ion(ion)
        if form is None:
            named[f"unknown:{ion}"] = 2
        else:
            named[form.id] = _KIND_ORDER[form.kind]
    return ";".join(sorted(named, key=lambda i: (named[i], i)))


# --- oxime geometry ---------------------------------------------------------------------

def _cip_label(mol: Chem.Mol, bond_idx: int) -> str | None:
    probe = Chem.Mol(mol)
    with BlockLogs():
        rdCIPLabeler.AssignCIPLabels(probe)
    bond = probe.GetBondWithIdx(bond_idx)
    return bond.GetProp("_CIPCode") if bond.HasProp("_CIPCode") else None


def _set_cis(mol: Chem.Mol, bond_idx: int, a: int, b: int, cis: bool) -> None:
    """Mark neighbours ``a`` (of the imine C) and ``b`` (of N) cis or trans across the bond."""
    bond = mol.GetBondWithIdx(bond_idx)
    if mol.GetBondBetweenAtoms(bond.GetBeginAtomIdx(), a) is None:
        a, b = b, a  # stereo atoms go in begin-atom, end-atom order
    bond.SetStereoAtoms(a, b)
    bond.SetStereo(Chem.BondStereo.STEREOCIS if cis else Chem.BondStereo.STEREOTRANS)


def apply_oxime_geometry(mol: Chem.Mol, isomer: Isomer) -> OximeGeometry:
    """Set syn/anti on α-oximino arylacetyl C=N bonds whose geometry is unspecified.

    syn = the oxime O on the same side as the carbonyl carbon (cefdinir's side chain:
    ``C(=O)/C(=N\\O)c1csc(N)n1``, Z by CIP); anti the opposite. Bonds already specified are
    never changed: agreement is silent, disagreement is reported in ``conflicts``.
    Comparison goes through CIP labels, so it holds however the input encodes stereo.
    """
    if isomer not in ("syn", "anti"):
        raise ValueError(f"isomer must be 'syn' or 'anti', not {isomer!r}")
    out = Chem.Mol(mol)
    unspecified = (Chem.BondStereo.STEREONONE, Chem.BondStereo.STEREOANY)
    seen: set[int] = set()
    changed = 0
    conflicts: list[str] = []
    for match in out.GetSubstructMatches(_OXIME, uniquify=False):
        carbonyl, imine, nitrogen, oxygen = (match[i] for i in _OXIME_ATOMS)
        bond = out.GetBondBetweenAtoms(imine, nitrogen)
        if bond.GetIdx() in seen:
            continue
        seen.add(bond.GetIdx())
        if bond.GetStereo() in unspecified:
            _set_cis(out, bond.GetIdx(), carbonyl, oxygen, cis=isomer == "syn")
            changed += 1
            continue
        current = _cip_label(out, bond.GetIdx())
        wanted = Chem.Mol(out)
        _set_cis(wanted, bond.GetIdx(), carbonyl, oxygen, cis=isomer == "syn")
        target = _cip_label(wanted, bond.GetIdx())
        if current != target:
            conflicts.append(
                f"C=N bond {imine}-{nitrogen} is already {current or 'specified'}, "
                f"but {isomer} here is {target or 'unknown'}; left as given")
    return OximeGeometry(mol=out, isomer=isomer, sites=len(seen), changed=changed,
                         conflicts=tuple(conflicts))
