"""The ``cephkg`` command line.

Exit codes: 0 success (warnings may have been printed); 1 the command failed, or a
build could build nothing; 2 usage error (unknown option, missing argument).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import CephkgError
from ..reading.formats import FORMATS

if TYPE_CHECKING:
    import pyoxigraph as ox

    from ..owl.reason import ReasoningReport
    from ..store.local import KnowledgeStore
    from ..store.queries import NamedQuery
from .options import EXIT_FAILED, EXIT_OK, EXIT_USAGE, open_store, progress, store_option
from .options import fail as _fail

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "main"]


def _format_option(command: Any) -> Any:
    return click.option("--format", "fmt", type=click.Choice(["auto", *FORMATS]), default="auto", show_default=True,
                        help="The input format; auto sniffs it from each file's content.")(command)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cephkg")
def main() -> None:
    """cephkg: cephalosporin patent claims as an OWL/RDF knowledge graph."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@store_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary and errors.")
@click.option("--reason", "with_reasoning", is_flag=True,
              help="Also run the OWL reasoner (HermiT) on each built patent and store what it infers.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes building chunks of files at once (this process writes the store); "
                   "with --reason, also the patents reasoned in parallel.")
@click.option("--link-across", is_flag=True,
              help="Also link each patent's claims to the compounds the other patents of the build name "
                   "(grows with the square of the build: for small builds).")
@click.option("--cluster", "cluster", metavar="ADDRESS",
              help="Build the chunks on a Dask cluster: local:N (N worker processes here) or a scheduler "
                   "address (tcp://host:8786); this process still writes the store. Needs cephkg[cluster].")
@_format_option
def build(paths: tuple[Path, ...], store_dir: Path, quiet: bool, with_reasoning: bool, jobs: int, link_across: bool,
          cluster: str | None, fmt: str) -> None:
    """Build the graph from claim files (text, USPTO/EPO/WIPO XML, saved patent pages) or folders of them.

    A folder contributes its *.txt, *.xml, *.html and *.htm files; a USPTO weekly bulk file
    builds one patent per document, each named by its publication number.
    """
    from ..store.build import build as run_build
    from ..store.build import claim_files

    files = claim_files(paths)
    if not files:
        _fail("no claim files found in " + ", ".join(map(str, paths)))
    with open_store(store_dir, create=True) as store, ExitStack() as on_cluster:
        executor, workers = None, jobs
        if cluster is not None:
            from ..store.cluster import dask_executor

            try:
                executor, workers = on_cluster.enter_context(dask_executor(cluster))
            except CephkgError as exc:
                _fail(str(exc))
        with progress(len(files), "building") as advance:  # advances as each patent is written
            result = run_build(files, store, on_file=advance, fmt=None if fmt == "auto" else fmt,
                               jobs=workers, link_across=link_across,
                               executor=executor)
        reasoning: tuple[ReasoningReport, ...] = ()
        if with_reasoning and result.built:
            from ..owl.reason import reason_after_build

            reasoning = reason_after_build(store, [r.patent_id for r in result.built if r.patent_id], jobs)
    for report in result.files:
        if report.error:
            click.secho(f"error: {report.error}", fg="red", err=True)
        elif not quiet:
            for d in report.diagnostics:
                if d.severity != "info":
                    click.secho(str(d), fg="yellow", err=True)
    rows = [(r.patent_id or "-", Path(r.path).name, str(r.claims), str(r.triples),
             str(sum(1 for d in r.diagnostics if d.severity == "warning")), "built" if r.built else "FAILED")
            for r in result.files]
    click.echo(_table(("patent", "file", "claims", "triples", "warnings", "status"), rows))
    n_files = len({r.path for r in result.files})
    if n_files == len(result.files):
        click.echo(f"{len(result.built)} of {len(result.files)} files built into {store_dir}")
    else:  # a bulk file gave several patents
        click.echo(f"{len(result.built)} of {len(result.files)} patents built into {store_dir} (from {n_files} files)")
    for r in reasoning:
        state = "consistent" if r.consistent else "INCONSISTENT"
        click.echo(f"reasoned {r.patent_id}: {state}, {r.inferred_triples} inferred triples, {r.seconds:.1f} s")
        if not r.consistent:
            click.secho(r.explanation, fg="red", err=True)
    if not result.built or any(not r.consistent for r in reasoning):
        sys.exit(EXIT_FAILED)


