"""``cephkg shard`` and ``cephkg load-shards``: a build as N-Quads shards, built anywhere."""

from __future__ import annotations

from concurrent.futures import Executor
from contextlib import ExitStack
from pathlib import Path

import click

from ..errors import CephkgError
from ..reading.formats import FORMATS
from .options import EXIT_FAILED, fail, open_store, progress, store_option

__all__ = ["load_shards_command", "shard_command"]


def _summary(files: int, failed: int, what: str) -> str:
    return f"{files - failed} of {files} {what}"


@click.command("shard")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--output", "-o", "folder", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder the shards go to (on a cluster: one every worker can write).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Local worker processes (without --cluster).")
@click.option("--cluster", metavar="ADDRESS",
              help="A Dask cluster: local:N or a scheduler address (tcp://host:8786). Needs cephkg[cluster].")
@click.option("--name-cache", type=click.Path(dir_okay=False, path_type=Path),
              help="An OPSIN name cache (a store's opsin-cache.json) the workers read.")
@click.option("--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True,
              help="The input format; auto sniffs it from each file's content.")
def shard_command(paths: tuple[Path, ...], folder: Path, jobs: int, cluster: str | None, name_cache: Path | None,
                  fmt: str) -> None:
    """Build claim files into N-Quads shards (shard-NNNNNNN.nq + .json), one per chunk of files.

    The .nq files load into any triple store as they are (oxigraph load, Virtuoso ld_dir,
    QLever); `cephkg load-shards` writes them into a cephkg store.
    """
    from ..store.build import claim_files, worker_pool
    from ..store.cluster import dask_executor, write_shards

    files = claim_files(paths)
    if not files:
        fail("no claim files found in " + ", ".join(map(str, paths)))
    with ExitStack() as stack:
        executor: Executor
        if cluster is not None:
            try:
                executor, workers = stack.enter_context(dask_executor(cluster))
            except CephkgError as exc:
                fail(str(exc))
        else:
            workers = jobs
            executor = stack.enter_context(worker_pool(jobs))
        with progress(len(files), "sharding") as advance:
            report = write_shards(files, folder, executor, workers, fmt=None if fmt == "auto" else fmt,
                                  name_cache=name_cache, on_file=advance)
    for r in report.failed:
        click.secho(f"error: {r.error}", fg="red", err=True)
    click.echo(f"{_summary(len(report.files), len(report.failed), 'patents')} built into {len(report.shards)} "
               f"shards ({report.quads} quads) in {report.folder}")
    if len(report.failed) == len(report.files):
        raise SystemExit(EXIT_FAILED)


@click.command("load-shards")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@store_option
def load_shards_command(folder: Path, store_dir: Path) -> None:
    """Write the shards of FOLDER into the store, as a build of the same files would."""
    from ..store.cluster import load_shards

    try:
        with open_store(store_dir, create=True) as store:
            report = load_shards(folder, store)
    except CephkgError as exc:
        fail(str(exc))
    for r in report.failed:
        click.secho(f"error: {r.error}", fg="red", err=True)
    click.echo(f"{_summary(len(report.files), len(report.failed), 'patents')} loaded into {store_dir}")
    if not report.built:
        raise SystemExit(EXIT_FAILED)
