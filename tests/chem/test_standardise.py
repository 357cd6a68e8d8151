"""Tests for cephkg.standardise: parents, salt forms, oxime geometry, identifiers."""

from __future__ import annotations

import pytest
from rdkit import Chem
from rdkit.Chem import rdCIPLabeler

from cephkg.chem.standardise import (
    apply_oxime_geometry,
    identifiers,
    salt_form_for_counter_ion,
    salt_form_for_phrase,
    salt_forms,
    standardise,
)
from cephkg.errors import ResolutionError

CEFDINIR = "Nc1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)O)=C(C=C)CS[C@H]23)cs1"
CEFDINIR_SODIUM = "Nc1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)[O-])=C(C=C)CS[C@H]23)cs1.[Na+]"
CEFDINIR_INCHIKEY = "RTXOFQZKPXMALH-GHXIOONMSA-N"
#: Cefdinir with the oxime geometry left open (as OPSIN writes "2-hydroxyiminoacetamido").
CEFDINIR_OPEN = "Nc1nc(C(=NO)C(=O)N[C@@H]2C(=O)N3C(C(=O)O)=C(C=C)CS[C@H]23)cs1"
#: The brief's syn form written from the other end of the bond.
CEFDINIR_SIDECHAIN_SYN = "OC(=O)C1=C(C=C)CS[C@@H]2[C@H](NC(=O)/C(=N\\O)c3csc(N)n3)C(=O)N12"
#: Cefotaxime-type methoxyimino side chain, geometry open.
METHOXYIMINO_OPEN = "CON=C(C(=O)NC)c1csc(N)n1"


def _oxime_labels(mol: Chem.Mol) -> list[str]:
    mol = Chem.Mol(mol)
    rdCIPLabeler.AssignCIPLabels(mol)
    return [b.GetProp("_CIPCode") for b in mol.GetBonds()
            if b.HasProp("_CIPCode") and {b.GetBeginAtom().GetSymbol(), b.GetEndAtom().GetSymbol()} == {"C", "N"}]


def test_identifiers_of_cefdinir() -> None:
    smiles, inchi, key = identifiers(Chem.MolFromSmiles(CEFDINIR))
    assert key == CEFDINIR_INCHIKEY
    assert inchi is not None and inchi.startswith("InChI=1S/C14H13N5O5S2/")
    assert smiles == Chem.MolToSmiles(Chem.MolFromSmiles(CEFDINIR))


def test_identifiers_without_inchi() -> None:
    assert identifiers(Chem.MolFromSmiles("*C(=O)O")) == ("*C(=O)O", None, None)


def test_sodium_salt_gives_cefdinir_acid() -> None:
    got = standardise(CEFDINIR_SODIUM)
    assert got.input == CEFDINIR_SODIUM
    assert got.parent_smiles == Chem.MolToSmiles(Chem.MolFromSmiles(CEFDINIR))
    assert got.parent_inchikey == CEFDINIR_INCHIKEY
    assert got.parent_inchi is not None and got.parent_inchi.startswith("InChI=1S/C14H13N5O5S2/")
    assert got.salt_form == "sodium"
    assert got.counter_ions == ("[Na+]",)
    assert got.smiles == Chem.MolToSmiles(Chem.MolFromSmiles(CEFDINIR_SODIUM))
    assert got.inchikey != CEFDINIR_INCHIKEY and got.inchikey is not None


@pytest.mark.parametrize("ion", ["Cl", "[Cl-]"])
def test_hydrochloride(ion: str) -> None:
    got = standardise(f"{CEFDINIR}.{ion}")
    assert (got.parent_inchikey, got.salt_form, got.counter_ions) == (CEFDINIR_INCHIKEY, "hydrochloride", (ion,))


def test_protonated_amine_hydrochloride_is_neutralised() -> None:
    got = standardise("[NH3+]c1nc(/C(=N/O)C(=O)N[C@@H]2C(=O)N3C(C(=O)O)=C(C=C)CS[C@H]23)cs1.[Cl-]")
    assert (got.parent_inchikey, got.salt_form) == (CEFDINIR_INCHIKEY, "hydrochloride")


