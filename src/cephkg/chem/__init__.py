"""Stage 3, chemistry: names → structures, generic structures, group terms, coverage, reactions.

``names`` resolves species names with OPSIN (one JVM per build, cached); ``standardise``
splits salts and neutralises; ``compounds`` turns a patent's species into compound
records; ``structures`` reads curated generic structures (sidecars); ``inference`` infers
the others from the named compounds; ``drawn`` reads molfiles and CXSMILES; ``substituents``
gives group terms a machine meaning; ``coverage`` decides which claims cover a compound;
``chemistry`` gathers one patent's chemistry for the graph; ``reactions`` models process
claims as reactions; ``terms`` repairs group terms for the reading stage.
"""

from __future__ import annotations

from .chemistry import AlternativeClass, CoverageLink, PatentChemistry, patent_chemistry
from .compounds import CompoundRecord, SpeciesResolution, resolve_species
from .coverage import CoverageResult, PatentScope, Verdict, covers
from .guard import route_rdkit_log
from .inference import InferenceOutcome, scope_for
from .terms import term_repairer

route_rdkit_log()  # RDKit speaks through Python logging, never in the middle of cephkg's output

__all__ = ["AlternativeClass", "CompoundRecord", "CoverageLink", "CoverageResult", "InferenceOutcome", "PatentChemistry",
           "PatentScope", "SpeciesResolution", "Verdict", "covers", "patent_chemistry", "resolve_species",
           "scope_for", "term_repairer"]
