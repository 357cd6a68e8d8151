"""``cephkg report``: a self-contained HTML report per patent, from the store.

Registered on the ``cephkg`` group by :mod:`cephkg.cli.main`; the report stack (RDKit
drawing, Jinja2) loads only when the command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import CephkgError
from .options import EXIT_FAILED, open_store, warn
from .options import fail as _fail
from .options import store_option as _store_option

__all__ = ["report_command"]


@click.command("report")
@click.argument("patents", nargs=-1)
@click.option("--output", "-o", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for <patent>.html and index.html (made when missing).")
@_store_option
def report_command(patents: tuple[str, ...], folder: Path, store_dir: Path) -> None:
    """Write an HTML report of each PATENT (every patent in the store when none is named).

    Each report is one file that works opened from disk (pictures and style inline, no
    network): the claim tree, the claims with their parts marked, the generic structures,
    the named species, the routes of process claims and the build's diagnostics.
    """
    from ..report.render import write_reports
    from ..report.source import load_patents

    try:
        with open_store(store_dir) as store:
            chosen, warning = load_patents(store, list(patents) or None)
        warn(warning)
        files = write_reports(chosen, folder)
    except CephkgError as exc:
        _fail(str(exc))
    for path in files.written:
        click.echo(f"wrote {path}")
    if files.index is not None:
        click.echo(f"wrote {files.index}")
    for pid, message in files.failed:
        click.secho(f"error: {pid}: {message}", fg="red", err=True)
    if files.failed or not files.written:
        if not files.written and not files.failed:
            click.secho("error: the store has no patents (run 'cephkg build')", fg="red", err=True)
        sys.exit(EXIT_FAILED)
