"""The substituent-class vocabulary: what each group term of a claim means, checkably.

Fragments are SMILES with one [*] for the attachment atom; hydrogen is [*][H].
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from rdkit import Chem

from cephkg.chem.substituents import (
    InvalidFragment,
    TermMatch,
    UninterpretableTerm,
    Vocabulary,
)
from cephkg.errors import CephkgError, ResolutionError

ROOT = Path(__file__).resolve().parents[2]
CEPH = rdflib.Namespace("https://w3id.org/cephkg/ontology#")

PIVALOYLOXYMETHYL = "[*]C(=O)OCOC(=O)C(C)(C)C"
PALMITOYLOXYMETHYL = "[*]C(=O)OCOC(=O)CCCCCCCCCCCCCCC"
PROPIONYLOXYETHYL = "[*]C(=O)OC(C)OC(=O)CC"
ETHOXYCARBONYLOXYETHYL = "[*]C(=O)OC(C)OC(=O)OCC"
TBU_OXYCARBONYLMETHYL = "[*]C(=O)OCC(=O)OC(C)(C)C"
CARBOXYMETHYL = "[*]C(=O)OCC(=O)O"
MEDOXOMIL = "[*]C(=O)OCC1=C(C)OC(=O)O1"
PHTHALIDYL = "[*]C(=O)OC1OC(=O)c2ccccc21"
CARBOXY = "[*]C(=O)O"
BOC_AMINO = "[*]NC(=O)OC(C)(C)C"
FORMAMIDO = "[*]NC=O"
TRITYLAMINO = "[*]NC(c1ccccc1)(c1ccccc1)c1ccccc1"


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


# --- the data -------------------------------------------------------------------------

REQUIRED = [
    "hydrogen", "halogen", "amino", "protected amino", "amino protecting group", "carboxy",
    "protected carboxy", "esterified carboxy", "lower alkoxycarbonyloxy(lower)alkoxycarbonyl",
    "lower alkoxycarbonyl(lower)alkoxycarbonyl", "carboxy(lower)alkoxycarbonyl",
    "protected carboxy(lower)alkoxycarbonyl", "lower alkanoyloxy(lower)alkoxycarbonyl",
    "higher alkanoyloxy(lower)alkoxycarbonyl",
    "(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl", "phthalidyloxycarbonyl",
    "protected hydroxy", "CH", "nitrogen", "hydroxy", "lower alkyl", "higher alkyl", "alkyl",
    "alkoxy", "lower alkoxy", "alkanoyl", "lower alkanoyl", "alkanoyloxy", "lower alkanoyloxy",
    "higher alkanoyloxy", "alkoxycarbonyl", "lower alkoxycarbonyl", "alkoxycarbonyloxy",
    "lower alkoxycarbonyloxy",
]


def test_the_claim_terms_are_all_listed(vocab: Vocabulary) -> None:
    assert set(REQUIRED) <= set(vocab.terms())
    assert len(vocab.terms()) == 74


def test_every_listed_term_is_interpretable_under_its_own_label_and_id(vocab: Vocabulary) -> None:
    for entry in vocab.entries():
        assert vocab.interpretable(entry.label), entry.label
        assert vocab.canonical(entry.label) == entry.label
        assert vocab.term_id(entry.label) == entry.id
        assert entry.definition
        for synonym in entry.synonyms:
            assert vocab.canonical(synonym) == entry.label


def test_every_smarts_in_the_data_parses(vocab: Vocabulary) -> None:
    with_smarts = [e for e in vocab.entries() if e.smarts is not None]
    assert len(with_smarts) == 43
    for entry in with_smarts:
        smarts = entry.smarts or ""
        assert Chem.MolFromSmarts(smarts) is not None, entry.id
        if entry.kind != "ring_atom":
            assert smarts.startswith("[#0]"), entry.id


def test_ids_are_unique_camel_case(vocab: Vocabulary) -> None:
    ids = [e.id for e in vocab.entries()]
    assert len(ids) == len(set(ids))
    assert all(i[0].isupper() and i.isalnum() for i in ids)
    assert vocab.term_id("lower alkanoyloxy(lower)alkoxycarbonyl") == "LowerAlkanoyloxyLowerAlkoxycarbonyl"


def test_carbon_limits_are_given_only_where_one_chain_holds_every_carbon(vocab: Vocabulary) -> None:
    limits = {e.label: (e.min_carbons, e.max_carbons) for e in vocab.entries()
              if e.min_carbons is not None}
    assert limits == {
        "lower alkyl": (1, 6), "higher alkyl": (7, 20), "lower alkoxy": (1, 6),
        "lower alkanoyl": (1, 6), "higher alkanoyl": (7, 20),
        "lower alkanoyloxy": (1, 6), "higher alkanoyloxy": (7, 20),
        "lower alkenyl": (1, 6), "lower alkynyl": (1, 6),
    }


# --- hierarchy --------------------------------------------------------------------------

def test_hierarchy(vocab: Vocabulary) -> None:
    assert vocab.ancestors("esterified carboxy") == ("protected carboxy",)
    assert vocab.ancestors("lower alkanoyloxy(lower)alkoxycarbonyl") == (
        "esterified carboxy", "protected carboxy")
    assert vocab.ancestors("lower alkoxycarbonyl(lower)alkoxycarbonyl") == (
        "protected carboxy(lower)alkoxycarbonyl", "esterified carboxy", "protected carboxy")
    assert vocab.ancestors("lower alkoxycarbonyl") == (
        "alkoxycarbonyl", "esterified carboxy", "protected carboxy")
    assert vocab.ancestors("phthalimido") == ("protected amino",)
    assert vocab.ancestors("hydrogen") == ()


def test_derived_terms_get_a_place_in_the_hierarchy(vocab: Vocabulary) -> None:
    assert vocab.ancestors("higher alkoxycarbonyl") == (
        "alkoxycarbonyl", "esterified carboxy", "protected carboxy")
    assert vocab.ancestors("C1-C4 alkyl") == ("alkyl",)
    assert vocab.term_id("lower alkoxy(lower)alkyl") == "LowerAlkoxyLowerAlkyl"
    assert "lower alkoxy(lower)alkyl" not in vocab.terms()


# --- the esters of claim 4 (cefdinir family) ---------------------------------------------

@pytest.mark.parametrize(("term", "fragment", "ok"), [
    ("lower alkanoyloxy(lower)alkoxycarbonyl", PIVALOYLOXYMETHYL, True),
    ("esterified carboxy", PIVALOYLOXYMETHYL, True),
    ("protected carboxy", PIVALOYLOXYMETHYL, True),
    ("higher alkanoyloxy(lower)alkoxycarbonyl", PIVALOYLOXYMETHYL, False),
    ("higher alkanoyloxy(lower)alkoxycarbonyl", PALMITOYLOXYMETHYL, True),
    ("lower alkanoyloxy(lower)alkoxycarbonyl", PALMITOYLOXYMETHYL, False),
    ("lower alkanoyloxy(lower)alkoxycarbonyl", PROPIONYLOXYETHYL, True),
    ("lower alkoxycarbonyloxy(lower)alkoxycarbonyl", ETHOXYCARBONYLOXYETHYL, True),
    ("lower alkanoyloxy(lower)alkoxycarbonyl", ETHOXYCARBONYLOXYETHYL, False),
    ("lower alkoxycarbonyl(lower)alkoxycarbonyl", TBU_OXYCARBONYLMETHYL, True),
    ("protected carboxy(lower)alkoxycarbonyl", TBU_OXYCARBONYLMETHYL, True),
    ("carboxy(lower)alkoxycarbonyl", TBU_OXYCARBONYLMETHYL, False),
    ("carboxy(lower)alkoxycarbonyl", CARBOXYMETHYL, True),
    ("protected carboxy(lower)alkoxycarbonyl", CARBOXYMETHYL, False),
    ("lower alkoxycarbonyl(lower)alkoxycarbonyl", CARBOXYMETHYL, False),
    ("esterified carboxy", CARBOXYMETHYL, True),
    ("(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl", MEDOXOMIL, True),
    ("esterified carboxy", MEDOXOMIL, True),
    ("phthalidyloxycarbonyl", PHTHALIDYL, True),
    ("esterified carboxy", PHTHALIDYL, True),
    ("lower alkoxycarbonyl", "[*]C(=O)OC(C)(C)C", True),
    ("lower alkoxycarbonyl", "[*]C(=O)OCCCCCCC", False),
    ("carboxy", CARBOXY, True),
    ("protected carboxy", CARBOXY, False),
    ("esterified carboxy", CARBOXY, False),
    ("carboxy", PIVALOYLOXYMETHYL, False),
    ("protected carboxy", "[*]C(=O)O[Si](C)(C)C", True),
    ("esterified carboxy", "[*]C(=O)O[Si](C)(C)C", False),
])
def test_carboxy_family(vocab: Vocabulary, term: str, fragment: str, ok: bool) -> None:
    assert vocab.check(term, fragment).ok is ok


def test_pivaloyloxymethyl_reasons_say_why(vocab: Vocabulary) -> None:
    assert vocab.check("lower alkanoyloxy(lower)alkoxycarbonyl", PIVALOYLOXYMETHYL) == TermMatch(
        term="lower alkanoyloxy(lower)alkoxycarbonyl",
        ok=True,
        reasons=(
            "[*]C(=O)OCOC(=O)C(C)(C)C is lower alkanoyloxy(lower)alkoxycarbonyl",
            "alkyl has 1 carbon, lower allows 1 to 6",
            "alkyl carries 1 lower alkanoyloxy",
            "alkanoyl has 5 carbons, lower allows 1 to 6",
        ),
    )


def test_palmitoyl_is_higher_not_lower_with_the_exact_reason(vocab: Vocabulary) -> None:
    result = vocab.check("lower alkanoyloxy(lower)alkoxycarbonyl", PALMITOYLOXYMETHYL,
                         name="hexadecanoyloxymethoxycarbonyl")
    assert result.ok is False
    assert result.reasons[0] == ("hexadecanoyloxymethoxycarbonyl is not lower alkanoyloxy(lower)"
                                 "alkoxycarbonyl: alkanoyl has 16 carbons, lower allows 1 to 6")
    assert result.reasons[1:] == (
        "*C(=O)CCCCCCCCCCCCCCC is not lower alkanoyl",
        "substituent *OC(=O)CCCCCCCCCCCCCCC is not lower alkanoyloxy",
        "*COC(=O)CCCCCCCCCCCCCCC is not lower alkanoyloxy(lower)alkyl",
    )
    assert vocab.check("higher alkanoyloxy(lower)alkoxycarbonyl", PALMITOYLOXYMETHYL).ok


def test_near_misses_name_the_failing_constraint(vocab: Vocabulary) -> None:
    assert vocab.check("lower alkanoyloxy(lower)alkoxycarbonyl", ETHOXYCARBONYLOXYETHYL).reasons[0] == (
        "[*]C(=O)OC(C)OC(=O)OCC is not lower alkanoyloxy(lower)alkoxycarbonyl: "
        "the carbonyl carbon bears [O], not hydrogen or an alkyl chain")
    assert vocab.check("protected carboxy(lower)alkoxycarbonyl", CARBOXYMETHYL).reasons == (
        "[*]C(=O)OCC(=O)O is not protected carboxy(lower)alkoxycarbonyl: "
        "none of esterified carboxy, silyloxycarbonyl matches",
        "substituent *C(=O)O is not protected carboxy",
        "*CC(=O)O is not protected carboxy(lower)alkyl",
    )
    assert vocab.check("protected carboxy", CARBOXY).reasons == (
        "[*]C(=O)O is not protected carboxy: none of esterified carboxy, silyloxycarbonyl matches",)
    assert vocab.check("lower alkoxycarbonyl", "[*]C(=O)OCCCCCCC").reasons[0] == (
        "[*]C(=O)OCCCCCCC is not lower alkoxycarbonyl: alkyl has 7 carbons, lower allows 1 to 6")
    assert vocab.check("carboxy", PIVALOYLOXYMETHYL).reasons[0] == (
        "[*]C(=O)OCOC(=O)C(C)(C)C is not carboxy: not -C(=O)OH")


def test_substituent_count_is_exact(vocab: Vocabulary) -> None:
    # two acyloxy groups on the methylene: not "lower alkanoyloxy(lower)alkoxycarbonyl"
    result = vocab.check("lower alkanoyloxy(lower)alkoxycarbonyl", "[*]C(=O)OC(OC(C)=O)OC(C)=O")
    assert result.reasons[0].endswith("alkyl carries 2 substituents, exactly 1 expected")
    assert vocab.check("halo(lower)alkyl", "[*]CCl").ok
    assert vocab.check("halo(lower)alkyl", "[*]C(F)(F)F").reasons[0] == (
        "[*]C(F)(F)F is not halo(lower)alkyl: alkyl carries 3 substituents, exactly 1 expected")
    assert vocab.check("mono(or di or tri)halo(lower)alkyl", "[*]C(F)(F)F").ok
    assert vocab.check("trihalo(lower)alkyl", "[*]C(F)(F)F").ok
    assert not vocab.check("dihalo(lower)alkyl", "[*]C(F)(F)F").ok


# --- lower / higher ---------------------------------------------------------------------

def test_hexanoyl_is_lower_alkanoyl_heptanoyl_is_not(vocab: Vocabulary) -> None:
    assert vocab.check("lower alkanoyl", "[*]C(=O)CCCCC").ok
    heptanoyl = vocab.check("lower alkanoyl", "[*]C(=O)CCCCCC")
    assert heptanoyl.reasons == (
        "[*]C(=O)CCCCCC is not lower alkanoyl: alkanoyl has 7 carbons, lower allows 1 to 6",)
    assert vocab.check("higher alkanoyl", "[*]C(=O)CCCCCC").ok
    assert vocab.check("lower alkanoyl", "[*]C=O").ok          # formyl, 1 carbon
    assert vocab.check("lower alkanoyl", "[*]C(=O)C(C)(C)C").ok  # pivaloyl, 5 carbons


def test_alkanoyl_is_not_any_acyl(vocab: Vocabulary) -> None:
    assert not vocab.check("alkanoyl", "[*]C(=O)c1ccccc1").ok       # benzoyl
    assert not vocab.check("alkanoyl", "[*]C(=O)C1CC1").ok          # cyclopropanecarbonyl
    assert not vocab.check("alkanoyl", "[*]C(=O)CCl").ok            # chloroacetyl is substituted
    assert vocab.check("aroyl", "[*]C(=O)c1ccccc1").ok


def test_alkyl_is_acyclic_and_saturated(vocab: Vocabulary) -> None:
    assert vocab.check("lower alkyl", "[*]C(C)C").ok
    assert vocab.check("lower alkyl", "[*]C1CC1").reasons == (
        "[*]C1CC1 is not lower alkyl: the attachment atom [CH] is not a saturated acyclic carbon",)
    assert vocab.check("lower alkyl", "[*]CC=C").reasons[0] == (
        "[*]CC=C is not lower alkyl: alkyl carries a substituent (*C=C)")
    assert vocab.check("higher alkyl", "[*]CCCCCCCCCCCCCCCC").ok


def test_conventions_can_be_overridden_per_patent() -> None:
    narrow = Vocabulary.load(conventions={"lower": (1, 4)})
    assert narrow.conventions == {"lower": (1, 4), "higher": (7, 20)}
    assert narrow.check("lower alkanoyl", "[*]C(=O)CCCCC").reasons == (
        "[*]C(=O)CCCCC is not lower alkanoyl: alkanoyl has 6 carbons, lower allows 1 to 4",)
    assert narrow.check("lower alkanoyl", "[*]C(=O)CCC").ok
    assert not narrow.check("lower alkanoyloxy(lower)alkoxycarbonyl", "[*]C(=O)OCCCCCOC(C)=O").ok
    assert Vocabulary.load().check("lower alkanoyloxy(lower)alkoxycarbonyl", "[*]C(=O)OCCCCCOC(C)=O").ok


@pytest.mark.parametrize("bad", [{"lower": (6, 1)}, {"Lower": (1, 6)}, {"lower": (-1, 6)}])
def test_bad_conventions_are_refused(bad: dict[str, tuple[int, int]]) -> None:
    with pytest.raises(ValueError):
        Vocabulary.load(conventions=bad)


def test_explicit_carbon_ranges(vocab: Vocabulary) -> None:
    assert vocab.canonical("C1-4 alkyl") == "c1-c4 alkyl"
    assert vocab.check("C1-C4 alkyl", "[*]CCCC").ok
    assert vocab.check("C1-C4 alkyl", "[*]CCCCC").reasons == (
        "[*]CCCCC is not c1-c4 alkyl: alkyl has 5 carbons, C1-C4 allows 1 to 4",)
    assert not vocab.interpretable("C4-C1 alkyl")


# --- amino, hydroxy, halogen, hydrogen ------------------------------------------------

@pytest.mark.parametrize(("term", "fragment", "ok"), [
    ("amino", "[*]N", True),
    ("amino", FORMAMIDO, False),
    ("protected amino", BOC_AMINO, True),
    ("protected amino", FORMAMIDO, True),
    ("protected amino", TRITYLAMINO, True),
    ("protected amino", "[*]NC(C)=O", True),                 # acetamido
    ("protected amino", "[*]NC(=O)CCl", True),               # chloroacetamido
    ("protected amino", "[*]NC(=O)C(F)(F)F", True),          # trifluoroacetamido
    ("protected amino", "[*]NC(=O)OCc1ccccc1", True),        # Cbz
    ("protected amino", "[*]NCc1ccccc1", True),              # benzylamino
    ("protected amino", "[*]N(C(=O)OC(C)(C)C)C(=O)OC(C)(C)C", True),  # di-Boc
    ("protected amino", "[*]N1C(=O)c2ccccc2C1=O", True),     # phthalimido
    ("protected amino", "[*]NC(=O)OCC1c2ccccc2-c2ccccc21", True),  # Fmoc
    ("protected amino", "[*]N", False),
    ("protected amino", "[*]NC", False),                     # methylamino: no protection
    ("protected amino", "[*]OC(C)=O", False),
    ("amino protecting group", "[*]C(=O)OC(C)(C)C", True),   # Z = Boc, the group itself
    ("amino protecting group", "[*]C(c1ccccc1)(c1ccccc1)c1ccccc1", True),
    ("amino protecting group", "[*]C=O", True),
    ("amino protecting group", "[*]S(=O)(=O)c1ccc(C)cc1", True),  # tosyl
    ("amino protecting group", "[*]C", False),
    ("hydroxy", "[*]O", True),
    ("hydroxy", "[*]OC", False),
    ("protected hydroxy", "[*]OC(C)=O", True),               # acetoxy
    ("protected hydroxy", "[*]O[Si](C)(C)C(C)(C)C", True),   # TBS
    ("protected hydroxy", "[*]OC1CCCCO1", True),             # THP
    ("protected hydroxy", "[*]OC(c1ccccc1)(c1ccccc1)c1ccccc1", True),  # trityloxy
    ("protected hydroxy", "[*]OCOC", True),                  # methoxymethoxy
    ("protected hydroxy", "[*]OCOCCOC", True),               # MEM
    ("protected hydroxy", "[*]O", False),
    ("protected hydroxy", "[*]OC", False),                   # methyl ether is not counted
    ("halogen", "[*]F", True),
    ("halogen", "[*]Cl", True),
    ("halogen", "[*]Br", True),
    ("halogen", "[*]I", True),
    ("halogen", "[*]C", False),
    ("hydrogen", "[*][H]", True),
    ("hydrogen", "[*]Cl", False),
    ("halogen", "[*][H]", False),
])
def test_heteroatom_groups(vocab: Vocabulary, term: str, fragment: str, ok: bool) -> None:
    assert vocab.check(term, fragment).ok is ok


def test_protected_amino_reasons(vocab: Vocabulary) -> None:
    assert vocab.check("protected amino", BOC_AMINO).reasons == (
        "[*]NC(=O)OC(C)(C)C is protected amino",
        "the nitrogen carries *C(=O)OC(C)(C)C",
        "is alkoxycarbonyl",
        "alkyl has 4 carbons",
    )
    assert vocab.check("protected amino", "[*]N").reasons == (
        "[*]N is not protected amino: the nitrogen carries no protecting group",)
    assert vocab.check("hydrogen", "[*]Cl").reasons == (
        "[*]Cl is not hydrogen: the attachment carries Cl, not hydrogen",)


# --- ring atoms ------------------------------------------------------------------------

def test_ring_atoms_of_thiazole_and_thiadiazole(vocab: Vocabulary) -> None:
    thiazole = Chem.MolFromSmiles("Nc1nc(C)cs1")        # 2-aminothiazol-4-yl: Y = CH
    thiadiazole = Chem.MolFromSmiles("Nc1nc(C)ns1")     # 5-amino-1,2,4-thiadiazol-3-yl: Y = N
    y_ch, y_n = thiazole.GetAtomWithIdx(5), thiadiazole.GetAtomWithIdx(5)
    assert vocab.check_atom("CH", y_ch) == TermMatch(
        "CH", True, ("[cH] is CH", "is a carbon bearing one hydrogen"))
    assert vocab.check_atom("nitrogen", y_n).ok
    assert vocab.check_atom("CH", y_n).reasons == ("[n] is not CH: not a carbon bearing one hydrogen",)
    assert not vocab.check_atom("nitrogen", y_ch).ok
    assert vocab.check_atom("N", y_n).term == "nitrogen"


def test_ring_atoms_as_one_atom_smiles(vocab: Vocabulary) -> None:
    assert vocab.check("CH", "[cH]").ok
    assert vocab.check("CH", "c").ok
    assert vocab.check("nitrogen", "n").ok
    assert vocab.check("nitrogen", "[n]").ok
    assert not vocab.check("nitrogen", "[nH]").ok
    assert not vocab.check("CH", "n").ok
    with pytest.raises(InvalidFragment):
        vocab.check("CH", "[*]c")


def test_check_atom_refuses_group_terms(vocab: Vocabulary) -> None:
    atom = Chem.MolFromSmiles("CCl").GetAtomWithIdx(1)
    assert vocab.check_atom("halogen", atom) == TermMatch(
        "halogen", False, ("'halogen' is not a ring-atom term; check it on a fragment",))


# --- spelling, uninterpretable terms, OCR repair ----------------------------------------

@pytest.mark.parametrize(("spelling", "label"), [
    ("(5-lower alkyl-2-oxo-1,3-dioxol-4-yl) (lower)-alkoxycarbonyl",
     "(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl"),
    ("protected carboxy(lower)- alkoxycarbonyl", "protected carboxy(lower)alkoxycarbonyl"),
    ("Lower Alkanoyloxy (lower) alkoxycarbonyl group", "lower alkanoyloxy(lower)alkoxycarbonyl"),
    ("a protected amino group", "protected amino"),
    ("esterified carboxy group", "esterified carboxy"),
    ("amino-protecting group", "amino protecting group"),
    ("phthalid-3-yloxycarbonyl", "phthalidyloxycarbonyl"),
    ("halogen atom", "halogen"),
    ("N", "nitrogen"),
    ("ch", "CH"),
    ("lower alkoxy(lower)alkoxy(lower)alkyl", "lower alkoxy(lower)alkoxy(lower)alkyl"),
])
def test_spelling_variants_are_canonicalised(vocab: Vocabulary, spelling: str, label: str) -> None:
    assert vocab.canonical(spelling) == label


def test_spelling_variant_is_checked_like_the_canonical_term(vocab: Vocabulary) -> None:
    result = vocab.check("(5-lower alkyl-2-oxo-1,3-dioxol-4-yl) (lower)-alkoxycarbonyl", MEDOXOMIL)
    assert result.term == "(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl"
    assert result.ok


@pytest.mark.parametrize("term", ["xyz", "phthalidylloxycarbonyl", "lower lower alkyl",
                                  "lower halogen", "xyz(lower)alkoxycarbonyl", "carboxy-protective"])
def test_uninterpretable_terms_are_reported_never_matched(vocab: Vocabulary, term: str) -> None:
    assert not vocab.interpretable(term)
    assert vocab.canonical(term) is None
    assert vocab.check(term, "[*]C") == TermMatch(
        term, False, (f"'{term}' is not a term cephkg can interpret",))
    with pytest.raises(UninterpretableTerm):
        vocab.term_id(term)
    with pytest.raises(UninterpretableTerm):
        vocab.ancestors(term)
    assert issubclass(UninterpretableTerm, CephkgError)


def test_closest_repairs_ocr_typos_only_when_unique(vocab: Vocabulary) -> None:
    assert vocab.closest("phthalidylloxycarbonyl") == "phthalidyloxycarbonyl"
    assert vocab.closest("esterifled carboxy") == "esterified carboxy"
    assert vocab.closest("protected amino") == "protected amino"
    assert vocab.closest("protected arnino") == "protected amino"
    assert vocab.closest("protected am") is None        # too far
    assert vocab.closest("nh") is None                  # too short to repair safely
    assert vocab.closest("phthalidylloxycarbonyl", max_distance=0) is None


# --- fragments ---------------------------------------------------------------------------

@pytest.mark.parametrize("fragment", ["[*]", "[*]C[*]", "CC", "[*]C.CC", "C((("])
def test_malformed_fragments_raise(vocab: Vocabulary, fragment: str) -> None:
    with pytest.raises(InvalidFragment):
        vocab.check("alkyl", fragment)
    assert issubclass(InvalidFragment, ResolutionError)


def test_a_doubly_bonded_group_is_a_fragment_but_no_alkyl(vocab: Vocabulary) -> None:
    assert vocab.check("alkyl", "[*]=C").reasons == (
        "[*]=C is not alkyl: alkyl must be singly bonded to the attachment",)


def test_fragments_may_be_molecules(vocab: Vocabulary) -> None:
    mol = Chem.MolFromSmiles(PIVALOYLOXYMETHYL)
    result = vocab.check("lower alkanoyloxy(lower)alkoxycarbonyl", mol)
    assert result.ok
    assert result.reasons[0] == "*C(=O)OCOC(=O)C(C)(C)C is lower alkanoyloxy(lower)alkoxycarbonyl"


def test_explicit_hydrogens_are_not_substituents(vocab: Vocabulary) -> None:
    mol = Chem.AddHs(Chem.MolFromSmiles(PROPIONYLOXYETHYL))
    assert vocab.check("lower alkanoyloxy(lower)alkoxycarbonyl", mol).ok
    assert vocab.check("lower alkyl", "[*]C([H])([H])[H]").ok
    assert vocab.check("hydrogen", Chem.MolFromSmiles("[H][*]")).ok


def test_the_dummy_may_be_anywhere_in_the_smiles(vocab: Vocabulary) -> None:
    assert vocab.check("lower alkanoyloxy(lower)alkoxycarbonyl", "CC(C)(C)C(=O)OCOC([*])=O").ok
    assert vocab.check("carboxy", "OC(=O)[1*]").ok


# --- soundness of the data ---------------------------------------------------------------

EXAMPLES = [
    PIVALOYLOXYMETHYL, PALMITOYLOXYMETHYL, PROPIONYLOXYETHYL, ETHOXYCARBONYLOXYETHYL,
    TBU_OXYCARBONYLMETHYL, CARBOXYMETHYL, MEDOXOMIL, PHTHALIDYL, CARBOXY, BOC_AMINO, FORMAMIDO,
    TRITYLAMINO, "[*]N", "[*]O", "[*]Cl", "[*][H]", "[*]C", "[*]CCCCCCCCCC", "[*]OC", "[*]OC(C)=O",
    "[*]OC(=O)CCCCCCCCCCCCCCC", "[*]OC(=O)OCC", "[*]C=O", "[*]C(=O)CCCCCCC", "[*]C(=O)OC(C)(C)C",
    "[*]C(=O)OCC=C", "[*]C(=O)O[Si](C)(C)C", "[*]N1C(=O)c2ccccc2C1=O", "[*]O[Si](C)(C)C",
    "[*]OC1CCCCO1", "[*]c1ccccc1", "[*]C(=O)c1ccccc1", "[*]NC(=O)OCC1c2ccccc2-c2ccccc21",
]


def test_every_match_is_also_a_match_of_all_ancestors(vocab: Vocabulary) -> None:
    ring_terms = {"CH", "nitrogen"} | {label for label in vocab.terms() if vocab.is_ring_atom(label)}
    matched = 0
    for fragment in EXAMPLES:
        for label in vocab.terms():
            if label in ring_terms or not vocab.check(label, fragment).ok:
                continue
            matched += 1
            for ancestor in vocab.ancestors(label):
                assert vocab.check(ancestor, fragment).ok, (fragment, label, ancestor)
    assert matched > len(EXAMPLES)


def test_disjoint_classes_never_share_a_fragment(vocab: Vocabulary) -> None:
    for group in vocab.disjoint_sets():
        if "CH" in group:
            continue
        for fragment in EXAMPLES:
            hits = [label for label in group if vocab.check(label, fragment).ok]
            assert len(hits) <= 1, (fragment, hits)


# --- the OWL export ----------------------------------------------------------------------

def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_substituent_ontology", ROOT / "scripts" / "gen_substituent_ontology.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_checked_in_ontology_is_what_the_script_generates_now(vocab: Vocabulary) -> None:
    generated = _generator().render(vocab)
    checked_in = (ROOT / "ontology" / "substituents.ttl").read_text(encoding="utf-8")
    assert checked_in == generated, "run: python scripts/gen_substituent_ontology.py"


def test_ontology_content(vocab: Vocabulary) -> None:
    graph = rdflib.Graph().parse(ROOT / "ontology" / "substituents.ttl", format="turtle")
    assert (rdflib.URIRef("https://w3id.org/cephkg/ontology/substituents"), RDF.type,
            OWL.Ontology) in graph
    classes = set(graph.subjects(RDF.type, OWL.Class))
    assert classes == {CEPH[e.id] for e in vocab.entries()}
    for entry in vocab.entries():
        assert graph.value(CEPH[entry.id], RDFS.label) == rdflib.Literal(entry.label, lang="en")
        assert graph.value(CEPH[entry.id], SKOS.definition) is not None
    # every class reaches the root
    for cls in classes:
        reached = set(graph.transitive_objects(cls, RDFS.subClassOf))
        assert CEPH.SubstituentClass in reached, cls
    assert (CEPH.LowerAlkanoyloxyLowerAlkoxycarbonyl, RDFS.subClassOf, CEPH.EsterifiedCarboxy) in graph
    assert (CEPH.EsterifiedCarboxy, RDFS.subClassOf, CEPH.ProtectedCarboxy) in graph
    assert (CEPH.Hydrogen, OWL.disjointWith, CEPH.Halogen) in graph
    assert (CEPH.Amino, OWL.disjointWith, CEPH.Carboxy) in graph
    assert (CEPH.CH, OWL.disjointWith, CEPH.Nitrogen) in graph
    assert graph.value(CEPH.Halogen, CEPH.smarts) == rdflib.Literal("[F,Cl,Br,I]")
    assert graph.value(CEPH.LowerAlkyl, CEPH.minCarbons) == rdflib.Literal(1)
    assert graph.value(CEPH.LowerAlkyl, CEPH.maxCarbons) == rdflib.Literal(6)
    assert graph.value(CEPH.HigherAlkanoyloxy, CEPH.minCarbons) == rdflib.Literal(7)
    assert (CEPH.ProtectedAmino, SKOS.altLabel, rdflib.Literal("protected amine", lang="en")) in graph
