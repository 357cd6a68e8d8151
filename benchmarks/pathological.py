"""Time the reader on hostile inputs: each must finish in seconds (limits in cephkg.reading.limits).

Usage: python benchmarks/pathological.py

The shapes of the reliability issue: claim k citing "any one of claims 1 to k-1" (1,000
claims), a 5,000-claim dependency chain, 1 MB of claims on a single line, one claim of 1 MB
(a definition with 100,000 alternatives), and a claim numbered with 20 digits. Prints a
Markdown table (seconds, claims read, peak memory of the process so far).
"""

from __future__ import annotations

import resource
import time

from cephkg.errors import CephkgError
from cephkg.reading import read_text

FIRST = ("1. A compound of the formula:\n\n\nwherein R1 is amino or a protected amino group, and R2 is carboxy "
         "or a protected carboxy group, or a pharmaceutically acceptable salt thereof.\n")
TERMS = ["R1 is amino", "R2 is esterified carboxy", "R2 is lower alkoxycarbonyl",
         "R2 is lower alkanoyloxy(lower)alkoxycarbonyl", "R1 is a protected amino group"]


def any_one_of(k: int) -> str:
    lines = ["What is claimed is:", "", FIRST]
    for i in range(2, k + 1):
        cite = "claim 1" if i == 2 else f"any one of claims 1 to {i - 1}"
        lines.append(f"{i}. A compound according to {cite}, wherein {TERMS[i % len(TERMS)]}.\n")
    return "\n".join(lines)


def chain(k: int) -> str:
    lines = ["What is claimed is:", "", FIRST]
    lines += [f"{i}. A compound of claim {i - 1}, wherein {TERMS[i % len(TERMS)]}.\n" for i in range(2, k + 1)]
    return "\n".join(lines)


def single_line(size: int) -> str:
    parts, k, total = [], 1, 0
    while total < size:
        text = (f"{k}. A compound according to claim {k - 1}, wherein R1 is amino or a protected amino group, "
                f"and R2 is lower alkanoyloxy(lower)alkoxycarbonyl, lower alkoxycarbonyloxy(lower)alkoxycarbonyl or "
                f"(5-lower alkyl-2-oxo-1,3-dioxol-4-yl)(lower)alkoxycarbonyl, or a pharmaceutically acceptable salt "
                f"thereof." if k > 1 else "1. A compound of the formula ##STR1## wherein R1 is amino or protected amino.")
        parts.append(text)
        total += len(text) + 1
        k += 1
    return "What is claimed is: " + " ".join(parts)


def long_claim(n: int) -> str:
    return "1. A compound of the formula ##STR1## wherein R1 is " + ", ".join(f"alkyl{i}" for i in range(n)) + " or amino."


CASES = [
    ("claim k cites any one of claims 1 to k-1, 1,000 claims", lambda: any_one_of(1000)),
    ("a 5,000-claim dependency chain", lambda: chain(5000)),
    ("1 MB of claims on one line", lambda: single_line(1_048_576)),
    ("one claim of 1 MB (100,000 alternatives)", lambda: long_claim(100_000)),
    ("a claim number of 20 digits", lambda: "1. A compound X.\n99999999999999999999. A compound of claim 1.\n"),
]


def main() -> None:
    print("| input | characters | seconds | claims read | peak RSS (MB) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, make in CASES:
        text = make()
        start = time.perf_counter()
        try:
            claims = str(len(read_text(text, "hostile").claims))
        except CephkgError as exc:
            claims = f"error: {exc}"
        seconds = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"| {name} | {len(text):,} | {seconds:.2f} | {claims} | {rss:.0f} |")


if __name__ == "__main__":
    main()
