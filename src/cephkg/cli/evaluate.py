"""``cephkg eval-claims``: score the claim reader on a corpus of real claim sets, field by field."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .options import EXIT_FAILED
from .options import fail as _fail

__all__ = ["eval_claims_command"]


@click.command("eval-claims")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON (per file and field, with every miss).")
@click.option("--misses", is_flag=True, help="List every field read wrongly.")
@click.option("--fail-under", type=click.FloatRange(0, 100), default=None, metavar="PERCENT",
              help="Exit 1 when the share of fields right is below PERCENT.")
def eval_claims_command(folders: tuple[Path, ...], as_json: bool, misses: bool, fail_under: float | None) -> None:
    """Score the reader on folders of real claim sets (<id>.txt files and a truth.json).

    The fields and how each is compared are described in docs/real-claims.md; a field the
    analyst left out of the truth is not scored.
    """
    from ..errors import CephkgError
    from ..reading.evaluate import FieldScore, report, score_corpus
    from ..store.build import parse_file

    def read(path: Path) -> dict[str, Any]:
        return parse_file(path).to_dict()

    total = FieldScore()
    out: dict[str, Any] = {}
    tables: list[str] = []
    for folder in folders:
        if not (folder / "truth.json").is_file():
            _fail(f"{folder}: no truth.json")
        try:
            scores = score_corpus(folder, read)
        except (CephkgError, ValueError, KeyError) as exc:
            _fail(f"{folder}: cannot score: {exc}")
        for s in scores:
            total = total.add(s.total)
            out[s.name] = {"folder": str(folder), "right": s.total.right, "fields": s.total.total, "error": s.error,
                           "per_field": {k: {"right": v.right, "fields": v.total} for k, v in s.fields.items()},
                           "misses": [{"field": m.field, "claim": m.claim, "key": m.key, "expected": m.expected,
                                       "read": m.found} for m in s.misses]}
        tables.append(report(scores, str(folder)))
        if misses:
            tables += [f"- {s.name}: {m}" for s in scores for m in s.misses]
    if as_json:
        click.echo(json.dumps({"right": total.right, "fields": total.total, "files": out}, ensure_ascii=False,
                              indent=2, default=str))
    else:
        click.echo("\n\n".join(tables) if not misses else "\n".join(tables))
        click.echo(f"\n{total.right} of {total.total} fields right ({100 * total.ratio:.1f}%)")
    if fail_under is not None and 100 * total.ratio < fail_under:
        sys.exit(EXIT_FAILED)