@main.command()
@click.argument("patent")
@store_option
@click.option("--json", "as_json", is_flag=True, help="Print the parsed claims as JSON.")
@_format_option
def claims(patent: str, store_dir: Path, as_json: bool, fmt: str) -> None:
    """Show the claims of PATENT (a patent id in the store, or a claims file).

    A file holding several patents (a USPTO weekly bulk file) shows each; with --json it
    prints a JSON array of one object per patent.
    """
    from ..store.build import parse_patents
    from ..store.scopes import patent_record

    try:
        if Path(patent).is_file():
            models = parse_patents(patent, fmt=None if fmt == "auto" else fmt)
        else:
            with open_store(store_dir) as store:
                models = [patent_record(store, patent).patent]
    except CephkgError as exc:
        _fail(str(exc))
    data = [model.to_dict() for model in models]
    if as_json:
        click.echo(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
        return
    click.echo("\n\n".join(_claim_tree(d) for d in data))


def _claim_tree(data: dict[str, Any]) -> str:
    claims = data["claims"]
    children: dict[int | None, list[dict[str, Any]]] = {}
    for c in claims:
        parent = c["depends_on"][0] if c["depends_on"] else None
        children.setdefault(parent, []).append(c)
    lines = [f"{data['patent']}: {len(claims)} claims"]

    def describe(c: dict[str, Any]) -> str:
        bits = [f"{c['number']}. {c['category']}"]
        if len(c["depends_on"]) > 1:
            bits.append("(also on " + ", ".join(map(str, c["depends_on"][1:])) + ")")
        if c["refers_to"] and not c["depends_on"]:
            bits.append("refers to " + ", ".join(map(str, c["refers_to"])))
        if c.get("isomer"):
            bits.append(f"[{c['isomer']}]")
        numeric = c.get("numeric", {})
        defs = "; ".join(f"{k}: " + (" | ".join(v) if v or k not in numeric else
                                      ", ".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in numeric[k]))
                         for k, v in c["definitions"].items())
        if defs:
            bits.append(defs)
        if c.get("provisos"):
            bits.append(f"{len(c['provisos'])} proviso{'s' if len(c['provisos']) > 1 else ''}")
        if c.get("salt_types"):
            bits.append("salt types: " + ", ".join(t["type"] for t in c["salt_types"]))
        if c.get("cut"):
            bits.append("(cut short)")
        for s in c["species"]:
            extra = f" ({s['isomer']})" if s["isomer"] else ""
            salts = f" + {', '.join(s['salt_forms'])}" if s["salt_forms"] else ""
            bits.append(f"names {s['name']}{extra}{salts}")
        if c["salts_clause"]:
            bits.append("+ salts")
        if c["steps"]:
            bits.append(f"{len(c['steps'])} steps ({c['steps_relation']})")
        return "  ".join(bits)

    def walk(parent: int | None, prefix: str) -> None:
        kids = children.get(parent, [])
        for i, c in enumerate(kids):
            last = i == len(kids) - 1
            branch = "" if parent is None else ("└─ " if last else "├─ ")
            lines.append(prefix + branch + describe(c))
            walk(c["number"], prefix + ("" if parent is None else ("   " if last else "│  ")))

    walk(None, "")
    return "\n".join(lines)


