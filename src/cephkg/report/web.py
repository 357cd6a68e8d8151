"""The browser view: patent list, report pages and a compound box, beside the SPARQL endpoint.

A small read-only HTTP app (stdlib ``http.server``, one thread per request) that
``cephkg serve --web`` starts on its own loopback port next to the SPARQL endpoint:

* ``GET /`` — the patents in the store, the compound box and a link (and a query box)
  to the SPARQL endpoint;
* ``GET /patent/<id>`` — the patent's report (the same page ``cephkg report`` writes);
* ``GET /covers?compound=…[&patent=…]`` — the coverage page of a compound.

Like ``serve`` it works on a snapshot: the patents' records are read from the store once,
at start (the store is held for an instant, as ``serve`` does for its snapshot), so a
build running later is neither blocked nor seen. Names typed into the compound box are
resolved by OPSIN with a private copy of the store's name cache (nothing is written to
the store). Work is bounded: a compound longer than :attr:`WebOptions.max_compound` is
refused, at most :attr:`WebOptions.concurrency` coverage questions run at once (others
get ``503`` with ``Retry-After``), a slow client is cut off after
:attr:`WebOptions.socket_timeout_s`, and pages are kept in a small cache. Every method
but ``GET`` and ``HEAD`` is refused with ``405``.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from ..chem.coverage import covers
from ..errors import CephkgError, ReportError
from ..store.local import KnowledgeStore
from ..store.scopes import opsin_cache
from .coverage import coverage_page
from .patent import patent_report
from .render import Nav, patent_row, render_coverage, render_error, render_index, render_report
from .source import StoredPatent, load_patents

__all__ = ["ReportServer", "ReportSite", "WebOptions"]


@dataclass(frozen=True, slots=True)
class WebOptions:
    host: str = "127.0.0.1"
    port: int = 7879
    #: The SPARQL endpoint shown beside the pages (``cephkg serve``'s ``/query``), if any.
    sparql_url: str | None = None
    #: Longest compound (SMILES, InChI or name) accepted, in characters.
    max_compound: int = 2000
    #: Coverage questions answered at once; more get 503.
    concurrency: int = 2
    #: Seconds a client may take to send its request.
    socket_timeout_s: float = 30.0
    #: Pages kept rendered.
    cache_pages: int = 64


class _Cache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[Any, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, make: Callable[[], str]) -> str:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        page = make()
        with self._lock:
            self._items[key] = page
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return page


class Busy(Exception):
    """Too many coverage questions at once."""


class ReportSite:
    """The pages of one store snapshot, made on demand and cached."""

    def __init__(self, patents: list[StoredPatent], options: WebOptions = WebOptions(),
                 cache_path: Path | None = None, warning: str | None = None) -> None:
        self.patents = {p.patent_id: p for p in patents}
        self.options = options
        self.cache_path = cache_path
        self.warning = warning
        self._pages = _Cache(options.cache_pages)
        self._slots = threading.BoundedSemaphore(max(1, options.concurrency))
        self._workdir: Path | None = None

    @classmethod
    def from_store(cls, store_dir: Path | str, options: WebOptions = WebOptions()) -> ReportSite:
        """Read every complete patent of the store once; the store is closed again at once."""
        with KnowledgeStore(store_dir, create=False) as store:
            patents, warning = load_patents(store)
            cache = opsin_cache(store)
        site = cls(patents, options, None, warning)
        site._workdir = Path(tempfile.mkdtemp(prefix="cephkg-web-"))
        if cache is not None and cache.is_file():
            shutil.copyfile(cache, site._workdir / cache.name)
        site.cache_path = site._workdir / "opsin-cache.json"
        return site

    def close(self) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    @property
    def nav(self) -> Nav:
        return Nav(home="/", covers="/covers", sparql=self.options.sparql_url)

    def form(self, value: str = "") -> dict[str, Any]:
        return {"action": "/covers", "value": value, "maxlength": self.options.max_compound}

    def index(self) -> str:
        def make() -> str:
            rows = [patent_row(patent_report(p), f"/patent/{urllib.parse.quote(pid)}")
                    for pid, p in sorted(self.patents.items())]
            return render_index(rows, self.nav, form=self.form(), sparql=self.options.sparql_url,
                                warning=self.warning)
        return self._pages.get(("index",), make)

    def patent(self, patent_id: str) -> str | None:
        stored = self.patents.get(patent_id)
        if stored is None:
            return None
        return self._pages.get(("patent", patent_id), lambda: render_report(patent_report(stored), self.nav))

    def covers(self, compound: str, patents: list[str]) -> str:
        """The coverage page; raises :class:`Busy`, or a :class:`CephkgError` for a bad compound."""
        chosen = [self.patents[p] for p in patents if p in self.patents] if patents else list(self.patents.values())
        key = ("covers", compound, tuple(sorted(p.patent_id for p in chosen)))

        def make() -> str:
            if not self._slots.acquire(blocking=False):
                raise Busy()
            try:
                scopes = [p.scope for p in chosen]
                result = covers(compound, scopes, self.cache_path)
                page = coverage_page(result, scopes, href=lambda pid, n: f"/patent/{urllib.parse.quote(pid)}#claim-{n}")
            finally:
                self._slots.release()
            return render_coverage(page, self.nav, form=self.form(compound))
        return self._pages.get(key, make)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 32

    def __init__(self, address: tuple[str, int], site: ReportSite) -> None:
        self.site = site
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "cephkg-web"
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.site.options.socket_timeout_s)  # a slow client is cut off

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: str, extra: dict[str, str] | None = None) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        # the pages load nothing from anywhere: say so, so a browser refuses anything else
        self.send_header("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                         "form-action 'self'" + (f" {self._origin(self.server.site.options.sparql_url)}"
                                                 if self.server.site.options.sparql_url else "")
                         + "; base-uri 'none'; frame-ancestors 'none'")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    @staticmethod
    def _origin(url: str | None) -> str:
        parts = urllib.parse.urlsplit(url or "")
        return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""

    def _error(self, status: int, heading: str, message: str, extra: dict[str, str] | None = None) -> None:
        site = self.server.site
        self._send(status, render_error(status, heading, message, site.nav, site.form()), extra)

    def _refuse(self) -> None:
        self.close_connection = True
        self._error(405, "Read-only", f"{self.command} is not allowed: these pages are read-only",
                    {"Allow": "GET, HEAD", "Connection": "close"})

    do_POST = do_PUT = do_DELETE = do_PATCH = _refuse

    def do_GET(self) -> None:
        site = self.server.site
        parts = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(parts.path)
        query = urllib.parse.parse_qs(parts.query, max_num_fields=20)
        try:
            if path in ("/", "/index.html"):
                self._send(200, site.index())
            elif path.startswith("/patent/"):
                page = site.patent(path[len("/patent/"):])
                if page is None:
                    self._error(404, "No such patent", f"no patent {path[len('/patent/'):]!r} in the store "
                                f"(known: {', '.join(sorted(site.patents)) or 'none'})")
                else:
                    self._send(200, page)
            elif path == "/covers":
                compound = (query.get("compound") or [""])[0].strip()
                if not compound:
                    self._send(200, render_error(200, "Which claims cover a compound?",
                                                 "Give a compound: SMILES, InChI or a chemical name.", site.nav,
                                                 site.form()))
                elif len(compound) > site.options.max_compound:
                    self._error(413, "Compound too long",
                                f"a compound is at most {site.options.max_compound} characters")
                else:
                    self._send(200, site.covers(compound, query.get("patent") or []))
            else:
                self._error(404, "Not found", f"nothing at {path}: the pages are /, /patent/<id> and /covers")
        except Busy:
            self._error(503, "Busy", "other coverage questions are being answered; try again in a moment",
                        {"Retry-After": "2"})
        except CephkgError as exc:
            self._error(400, "Cannot answer", str(exc))
        except Exception as exc:
            self._error(500, "Internal error", f"the page could not be made: {exc!r}")

    do_HEAD = do_GET


class ReportServer:
    """The browser view on ``host:port`` (loopback by default); a context manager, or ``start()``/``stop()``."""

    def __init__(self, site: ReportSite) -> None:
        self.site = site
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        opts = self.site.options
        try:
            self._server = _Server((opts.host, opts.port), self.site)
        except OSError as exc:
            raise ReportError(f"cannot listen on {opts.host}:{opts.port}: {exc.strerror or exc} "
                              "(pick another --web-port)") from exc
        self._thread = threading.Thread(target=self._server.serve_forever, name="cephkg-web", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        if self._server is None:
            raise ReportError("the browser view is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        if self._server is not None:
            if self._thread is not None:
                self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._thread = None
        self.site.close()

    def __enter__(self) -> ReportServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
