"""Options and helpers shared by every ``cephkg`` command module (no command module imports another)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from ..errors import CephkgError
from ..store.local import DEFAULT_STORE, KnowledgeStore

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "fail", "open_store", "progress", "store_option", "warn"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

store_option = click.option(
    "--store", "store_dir", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_STORE,
    show_default=True, envvar="CEPHKG_STORE", help="Folder of the embedded Oxigraph store.")


def fail(message: str) -> NoReturn:
    """Print an error on stderr and exit with status 1."""
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(EXIT_FAILED)


def open_store(store_dir: Path, *, create: bool = False) -> KnowledgeStore:
    """The store at ``store_dir``; only commands that make stores pass ``create``."""
    try:
        return KnowledgeStore(store_dir, create=create)
    except CephkgError as exc:
        fail(str(exc))


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[..., None]]:
    """A progress bar on stderr for more than three items; yields the function that advances it."""
    if total <= 3:
        yield lambda *_args: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda *_args: bar.update(1)


def warn(message: str | None) -> None:
    if message:
        click.secho(f"warning: {message}", fg="yellow", err=True)