@main.command()
@click.argument("name")
@store_option
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A query parameter, bound as an RDF term (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
def query(name: str, store_dir: Path, params: tuple[str, ...], fmt: str) -> None:
    """Run a named query (see 'cephkg queries') or a .rq file.

    Read-only: a compound parameter given as SMILES, InChI or a name is read and bound as
    the compound's IRI, nothing is registered (that is 'cephkg add-compound'). Rows are
    printed as they come (csv and json; the table waits for its first 1,000 rows).
    """
    from ..store.queries import bind_parameters, get_query

    values: dict[str, str] = {}
    for p in params:
        if "=" not in p:
            raise click.UsageError(f"--param takes NAME=VALUE, not {p!r}")
        k, v = p.split("=", 1)
        values[k.strip()] = v
    try:
        q = get_query(name)
        with open_store(store_dir) as store:
            bindings = bind_parameters(q, values, store.opsin_cache)
            stream = store.stream(q.text, bindings)
            count = _write_rows(q.name, stream.columns, stream.dicts(), fmt)
            hint = _absent_compound(store, q, bindings) if count == 0 else None
    except CephkgError as exc:
        _fail(str(exc))
    except BrokenPipeError:  # `cephkg query … | head`: the reader has what it wanted
        sys.stderr.close()
        sys.exit(EXIT_OK)
    if hint:
        click.secho(f"note: {hint}", fg="yellow", err=True)


def _absent_compound(store: KnowledgeStore, q: NamedQuery,
                     bindings: dict[str, ox.NamedNode | ox.Literal]) -> str | None:
    """Why a compound query has no rows, when it is because the compound is not in the graph."""
    import pyoxigraph as ox

    for p in q.parameters:
        term = bindings.get(p.name)
        if p.kind == "compound" and isinstance(term, ox.NamedNode) and not len(store.query(
                "SELECT ?c WHERE { GRAPH ?g { ?c ?p ?o } } LIMIT 1", {"c": term})):
            return (f"{term.value} is not in the graph: no claim names it and it is not registered; "
                    "'cephkg add-compound' registers it and links the claims covering it")
    return None


_FLUSH_BYTES = 64 * 1024
_TABLE_PEEK = 1000


def _write_rows(name: str, columns: tuple[str, ...], rows: Any, fmt: str) -> int:
    """Write rows to stdout as they come; returns how many."""
    out = sys.stdout
    count = 0
    if fmt == "table":
        head: list[list[str]] = []
        for row in rows:
            head.append(["" if row[c] is None else str(row[c]) for c in columns])
            if len(head) == _TABLE_PEEK:
                break
        widths = _widths(columns, head)
        out.write(_line(columns, widths) + "\n" + _line(["-" * w for w in widths], widths) + "\n")
        for cells in head:
            out.write(_line(cells, widths) + "\n")
        count = len(head)
        for row in rows:
            out.write(_line(["" if row[c] is None else str(row[c]) for c in columns], widths) + "\n")
            count += 1
        out.write(f"{count} rows\n")
        out.flush()
        return count
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buffer)
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
            count += 1
            if buffer.tell() > _FLUSH_BYTES:
                out.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
    else:  # json, exactly as json.dumps(..., indent=2) writes the whole document
        opening = json.dumps({"query": name, "columns": list(columns)}, ensure_ascii=False, indent=2)
        buffer.write(opening[:-2] + ',\n  "rows": [')
        for row in rows:
            body = json.dumps(row, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            buffer.write((",\n    " if count else "\n    ") + body)
            count += 1
            if buffer.tell() > _FLUSH_BYTES:
                out.write(buffer.getvalue())
                buffer.seek(0)
                buffer.truncate()
        buffer.write("\n  ]\n}\n" if count else "]\n}\n")
    out.write(buffer.getvalue())
    out.flush()
    return count


@main.command("queries")
def list_queries() -> None:
    """List the named queries and their parameters."""
    from ..store.queries import named_queries

    for q in named_queries().values():
        click.echo(f"{q.name}: {q.title}")
        for p in q.parameters:
            click.echo(f"    --param {p.name}=…  ({p.kind}, {'required' if p.required else 'optional'}) {p.description}")


@main.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "rdfxml", "owl"]),
              default="nq", show_default=True, help="owl writes the ontology as RDF/XML (for Protégé).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--patent", "patents", multiple=True, help="Export only this patent (repeatable).")
@click.option("--with-ontology", is_flag=True, help="Include the ontology graph.")
def export(store_dir: Path, fmt: str, output: Path, patents: tuple[str, ...], with_ontology: bool) -> None:
    """Export the graph (all patents, or those chosen) to an RDF file, atomically."""
    from ..store.export import ExportFormat
    from ..store.export import export as run_export

    try:
        with open_store(store_dir) as store:
            n = run_export(store, output, ExportFormat(fmt), list(patents) or None, with_ontology)
    except CephkgError as exc:
        _fail(str(exc))
    click.echo(f"wrote {n} statements to {output}")


def _widths(columns: tuple[str, ...] | list[str], rows: list[Any]) -> list[int]:
    widths = [len(c) for c in columns]
    for row in rows:
        for i, cell in enumerate(row):
            widths[i] = min(max(widths[i], len(str(cell))), 80)
    return widths


def _line(row: Any, widths: list[int]) -> str:
    return "  ".join(" ".join(str(cell).split())[:80].ljust(widths[i]) for i, cell in enumerate(row)).rstrip()


def _table(columns: tuple[str, ...] | list[str], rows: list[Any]) -> str:
    widths = _widths(columns, rows)
    return "\n".join([_line(columns, widths), _line(["-" * w for w in widths], widths)] + [_line(r, widths) for r in rows])


def _register_commands() -> None:
    """Commands of the later stages live in their own modules."""
    from .chem import add_compound_command, check_command, covers_command
    from .cluster import load_shards_command, shard_command
    from .evaluate import eval_claims_command
    from .owl import reason_command, validate_command
    from .remote import push_command, serve_command
    from .report import report_command
    from .route import route_command
    from .structures import structures_command

    for command in (covers_command, add_compound_command, check_command, route_command, structures_command,
                    reason_command, validate_command, push_command, serve_command, report_command,
                    eval_claims_command, shard_command, load_shards_command):
        main.add_command(command)


_register_commands()

if __name__ == "__main__":  # pragma: no cover
    main()
