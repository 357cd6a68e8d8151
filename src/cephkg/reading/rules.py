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
    strong_headers: tuple[str, ...]
    claims_end: re.Pattern[str]
    placeholders: tuple[str, ...]
    trailing_marks: tuple[str, ...]
    number_keepers: tuple[str, ...]
    morpheme_endings: tuple[str, ...]
    name_fixes: tuple[tuple[str, str, str], ...]
    list_prefix: re.Pattern[str]
    list_share: float
    publication_statements: tuple[tuple[re.Pattern[str], str | None], ...]
    dot_codes: re.Pattern[str]
    dot_code_values: dict[str, str]
    unicode_folds: dict[str, str]
    notations: tuple[tuple[re.Pattern[str], str], ...]


@cache
def text_rules() -> TextRules:
    data: dict[str, Any] = load_data("text_rules.toml")
    codes: dict[str, str] = dict(data["dot_codes"])
    return TextRules(
        headers=tuple(data["headers"]),
        strong_headers=tuple(data["strong_headers"]),
        claims_end=re.compile(_any(data["claims_end"]), re.M),
        placeholders=tuple(data["placeholders"]),
        trailing_marks=tuple(data["trailing_marks"]),
        number_keepers=tuple(data["number_keepers"]),
        morpheme_endings=tuple(sorted(data["complete_morpheme_endings"], key=len, reverse=True)),
        name_fixes=tuple((f["pattern"], f["replacement"], f["why"]) for f in data["name_fixes"]),
        list_prefix=re.compile(data["list_layout"]["prefix"]),
        list_share=float(data["list_layout"]["share"]),
        publication_statements=tuple((re.compile(s["pattern"]), s.get("country"))
                                     for s in data["publication_statements"]),
        dot_codes=re.compile("|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))),
        dot_code_values=codes,
        unicode_folds=dict(data["unicode_folds"]),
        notations=tuple((re.compile(n["pattern"]), n["replacement"]) for n in data["notations"]),
    )


@dataclass(frozen=True, slots=True)
class ClaimRules:
    claims_header: re.Pattern[str]
    strong_header: re.Pattern[str]
    strong_header_words: re.Pattern[str]
    quoted_claim: re.Pattern[str]
    quoted_claim_end: re.Pattern[str]
    claim_number_line: re.Pattern[str]
    claim_opener: re.Pattern[str]
    inline_claim_number: re.Pattern[str]
    variable: str
    numeric_definition: re.Pattern[str]
    categories: tuple[tuple[str, re.Pattern[str]], ...]
    citation: re.Pattern[str]
    citation_tokens: re.Pattern[str]
    range_words: frozenset[str]
    all_preceding: re.Pattern[str]
    definition: re.Pattern[str]
    inherited: re.Pattern[str]
    definition_ends: re.Pattern[str]
    value_lead: re.Pattern[str]
    value_formula: re.Pattern[str]
    value_lead_and: re.Pattern[str]
    redefinition_lead: re.Pattern[str]
    condition_lead: re.Pattern[str]
    alternative_separators: re.Pattern[str]
    final_separator: re.Pattern[str]
    alternative_joiners: re.Pattern[str]
    qualifiers: re.Pattern[str]
    proviso_opener: re.Pattern[str]
    proviso_when: re.Pattern[str]
    proviso_then_when: re.Pattern[str]
    condition: re.Pattern[str]
    condition_variable: re.Pattern[str]
    joint_definition: re.Pattern[str]
    numeric_range: re.Pattern[str]
    numeric_list: re.Pattern[str]
    salt_type_list: re.Pattern[str]
    salt_type_form: re.Pattern[str]
    salt_type: re.Pattern[str]
    cut_words: re.Pattern[str]
    species_subject: re.Pattern[str]
    group_suffix: re.Pattern[str]
    group_kept_after: tuple[str, ...]
    leading: re.Pattern[str]
    term_normalisations: tuple[tuple[re.Pattern[str], str], ...]
    salts_clause: re.Pattern[str]
    isomers: tuple[tuple[str, re.Pattern[str]], ...]
    species_openers: tuple[tuple[re.Pattern[str], frozenset[str], bool], ...]
    species_list_openers: re.Pattern[str]
    species_list_separators: re.Pattern[str]
    species_ends: re.Pattern[str]
    salt_form: re.Pattern[str]
    steps_opener: re.Pattern[str]
    steps_opener_strong: re.Pattern[str]
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
        strong_header=re.compile(rf"(?im)(?P<h>(?:{'|'.join(text.strong_headers)}))[ \t]*:[ \t]*$"),
        strong_header_words=re.compile(_any(list(text.strong_headers)), _I),
        quoted_claim=re.compile(d["quoted_claim"]),
        quoted_claim_end=re.compile(d["quoted_claim_end"]),
        claim_number_line=re.compile(d["claim_number_line"]),
        claim_opener=re.compile(rf"(?:{openers})\b"),
        inline_claim_number=re.compile(rf"(?<=[.;:])[ \t]+(?P<num>\d{{1,6}})\.[ \t]+(?=(?:{openers})\b)"),
        variable=var,
        numeric_definition=re.compile(d["numeric_definition"]),
        categories=tuple((c["category"], re.compile(c["preamble"], _I)) for c in d["categories"]),
        citation=re.compile(d["citation"], _I),
        citation_tokens=re.compile(r"\d+|" + "|".join(map(re.escape, d["citation_range_words"]))),
        range_words=frozenset(d["citation_range_words"]),
        all_preceding=re.compile(d["all_preceding"], _I),
        definition=re.compile(
            rf"(?<![\w\-\[(*'])(?<!formula )(?<!formulae )(?:\beach\s+)?"
            rf"(?P<vars>{var}(?:\s*(?:,|and)\s*{var})*)"
            rf"(?P<shared>\s*,?\s*(?i:{d['definition_shared']})\s*,?)?"
            rf"(?:\s+(?i:{d['definition_modifiers']}))*\s+(?i:{d['definition_verbs']})"
            rf"(?:\s+(?i:{d['definition_modifiers']}))*\s+"),
        inherited=re.compile(d["inherited"], _I),
        definition_ends=re.compile(_any([*d["definition_ends"], rf",?\s*{d['salts_clause']}",
                                         rf"[,;:]?\s*{d['proviso_opener']}"]), _I),
        value_lead=re.compile(d["value_lead"], _I),
        value_formula=re.compile(d["value_formula"], _I),
        value_lead_and=re.compile(d["value_lead_and"], _I),
        redefinition_lead=re.compile(d["redefinition_lead"], _I),
        condition_lead=re.compile(d["condition_lead"], _I),
        alternative_separators=re.compile(d["alternative_separators"], _I),
        final_separator=re.compile(d["final_separator"], _I),
        alternative_joiners=re.compile(d["alternative_joiners"], _I),
        qualifiers=re.compile(d["qualifiers"], _I),
        proviso_opener=re.compile(d["proviso_opener"], _I),
        proviso_when=re.compile(d["proviso_when"], _I),
        proviso_then_when=re.compile(d["proviso_then_when"], _I),
        condition=re.compile(d["condition"].replace("VAR", f"(?-i:{var}|[a-z](?![\\w'\"°]))"), _I),
        condition_variable=re.compile(f"{var}|(?<![\\w-])[a-z](?![\\w'\"°])"),
        joint_definition=re.compile(d["joint_definition"].replace("VAR", f"(?-i:{var})"), _I),
        numeric_range=re.compile(d["numeric_range"], _I),
        numeric_list=re.compile(d["numeric_list"], _I),
        salt_type_list=re.compile(d["salt_type_list"], _I),
        salt_type_form=re.compile(d["salt_type_form"], _I),
        salt_type=re.compile(d["salt_type"], _I),
        cut_words=re.compile(d["cut_words"], _I),
        species_subject=re.compile(d["species_subject"], _I),
        group_suffix=re.compile(d["term_group_suffix"], _I),
        group_kept_after=tuple(d["term_group_kept_after"]),
        leading=re.compile(d["term_leading"], _I),
        term_normalisations=tuple((re.compile(n["pattern"]), n["replacement"])
                                  for n in d["term_normalisations"]),
        salts_clause=re.compile(d["salts_clause"], _I),
        isomers=tuple((name, re.compile(_any(pats), _I)) for name, pats in d["isomers"].items()),
        species_openers=tuple((re.compile(o["pattern"], _I), frozenset(o["categories"]), bool(o.get("subject")))
                              for o in d["species_openers"]),
        species_list_openers=re.compile(d["species_list_openers"], _I),
        species_list_separators=re.compile(d["species_list_separators"]),
        species_ends=re.compile(_any(d["species_name_ends"]), _I),
        salt_form=re.compile(d["salt_form"], _I),
        steps_opener=re.compile(d["steps_openers"], _I),
        steps_opener_strong=re.compile(d["steps_openers_strong"], _I),
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
