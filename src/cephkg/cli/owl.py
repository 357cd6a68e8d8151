"""``cephkg reason`` and ``cephkg validate``: the ontology checks the graph.

Registered on the ``cephkg`` group by :mod:`cephkg.cli.main`; the OWL stack loads only
when these commands run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import CephkgError
from ..store.local import KnowledgeStore
from .options import EXIT_FAILED, open_store, progress
from .options import fail as _fail
from .options import store_option as _store_option

__all__ = ["reason_command", "validate_command"]


def _patents(store: KnowledgeStore, patents: tuple[str, ...]) -> list[str]:
    ids = list(patents) or store.patent_ids()
    if not ids:
        _fail(f"no patents in the store {store.path}; run 'cephkg build' first")
    return ids


@click.command("reason")
@click.argument("patents", nargs=-1)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Patents reasoned at once, each in its own process.")
@_store_option
def reason_command(patents: tuple[str, ...], jobs: int, store_dir: Path) -> None:
    """Reason over PATENT… (all patents by default) with HermiT.

    Checks each patent's graph against the ontology and stores what follows from it
    in the patent's inferred graph. Exits with 1 when a patent is inconsistent.
    """
    from ..owl.reason import reason

    try:
        with open_store(store_dir) as store:
            ids = _patents(store, patents)
            with progress(len(ids), "reasoning") as advance:
                reports = reason(store, ids, jobs=jobs, on_patent=advance)
    except CephkgError as exc:
        _fail(str(exc))
    width = max(len("patent"), *(len(r.patent_id) for r in reports))
    click.echo(f"{'patent'.ljust(width)}  consistent  inferred  seconds")
    for r in reports:
        click.echo(f"{r.patent_id.ljust(width)}  {('yes' if r.consistent else 'NO').ljust(10)}  "
                   f"{r.inferred_triples:>8}  {r.seconds:>7.2f}")
    bad = [r for r in reports if not r.consistent]
    for r in bad:
        click.secho(r.explanation, fg="red", err=True)
    click.echo(f"{len(reports) - len(bad)} of {len(reports)} patents consistent")
    if bad:
        sys.exit(EXIT_FAILED)


@click.command("validate")
@click.argument("patents", nargs=-1)
@_store_option
def validate_command(patents: tuple[str, ...], store_dir: Path) -> None:
    """Validate PATENT… (all patents by default) with the SHACL shapes.

    Prints every violation at its patent and claim. Exits with 1 when there is one.
    """
    from ..owl.validate import validate

    try:
        with open_store(store_dir) as store:
            ids = _patents(store, patents)
            with progress(len(ids), "validating") as advance:
                report = validate(store, ids, on_patent=advance)
    except CephkgError as exc:
        _fail(str(exc))
    click.echo(str(report))
    failing = sum(1 for pid in report.patent_ids if report.for_patent(pid))
    n = len(report.violations)
    click.echo(f"{n} violation{'' if n == 1 else 's'} in {failing} of {len(report.patent_ids)} patents")
    if not report.conforms:
        sys.exit(EXIT_FAILED)
