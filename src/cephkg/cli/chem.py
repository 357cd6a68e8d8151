"""Chemistry commands of the ``cephkg`` CLI: ``covers``, ``add-compound``, ``check``.

Kept apart from :mod:`cephkg.cli` (which registers them with ``main.add_command``) so the
chemistry stack (RDKit, OPSIN) loads only when these commands run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import CephkgError
from .options import fail as _fail
from .options import open_store, warn
from .options import store_option as _store_option

__all__ = ["add_compound_command", "check_command", "covers_command"]



@click.command("covers")
@click.argument("compound")
@click.option("--patent", "patents", multiple=True, help="Only this patent (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--explain", is_flag=True, help="Print every reason of every hit and near miss.")
@click.option("--time-budget", "time_budget", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
              help="Time the compound may take; claims not reached are reported undecided "
                   "[default: limit coverage.time_budget_s].")
@_store_option
def covers_command(compound: str, patents: tuple[str, ...], as_json: bool, explain: bool, time_budget: float | None,
                   store_dir: Path) -> None:
    """Which claims cover COMPOUND (SMILES, InChI or a chemical name), and why."""
    from ..chem.coverage import covers
    from ..store.scopes import load_scopes, opsin_cache

    try:
        with open_store(store_dir) as store:
            loaded = load_scopes(store, list(patents) or None)
            result = covers(compound, loaded.scopes, opsin_cache(store), time_budget)
    except CephkgError as exc:
        _fail(str(exc))
    warn(loaded.warning())
    if result.undecided:
        warn(f"{len(result.undecided)} claim(s) left undecided: the time budget for this compound was spent "
             "(limit coverage.time_budget_s)")
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    q = result.query
    click.echo(f"query: {q.smiles}" + (f"  (salt form: {q.salt_form})" if q.salt_form else ""))
    click.echo(f"  parent {q.parent_smiles}  {q.parent_inchikey}")
    if not result.hits:
        click.echo("no claim covers it")
    for h in result.hits:
        assignment = ", ".join(f"{v} = {a.fragment} ({a.term})" for v, a in ((a.variable, a) for a in h.assignment))
        click.echo(f"{h.patent} claim {h.claim}: {h.relation} via {h.via}"
                   + (" [dependent]" if h.dependent else "") + (f"  {assignment}" if assignment else ""))
        if explain:
            for r in h.reasons:
                click.echo(f"    - {r}")
    for n in result.near_misses:
        click.echo(f"near miss {n.patent} claim {n.claim}: {n.reasons[0] if n.reasons else ''}")
        if explain:
            for r in n.reasons[1:]:
                click.echo(f"    - {r}")
    for u in result.undecided:
        click.echo(f"undecided {u.patent} claim {u.claim}: {u.reasons[0]}")


@click.command("add-compound")
@click.argument("compound")
@click.option("--label", help="A label for the compound.")
@_store_option
def add_compound_command(compound: str, label: str | None, store_dir: Path) -> None:
    """Register COMPOUND (SMILES, InChI or name) and materialise the claims covering it."""
    from ..store.scopes import register_compound

    try:
        with open_store(store_dir) as store:
            iri = register_compound(store, compound, label)
    except CephkgError as exc:
        _fail(str(exc))
    click.echo(iri)


@click.command("check")
@click.option("--patent", "patents", multiple=True, help="Only this patent (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the violations as JSON.")
@_store_option
def check_command(patents: tuple[str, ...], as_json: bool, store_dir: Path) -> None:
    """Self-consistency: species covered by their claims, variables defined, terms interpretable."""
    from ..chem.coverage import check_scope
    from ..store.scopes import load_scopes

    try:
        with open_store(store_dir) as store:
            loaded = load_scopes(store, list(patents) or None)
    except CephkgError as exc:
        _fail(str(exc))
    warn(loaded.warning())
    scopes = loaded.scopes
    violations = [v for s in scopes for v in check_scope(s)]
    if as_json:
        click.echo(json.dumps({"patents": [s.patent.patent_id for s in scopes],
                               "violations": [v.to_dict() for v in violations]}, ensure_ascii=False, indent=2))
    else:
        for s in scopes:
            mine = [v for v in violations if v.patent == s.patent.patent_id]
            click.echo(f"{s.patent.patent_id}: {'ok' if not mine else f'{len(mine)} violation(s)'}")
            for v in mine:
                click.echo(f"  claim {v.claim} [{v.rule}] {v.message}")
    if violations:
        sys.exit(1)
