"""``cephkg push`` and ``cephkg serve``: the graph in a SPARQL server.

Registered on the ``cephkg`` group by :mod:`cephkg.cli.main`.
Exit codes as everywhere: 0 ok, 1 failed (the message names what was pushed), 2 usage.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import CephkgError
from .options import fail as _fail
from .options import open_store
from .options import store_option as _store_option

__all__ = ["push_command", "serve_command"]


@click.command("push")
@click.argument("url")
@_store_option
@click.option("--server", "kind", type=click.Choice(["oxigraph", "fuseki", "graphdb", "virtuoso"]),
              default="oxigraph", show_default=True, help="Kind of server at URL: sets the endpoint paths.")
@click.option("--dataset", help="Fuseki dataset or GraphDB repository name.")
@click.option("--graph-store-url", help="Graph Store Protocol endpoint (overrides --server's).")
@click.option("--update-url", help="SPARQL Update endpoint (overrides --server's).")
@click.option("--query-url", help="SPARQL query endpoint, for --verify (overrides --server's).")
@click.option("--protocol", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="gsp: PUT each graph (falls back to update if the server has no graph store); "
                   "update: DROP + INSERT DATA in one request (one transaction, also on Oxigraph).")
@click.option("--patent", "patents", multiple=True, help="Push only this patent (repeatable).")
@click.option("--no-ontology", is_flag=True, help="Do not push the ontology graph.")
@click.option("--user", help="User for HTTP basic auth (password from --password, "
                             "$CEPHKG_PUSH_PASSWORD, or prompted).")
@click.option("--password", envvar="CEPHKG_PUSH_PASSWORD", help="Basic auth password (prefer the variable).")
@click.option("--token", envvar="CEPHKG_PUSH_TOKEN", help="Bearer token (prefer $CEPHKG_PUSH_TOKEN).")
@click.option("--retries", type=click.IntRange(0, 20), default=4, show_default=True,
              help="Retries per request on connection errors and 5xx, with exponential backoff.")
@click.option("--timeout", type=click.FloatRange(1, 3600), default=60.0, show_default=True,
              help="Seconds per HTTP request.")
@click.option("--verify", is_flag=True, help="Count each graph's triples on the server after pushing it.")
def push_command(url: str, store_dir: Path, kind: str, dataset: str | None, graph_store_url: str | None,
                 update_url: str | None, query_url: str | None, protocol: str, patents: tuple[str, ...],
                 no_ontology: bool, user: str | None, password: str | None, token: str | None, retries: int,
                 timeout: float, verify: bool) -> None:
    """Replace the store's named graphs (or --patent's) in the SPARQL store at URL, and the ontology's.

    Each graph is replaced whole with one request, so pushing again never duplicates.
    On failure, the error lists the graphs pushed and those not: push again.
    """
    from ..store.remote import (
        BasicAuth,
        BearerToken,
        Endpoints,
        GraphPush,
        RetryPolicy,
        push,
    )

    if user and token:
        raise click.UsageError("give --user or --token, not both")
    if user and password is None:
        password = click.prompt(f"password for {user}", hide_input=True, err=True)
    try:
        preset = Endpoints.for_server(url, kind, dataset)  # type: ignore[arg-type]
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    endpoints = Endpoints(query_url or preset.query, update_url or preset.update,
                          graph_store_url or preset.graph_store)
    auth = BasicAuth(user, password or "") if user else BearerToken(token) if token else None
    retry = RetryPolicy(attempts=retries + 1, deadline=max(60.0, timeout * (retries + 1)))

    def on_graph(g: GraphPush) -> None:
        click.echo(f"pushed {g.graph} ({g.triples} triples, {g.protocol})")

    try:
        with open_store(store_dir) as store:
            report = push(store, endpoints, patent_ids=list(patents) or None, with_ontology=not no_ontology,
                          protocol=protocol, auth=auth, retry=retry, timeout=timeout,  # type: ignore[arg-type]
                          verify=verify, on_graph=on_graph)
    except CephkgError as exc:  # a PushError's message lists the graphs pushed and not pushed
        _fail(str(exc))
    click.echo(f"pushed {len(report.pushed)} graphs, {report.triples} triples to {url} in {report.seconds:.2f} s")


@click.command("serve")
@_store_option
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the graph to the network.")
@click.option("--port", type=click.IntRange(0, 65535), default=7878, show_default=True)
@click.option("--timeout", "timeout_s", type=click.IntRange(0, 86400), default=30, show_default=True,
              help="Seconds a query may run (0: no limit).")
@click.option("--max-result-bytes", type=click.IntRange(1024), default=64 * 1024 * 1024, show_default=True,
              help="Largest response sent; bigger ones get 422 (add a LIMIT), or are cut off once streaming.")
@click.option("--backends", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Oxigraph processes, one query each at a time [default: limit serve.backends].")
@click.option("--web", is_flag=True, help="Also serve the browser view (patent list, reports, a compound box) "
                                          "on HOST:WEB-PORT, beside the SPARQL endpoint.")
@click.option("--web-port", type=click.IntRange(0, 65535), default=None,
              help="Port of the browser view  [default: PORT + 1]")
def serve_command(store_dir: Path, host: str, port: int, timeout_s: int, max_result_bytes: int,
                  backends: int | None, web: bool, web_port: int | None) -> None:
    """Serve the store read-only as a SPARQL 1.1 endpoint at http://HOST:PORT/query.

    Serves a snapshot taken at start: builds made while it runs are seen after a restart.
    SERVICE is refused; slow clients, runaway queries, crowds and large results are bounded
    (limits serve.* in cephkg/data/limits.toml).
    """
    from dataclasses import replace

    from ..store.serve import ServeOptions, SparqlServer

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(f"warning: listening on {host}: anyone who can reach it can query the graph",
                    fg="yellow", err=True)
    options = ServeOptions(host, port, timeout_s, max_result_bytes)
    if backends is not None:
        options = replace(options, backends=backends)
    server = SparqlServer(store_dir, options)
    try:
        server.start()
    except CephkgError as exc:
        _fail(str(exc))
    click.echo(f"serving {store_dir} read-only at {server.query_url} (Ctrl-C to stop)", err=True)
    pages = None
    if web:
        from ..report.web import ReportServer, ReportSite, WebOptions

        web_options = WebOptions(host, web_port if web_port is not None else (port + 1 if port else 0),
                                 sparql_url=server.query_url)
        try:
            pages = ReportServer(ReportSite.from_store(store_dir, web_options))
            pages.start()
        except CephkgError as exc:
            server.stop()
            _fail(str(exc))
        click.echo(f"browser view at {pages.url}/", err=True)
    try:
        server.serve_forever()
    except CephkgError as exc:
        _fail(str(exc))
    finally:
        if pages is not None:
            pages.stop()
