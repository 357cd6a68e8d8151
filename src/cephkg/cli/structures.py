"""``cephkg structures PATENT``: each formula's generic structure, where it comes from and why.

For every formula coverage uses (the first formula of a compound claim, the products of a
process claim) and every formula a sidecar gives: the structure as CXSMILES with the
variables as R-group labels, its source (curated: a sidecar or a drawing; inferred: by
cephkg from the named compounds; none), and the evidence or the reason there is none.
``--write`` writes them as a sidecar the user can check and edit.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from ..errors import CephkgError
from .options import EXIT_FAILED, open_store
from .options import store_option as _store_option

__all__ = ["sidecar_text", "structures_command"]


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(str(value), ensure_ascii=False)


def sidecar_text(patent_id: str, rows: list[dict[str, Any]]) -> str:
    """A sidecar (``<stem>.structures.toml``) holding ``rows`` (structure dicts), ready to edit."""
    lines = [f"# Generic structures of {patent_id}, written by `cephkg structures --write`.",
             "# Inferred ones (inferred = true, curated = false) were deduced by cephkg from the named",
             "# compounds: check each against the patent, correct it, then set curated = true.",
             "# Format: see cephkg.chem.structures.", f"patent = {_toml(patent_id)}", ""]
    for row in rows:
        lines.append("[[structure]]")
        for key in ("claim", "formula", "label", "smiles", "smarts"):
            if row.get(key) is not None:
                lines.append(f"{key} = {_toml(row[key])}")
        variables = ", ".join(f"{k} = {_toml(v)}" for k, v in sorted(row["variables"].items(), key=lambda kv: int(kv[0])))
        lines.append(f"variables = {{ {variables} }}")
        lines.append(f"curated = {_toml(row.get('curated', False))}")
        lines.append(f"inferred = {_toml(row.get('inferred', False))}")
        note = row.get("note", "")
        if row.get("evidence"):
            note = "\n".join([note, *row["evidence"]]).strip()
        if note:
            lines.append(f"note = {_toml(note)}")
        lines.append("")
    return "\n".join(lines)


def _write_atomically(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@click.command("structures")
@click.argument("patent")
@click.option("--json", "as_json", is_flag=True, help="Print the structures as JSON.")
@click.option("--write", "write", is_flag=True,
              help="Write them as a sidecar next to the claims file (or to --output) for editing.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Where --write writes.")
@click.option("--force", is_flag=True, help="Let --write replace an existing file.")
@_store_option
def structures_command(patent: str, as_json: bool, write: bool, output: Path | None, force: bool,
                       store_dir: Path) -> None:
    """Each claim's generic structure of PATENT (CXSMILES with R labels), its source and evidence."""
    from ..chem.drawn import to_cxsmiles
    from ..chem.inference import InferenceOutcome, target_formulas
    from ..chem.structures import sidecar_path
    from ..store.scopes import patent_record, scope_of

    try:
        with open_store(store_dir) as store:
            record = patent_record(store, patent)
        scope = scope_of(record)
    except CephkgError as exc:
        click.secho(f"error: {exc}", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    outcomes = {(o.claim, o.formula): o for o in (InferenceOutcome.from_dict(d) for d in record.inferred)}
    given = {(s.claim, s.formula): s for s in (scope.structures.structures if scope.structures else ())}
    keys = list(dict.fromkeys([*((c.number, f.index) for c, f in target_formulas(scope.patent)), *given]))
    rows: list[dict[str, Any]] = []
    for claim, formula in sorted(keys):
        s = given.get((claim, formula))
        o = outcomes.get((claim, formula))
        row: dict[str, Any] = {"claim": claim, "formula": formula,
                               "source": "none" if s is None else s.source,
                               "origin": None if s is None else s.origin}
        if s is not None:
            row.update(s.to_dict())
            row["source"], row["origin"] = s.source, s.origin
            row["cxsmiles"] = to_cxsmiles(s)
        if s is None or s.origin == "inference":
            row["why_none"] = o.failure if o is not None and s is None else None
            row["species"] = list(o.species) if o is not None else []
        rows.append(row)
    if write:
        target = output or sidecar_path(record.patent.source.path)
        if target.exists() and not force:
            click.secho(f"error: {target} exists; use --force to replace it, or -o FILE", fg="red", err=True)
            sys.exit(EXIT_FAILED)
        _write_atomically(target, sidecar_text(patent, [r for r in rows if r["source"] != "none"]))
        click.echo(f"wrote {target}")
        return
    if as_json:
        click.echo(json.dumps({"patent": patent, "structures": rows}, ensure_ascii=False, indent=2))
        return
    for row in rows:
        label = f" ({row['label']})" if row.get("label") else ""
        source = row["source"]
        if row.get("origin") == "inference":
            source += f", confidence {row.get('confidence')}"
        elif row.get("origin") == "drawn":
            source += ", drawn"
        click.echo(f"claim {row['claim']} formula {row['formula']}{label}: {source}")
        if row.get("cxsmiles"):
            click.echo(f"  {row['cxsmiles']}")
        for line in row.get("evidence", []):
            click.echo(f"  - {line}")
        if row.get("why_none"):
            click.echo(f"  why none: {row['why_none']}")