def test_unknown_counter_ion_is_recorded() -> None:
    got = standardise(CEFDINIR_SODIUM.replace("[Na+]", "[Cs+]"))
    assert got.parent_inchikey == CEFDINIR_INCHIKEY
    assert got.salt_form == "unknown:[Cs+]"
    assert got.counter_ions == ("[Cs+]",)


@pytest.mark.parametrize(("extra", "salt_form", "ions"), [
    ("Cc1ccc(S(=O)(=O)O)cc1", "tosylate", ("Cc1ccc(S(=O)(=O)O)cc1",)),
    ("OC(=O)C(F)(F)F", "trifluoroacetate", ("O=C(O)C(F)(F)F",)),
    ("OS(=O)(=O)O", "sulfate", ("O=S(=O)(O)O",)),
    ("Br", "hydrobromide", ("Br",)),
    ("[K+]", "potassium", ("[K+]",)),
    ("O.[Na+]", "sodium;hydrate", ("O", "[Na+]")),
    ("[Na+].[Cs+]", "sodium;unknown:[Cs+]", ("[Cs+]", "[Na+]")),
])
def test_other_salt_forms(extra: str, salt_form: str, ions: tuple[str, ...]) -> None:
    got = standardise(f"{CEFDINIR}.{extra}")
    assert (got.parent_inchikey, got.salt_form, got.counter_ions) == (CEFDINIR_INCHIKEY, salt_form, ions)


def test_disodium_and_calcium_stoichiometry() -> None:
    disodium = standardise("[Na+].[Na+].[O-]C(=O)CC(=O)[O-]")
    assert (disodium.parent_smiles, disodium.salt_form, disodium.counter_ions) == (
        "O=C(O)CC(=O)O", "sodium", ("[Na+]", "[Na+]"))
    calcium = standardise("[Ca+2].CC(=O)[O-].CC(=O)[O-]")  # parent copies are not counter-ions
    assert (calcium.parent_smiles, calcium.salt_form, calcium.counter_ions) == ("CC(=O)O", "calcium", ("[Ca+2]",))


def test_covalent_metal_is_disconnected() -> None:
    got = standardise("CC(=O)O[Na]")
    assert (got.parent_smiles, got.salt_form, got.counter_ions) == ("CC(=O)O", "sodium", ("[Na+]",))


def test_inner_salt_keeps_its_charges() -> None:
    got = standardise("C[n+]1ccccc1CC(=O)[O-]")  # pyridinium betaine, as in ceftazidime
    assert got.salt_form is None and got.counter_ions == ()
    assert Chem.GetFormalCharge(Chem.MolFromSmiles(got.parent_smiles)) == 0
    assert "[n+]" in got.parent_smiles


def test_mol_input_is_not_modified() -> None:
    mol = Chem.MolFromSmiles(CEFDINIR_SODIUM)
    before = Chem.MolToSmiles(mol)
    got = standardise(mol)
    assert got.parent_inchikey == CEFDINIR_INCHIKEY and Chem.MolToSmiles(mol) == before


def test_bad_smiles_raises() -> None:
    with pytest.raises(ResolutionError):
        standardise("C1CC(")


def test_salt_form_vocabulary() -> None:
    forms = {f.id: f for f in salt_forms()}
    for wanted in ("sodium", "potassium", "hydrochloride", "hydrobromide", "sulfate", "calcium",
                   "trifluoroacetate", "tosylate"):
        assert wanted in forms and forms[wanted].source
    assert {f.kind for f in forms.values()} <= {"base-addition", "acid-addition", "solvate"}
    for form in forms.values():
        for smi in form.counter_ions:
            assert Chem.MolFromSmiles(smi) is not None, (form.id, smi)
            assert salt_form_for_counter_ion(smi) == form
    assert salt_form_for_phrase("Sodium  Salt") == forms["sodium"]
    assert salt_form_for_phrase("hydrochloride") == forms["hydrochloride"]
    assert salt_form_for_phrase("p-toluenesulfonate") == forms["tosylate"]
    assert salt_form_for_phrase("acetate") is None  # would match ester names
    assert salt_form_for_counter_ion("[OH-]") is None  # hydroxide is not water


