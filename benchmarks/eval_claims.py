"""Score the claim reader on the real claim sets; prints the Markdown of BENCHMARKS.md's section.

Usage: python benchmarks/eval_claims.py [--misses]

Scores tests/data/real-claims (the development set: every rule is checked on it) and
tests/data/real-claims-held-out (never looked at while writing rules), field by field, as
``cephkg eval-claims`` does (cephkg.reading.evaluate says how each field is compared).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cephkg import parse_file
from cephkg.reading.evaluate import report, score_corpus

ROOT = Path(__file__).resolve().parents[1]
SETS = (("development set", ROOT / "tests" / "data" / "real-claims"),
        ("held-out set", ROOT / "tests" / "data" / "real-claims-held-out"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--misses", action="store_true", help="also list every field read wrongly")
    args = parser.parse_args()
    for title, folder in SETS:
        scores = score_corpus(folder, lambda p: parse_file(p).to_dict())
        print(report(scores, title))
        if args.misses:
            for s in scores:
                for m in s.misses:
                    print(f"- {s.name}: {m}")
        print()


if __name__ == "__main__":
    main()
