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
@click.option("--html", "html_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the answer as a page: the query drawn for each claim, the core and each "
                   "R-group coloured with the term it satisfied, near misses with the failing group.")
@click.option("--time-budget", "time_budget", type=click.FloatRange(min=0.001), default=None, metavar="SECONDS",
              help="Time the compound may take; claims not reached are reported undecided "
                   "[default: limit coverage.time_budget_s].")
@_store_option
def covers_command(compound: str, patents: tuple[str, ...], as_json: bool, explain: bool, html_file: Path | None,
                   time_budget: float | None,
                   store_dir: Path) -> None:
    """Which claims cover COMPOUND (SMILES, InChI or a chemical name), and why."""
    from ..store.scopes import CoverageIndex

    try:
        with open_store(store_dir) as store:
            loaded = CoverageIndex(store, list(patents) or None)
            result = loaded.covers(compound, time_budget)
            if html_file is not None:
                from ..report.coverage import coverage_page
                from ..report.render import render_coverage, write_text

                shown = loaded.scopes([v.patent for v in (*result.hits, *result.near_misses)])
                write_text(html_file, render_coverage(coverage_page(result, shown,
                                                                    searched=[p for p, _ in loaded.patents])))
    except CephkgError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {html_file}: {exc.strerror or exc}")
    warn(loaded.warning())
    if html_file is not None:
        click.echo(f"wrote {html_file}", err=True)
    spent = [u for u in result.undecided if "time budget" in " ".join(u.reasons)]
    if spent:
        warn(f"{len(spent)} claim(s) left undecided: the time budget for this compound was spent "
             "(limit coverage.time_budget_s)")
    if as_json:
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    q = result.query
    click.echo(f"query: {q.smiles}" + (f"  (salt form: {q.salt_form})" if q.salt_form else ""))
    click.echo(f"  parent {q.parent_smiles}  {q.parent_inchikey}")
    if not result.hits:
        click.echo("no claim covers it" + (" (some cannot be decided: see below)" if result.undecided else ""))
    for h in result.hits:
        assignment = ", ".join(f"{v} = {a.fragment} ({a.term})" for v, a in ((a.variable, a) for a in h.assignment))
        click.echo(f"{h.patent} claim {h.claim}: {h.relation} via {h.via}"
                   + (" [dependent]" if h.dependent else "") + (f"  {assignment}" if assignment else ""))
        if explain:
            for r in h.reasons:
                click.echo(f"    - {r}")
    for n in result.near_misses:
        what = "cannot decide" if n.undecided else "near miss"
        click.echo(f"{what} {n.patent} claim {n.claim}: {n.reasons[0] if n.reasons else ''}")
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
@click.option("--only-contradictions", is_flag=True,
              help="Exit 1 only for contradictions, not for what cephkg cannot decide.")
@_store_option
def check_command(patents: tuple[str, ...], as_json: bool, only_contradictions: bool, store_dir: Path) -> None:
    """Self-consistency: species covered by their claims, variables defined, terms interpretable.

    Contradictions are listed apart from what cephkg cannot decide (no generic structure, a
    term it cannot interpret, a name OPSIN cannot read). Exit 1 when there is either, or with
    --only-contradictions only when there is a contradiction."""
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
    contradictions = [v for v in violations if not v.undecided]
    if as_json:
        click.echo(json.dumps({"patents": [s.patent.patent_id for s in scopes],
                               "violations": [v.to_dict() for v in violations]}, ensure_ascii=False, indent=2))
    else:
        for s in scopes:
            mine = [v for v in violations if v.patent == s.patent.patent_id and not v.undecided]
            open_ = [v for v in violations if v.patent == s.patent.patent_id and v.undecided]
            state = "ok" if not mine else f"{len(mine)} violation(s)"
            click.echo(f"{s.patent.patent_id}: {state}" + (f", {len(open_)} cannot decide" if open_ else ""))
            for v in mine:
                click.echo(f"  claim {v.claim} [{v.rule}] {v.message}")
            if open_:
                click.echo("  cannot decide:")
            for v in open_:
                click.echo(f"  claim {v.claim} [{v.rule}] {v.message}")
    if contradictions or (violations and not only_contradictions):
        sys.exit(1)