def test_syn_on_open_oxime_is_z() -> None:
    geo = apply_oxime_geometry(Chem.MolFromSmiles(CEFDINIR_OPEN), "syn")
    assert (geo.sites, geo.changed, geo.conflicts, geo.ok) == (1, 1, (), True)
    assert _oxime_labels(geo.mol) == ["Z"]
    assert identifiers(geo.mol)[2] == CEFDINIR_INCHIKEY
    # survives a SMILES round trip
    assert identifiers(Chem.MolFromSmiles(Chem.MolToSmiles(geo.mol)))[2] == CEFDINIR_INCHIKEY
    # the brief's side-chain form C(=O)/C(=N\O)c1csc(N)n1 is the same compound
    assert identifiers(Chem.MolFromSmiles(CEFDINIR_SIDECHAIN_SYN))[2] == CEFDINIR_INCHIKEY


def test_anti_on_open_oxime_is_e() -> None:
    geo = apply_oxime_geometry(Chem.MolFromSmiles(CEFDINIR_OPEN), "anti")
    assert (geo.sites, geo.changed, geo.conflicts) == (1, 1, ())
    assert _oxime_labels(geo.mol) == ["E"]
    assert identifiers(geo.mol)[2] != CEFDINIR_INCHIKEY


def test_alkoxyimino_syn_is_z() -> None:
    geo = apply_oxime_geometry(Chem.MolFromSmiles(METHOXYIMINO_OPEN), "syn")
    assert geo.changed == 1 and _oxime_labels(geo.mol) == ["Z"]


def test_specified_geometry_is_never_changed() -> None:
    mol = Chem.MolFromSmiles(CEFDINIR)  # Z = syn
    agree = apply_oxime_geometry(mol, "syn")
    assert (agree.sites, agree.changed, agree.conflicts) == (1, 0, ())
    clash = apply_oxime_geometry(mol, "anti")
    assert (clash.sites, clash.changed, clash.ok) == (1, 0, False)
    assert len(clash.conflicts) == 1 and "already Z" in clash.conflicts[0]
    assert identifiers(clash.mol)[2] == CEFDINIR_INCHIKEY
    assert Chem.MolToSmiles(mol) == Chem.MolToSmiles(Chem.MolFromSmiles(CEFDINIR))  # input untouched


def test_no_oxime_site() -> None:
    geo = apply_oxime_geometry(Chem.MolFromSmiles("CC(=O)NC"), "syn")
    assert (geo.sites, geo.changed, geo.ok) == (0, 0, False)


def test_bad_isomer_word() -> None:
    with pytest.raises(ValueError):
        apply_oxime_geometry(Chem.MolFromSmiles(CEFDINIR_OPEN), "cis")  # type: ignore[arg-type]


def test_syn_keeps_other_double_bond_stereo() -> None:
    # Ceftobiprole (claim 2 of examples/patents/000_…), oxime left open, (E)-ylidene kept.
    full = ("NC1=NC(=NS1)/C(/C(=O)N[C@H]1[C@H]2SCC(=C(N2C1=O)C(=O)O)/C=C\\1/C(N(CC1)[C@H]1CNCC1)=O)=N/O")
    open_oxime = ("NC1=NC(=NS1)C(C(=O)N[C@H]1[C@H]2SCC(=C(N2C1=O)C(=O)O)/C=C\\1/C(N(CC1)[C@H]1CNCC1)=O)=NO")
    geo = apply_oxime_geometry(Chem.MolFromSmiles(open_oxime), "syn")
    assert geo.changed == 1
    round_trip = Chem.MolFromSmiles(Chem.MolToSmiles(geo.mol))
    assert identifiers(round_trip)[2] == identifiers(Chem.MolFromSmiles(full))[2]
