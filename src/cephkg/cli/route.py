"""``cephkg route PATENT CLAIM``: a process claim's route as a readable text scheme.

The route is rebuilt from the patent's record in the store (its claims and curated
structures), so the scheme shows exactly what :func:`cephkg.chem.reactions.route` models,
with or without the input files.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import CephkgError
from .options import EXIT_FAILED, open_store
from .options import store_option as _store_option


@click.command("route")
@click.argument("patent")
@click.argument("claim", type=int)
@_store_option
def route_command(patent: str, claim: int, store_dir: Path) -> None:
    """Print the route of process claim CLAIM of PATENT (steps, reagents, reaction types)."""
    from ..chem.reactions import format_route, route
    from ..store.scopes import patent_record, scope_of

    try:
        with open_store(store_dir) as store:
            scope = scope_of(patent_record(store, patent))
        scheme = format_route(route(scope.patent, claim, scope.structures))
    except (CephkgError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        click.secho(f"error: {message}", fg="red", err=True)
        sys.exit(EXIT_FAILED)
    click.echo(scheme)
