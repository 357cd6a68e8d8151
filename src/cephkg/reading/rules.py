"""The reading rules, compiled from ``data/text_rules.toml`` and ``data/claim_rules.toml``.

The files are validated against their schemas when loaded (a misspelt key or a broken
regular expression is a :class:`~cephkg.errors.DataFileError` naming the file and key);
here they become compiled patterns, once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..resources import load_data

__all__ = ["ClaimRules", "TextRules", "claim_rules", "text_rules"]

_I = re.IGNORECASE


def _any(items: list[str]) -> str:
    return "|".join(f"(?:{x})" for x in items)


@dataclass(frozen=True, slots=True)
class TextRules:
    headers: tuple[str, ...]
    placeholders: tuple[str, ...]
    trailing_marks: tuple[str, ...]
    number_keepers: tuple[str, ...]
    morpheme_endings: tuple[str, ...]
    name_fixes: tuple[tuple[str, str, str], ...]


@cache
def text_rules() -> TextRules:
    data: dict[str, Any] = load_data("text_rules.toml")
    return TextRules(
        headers=tuple(data["headers"]),
        placeholders=tuple(data["placeholders"]),
        trailing_marks=tuple(data["trailing_marks"]),
        number_keepers=tuple(data["number_keepers"]),
        morpheme_endings=tuple(sorted(data["complete_morpheme_endings"], key=len, reverse=True)),
        name_fixes=tuple((f["pattern"], f["replacement"], f["why"]) for f in data["name_fixes"]),
    )


@dataclass(frozen=True, slots=True)
class ClaimRules:
    claims_header: re.Pattern[str]
    claim_number_line: re.Pattern[str]
    claim_opener: re.Pattern[str]
    inline_claim_number: re.Pattern[str]
    variable: str
    categories: tuple[tuple[str, re.Pattern[str]], ...]
    citation: re.Pattern[str]
    citation_tokens: re.Pattern[str]
    range_words: frozenset[str]
    all_preceding: re.Pattern[str]
    definition: re.Pattern[str]
    inherited: re.Pattern[str]
    definition_ends: re.Pattern[str]
    alternative_separators: re.Pattern[str]
    group_suffix: re.Pattern[str]
    group_kept_after: tuple[str, ...]
    leading: re.Pattern[str]
    term_normalisations: tuple[tuple[re.Pattern[str], str], ...]
    salts_clause: re.Pattern[str]
    isomers: tuple[tuple[str, re.Pattern[str]], ...]
    species_openers: tuple[re.Pattern[str], ...]
    species_list_openers: re.Pattern[str]
    species_list_separators: re.Pattern[str]
    species_ends: re.Pattern[str]
    salt_form: re.Pattern[str]
    steps_opener: re.Pattern[str]
    step_start: re.Pattern[str]
    step_marker: re.Pattern[str]
    step_boundary: re.Pattern[str]
    product_cues: re.Pattern[str]
    verb_cues: dict[str, re.Pattern[str]]
    agents: dict[str, re.Pattern[str]]
    catalysts: re.Pattern[str]
    solvents: re.Pattern[str]
    formula: re.Pattern[str]
    formula_description: re.Pattern[str]
    formula_description_drop: re.Pattern[str]
    placeholder: re.Pattern[str]
    chirality: re.Pattern[str]


@cache
def claim_rules() -> ClaimRules:
    d: dict[str, Any] = load_data("claim_rules.toml")
    verbs = "|".join(d["step_verbs"])
    prefixes = "|".join(d["step_verb_prefixes"])
    openers = "|".join(d["claim_openers"])
    var = d["variable"]
    text = text_rules()
    return ClaimRules(
        claims_header=re.compile(rf"(?im)^[ \t]*(?P<h>(?:{'|'.join(text.headers)}))[ \t]*:?[ \t]*$"),
        claim_number_line=re.compile(d["claim_number_line"]),
        claim_opener=re.compile(rf"(?:{openers})\b"),
        inline_claim_number=re.compile(rf"(?<=[.;:])[ \t]+(?P<num>\d{{1,3}})\.[ \t]+(?=(?:{openers})\b)"),
        variable=var,
        categories=tuple((c["category"], re.compile(c["preamble"], _I)) for c in d["categories"]),
        citation=re.compile(d["citation"], _I),
        citation_tokens=re.compile(r"\d+|" + "|".join(map(re.escape, d["citation_range_words"]))),
        range_words=frozenset(d["citation_range_words"]),
        all_preceding=re.compile(d["all_preceding"], _I),
        definition=re.compile(
            rf"(?<![\w\-\[(*])(?<!formula )(?<!formulae )"
            rf"(?P<vars>{var}(?:\s*(?:,|and)\s*{var})*)\s+{d['definition_verbs']}\s+"),
        inherited=re.compile(d["inherited"], _I),
        definition_ends=re.compile(_any(d["definition_ends"]), _I),
        alternative_separators=re.compile(d["alternative_separators"]),
        group_suffix=re.compile(d["term_group_suffix"], _I),
        group_kept_after=tuple(d["term_group_kept_after"]),
        leading=re.compile(d["term_leading"], _I),
        term_normalisations=tuple((re.compile(n["pattern"]), n["replacement"])
                                  for n in d["term_normalisations"]),
        salts_clause=re.compile(d["salts_clause"], _I),
        isomers=tuple((name, re.compile(_any(pats), _I)) for name, pats in d["isomers"].items()),
        species_openers=tuple(re.compile(p, _I) for p in d["species_openers"]),
        species_list_openers=re.compile(d["species_list_openers"], _I),
        species_list_separators=re.compile(d["species_list_separators"]),
        species_ends=re.compile(_any(d["species_name_ends"]), _I),
        salt_form=re.compile(d["salt_form"], _I),
        steps_opener=re.compile(d["steps_openers"], _I),
        step_start=re.compile(rf"\b(?P<verb>(?:(?:{prefixes})\s+)?(?:{verbs}))\b", _I),
        step_marker=re.compile(d["step_marker"]),
        step_boundary=re.compile(d["step_boundary"]),
        product_cues=re.compile(rf"\b(?:{_any(d['product_cues'])})\b", _I),
        verb_cues={verb: re.compile(rf"\b(?:{_any(cues)})\b", _I)
                   for verb, cues in d["verb_product_cues"].items()},
        agents={name: re.compile(p, _I) for name, p in d["agents"].items()},
        catalysts=re.compile(rf"\b(?:{_any(d['catalysts'])})\b", _I),
        solvents=re.compile(rf"^(?:{_any(d['solvents'])})$", _I),
        formula=re.compile(d["formula_mention"]),
        formula_description=re.compile(d["formula_description"], _I),
        formula_description_drop=re.compile(d["formula_description_drop"], _I),
        placeholder=re.compile("|".join(text.placeholders), _I),
        chirality=re.compile(d["chirality_note"], _I),
    )
