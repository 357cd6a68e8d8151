"""Test helpers for the triple-store tests: built seed stores, and servers on free loopback ports.

Every server here is started by the test that needs it, on a port the OS picked, in
a temporary folder, and stopped with bounded waits. Fixtures defined here are
imported by the test modules (``from servers import seed_dir``), not by conftest.py.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self

import pytest

from cephkg.store.build import build
from cephkg.store.local import KnowledgeStore
from cephkg.store.remote import Endpoints

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "patents"
ID_000 = "000_50eb0af36841656b"
ID_002 = "002_90b12462b97cb7e0"
START_TIMEOUT = 15.0

_built: dict[str, Path] = {}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[Any] | None = None, timeout: float = START_TIMEOUT) -> float:
    """Seconds until something accepts connections on ``127.0.0.1:port`` (fails after ``timeout``)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the server exited with code {process.returncode} before listening")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return time.monotonic() - start
        except OSError:
            time.sleep(0.02)
    raise AssertionError(f"nothing listening on 127.0.0.1:{port} after {timeout} s")


def oxigraph_or_skip() -> str:
    from cephkg.store.serve import ServeError, oxigraph_binary

    try:
        return oxigraph_binary()
    except ServeError as exc:
        pytest.skip(str(exc))
        raise  # unreachable


def build_store(folder: Path, files: dict[str, Path] | None = None) -> Path:
    """Build the seed patents (and ``files``: patent id -> claims file) into a store in ``folder``; closed after."""
    paths: list[Path] = [EXAMPLES]
    ids: dict[str, str] = {}
    for pid, path in (files or {}).items():
        paths.append(path)
        ids[str(path)] = pid
    with KnowledgeStore(folder) as store:
        report = build(paths, store, patent_ids=ids)
    assert not report.failed, report.failed
    return folder


@pytest.fixture(scope="session")
def seed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store folder with both seed patents (built once per test session, then only read)."""
    if "seeds" not in _built:
        _built["seeds"] = build_store(tmp_path_factory.mktemp("seeds"))
    return _built["seeds"]


@pytest.fixture(scope="session")
def many_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus four copies of seed 000 under other ids: seven graphs to push, with the ontology."""
    if "many" not in _built:
        copies = {f"copy-{i}": EXAMPLES / f"{ID_000}.txt" for i in range(1, 5)}
        folder = tmp_path_factory.mktemp("many")
        sources = folder / "sources"
        sources.mkdir()
        files = {}
        for pid, src in copies.items():
            files[pid] = sources / f"{pid}.txt"
            shutil.copy(src, files[pid])
        _built["many"] = build_store(folder / "store", files)
    return _built["many"]


@dataclass
class OxigraphServer:
    """``oxigraph serve`` (read-write) on a free loopback port, its data in ``location``."""

    location: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    start_seconds: float = 0.0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints.for_server(self.base, "oxigraph")

    def start(self) -> OxigraphServer:
        binary = oxigraph_or_skip()
        self.process = subprocess.Popen(
            [binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.start_seconds = wait_for_port(self.port, self.process)
        return self

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush (what a crash or OOM kill does)."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
        self.process = None


@pytest.fixture()
def oxigraph(tmp_path: Path) -> Iterator[OxigraphServer]:
    server = OxigraphServer(tmp_path / "oxigraph-server").start()
    try:
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class LoopbackHTTP:
    """A stdlib HTTP server on a free loopback port, run in a thread while the ``with`` block lasts."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


class RecordingServer(LoopbackHTTP):
    """A stdlib HTTP server that records each request and answers the next scripted status
    (then 204): stands in for a store to check headers, retries and refusals."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.requests: list[Recorded] = []
        self.statuses = list(statuses or [])
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                owner.requests.append(Recorded(self.command, self.path, dict(self.headers.items()), body))
                status = owner.statuses.pop(0) if owner.statuses else 204
                payload = b"" if status == 204 else f"scripted {status}".encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_PUT = do_POST = do_GET = _any

        super().__init__(Handler)


class SparqlService(LoopbackHTTP):
    """A host-only SPARQL "service" that answers one row and records every request: what a
    query's ``SERVICE`` clause would make the host fetch (the tests assert it never is)."""

    ANSWER = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"secret of the host"}}]}}'

    def __init__(self) -> None:
        self.contacted: list[str] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                owner.contacted.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(SparqlService.ANSWER)))
                self.end_headers()
                self.wfile.write(SparqlService.ANSWER)

            do_POST = do_GET

        super().__init__(Handler)

    @property
    def url(self) -> str:
        return self.base + "/sparql"


class KillingProxy:
    """Forwards requests to an :class:`OxigraphServer`; the ``kill_on``-th PUT/POST write gets
    only its headers and half its body through, then the server is SIGKILLed mid-request and
    the client's connection dropped. Afterwards every request gets 502 (the server is gone)."""

    def __init__(self, backend: OxigraphServer, kill_on: int) -> None:
        self.backend = backend
        self.kill_on = kill_on
        self.writes = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                if self.command in ("PUT", "POST") and "/query" not in self.path:
                    owner.writes += 1
                    if owner.writes == owner.kill_on:
                        owner._half_then_kill(self.command, self.path, headers, body)
                        self.close_connection = True
                        return  # no answer: the client sees the connection drop
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", owner.backend.port, timeout=10)
                    conn.request(self.command, self.path, body=body, headers=headers)
                    resp = conn.getresponse()
                    data, status = resp.read(), resp.status
                    conn.close()
                except OSError:
                    data, status = b"backend down", 502
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_PUT = do_POST = do_GET = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _half_then_kill(self, method: str, path: str, headers: dict[str, str], body: bytes) -> None:
        with socket.create_connection(("127.0.0.1", self.backend.port), timeout=10) as s:
            head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
            s.sendall(head.encode("latin-1") + f"Host: 127.0.0.1:{self.backend.port}\r\n\r\n".encode())
            s.sendall(body[: len(body) // 2])
            time.sleep(0.3)  # let the server start on the request (a GSP PUT clears the graph first)
            self.backend.kill()

    @property
    def endpoints(self) -> Endpoints:
        return Endpoints.for_server(f"http://127.0.0.1:{self._server.server_address[1]}", "oxigraph")

    def __enter__(self) -> KillingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def listening_addresses(port: int) -> set[str]:
    """Linux: the IPv4/IPv6 addresses with a socket LISTENing on ``port`` (from /proc/net/tcp*)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as fh:
            next(fh)
            for line in fh:
                local, state = line.split()[1], line.split()[3]
                addr, hexport = local.split(":")
                if state == "0A" and int(hexport, 16) == port:
                    found.add(_decode_addr(addr))
    return found


def _decode_addr(hexaddr: str) -> str:
    raw = bytes.fromhex(hexaddr)
    if len(raw) == 4:
        return socket.inet_ntop(socket.AF_INET, raw[::-1])
    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
    return socket.inet_ntop(socket.AF_INET6, words)


_VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{isql_port}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = ., {dir}
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 5
ServerThreads = 5

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@dataclass
class VirtuosoServer:
    """A throwaway Virtuoso 7 (Debian's ``virtuoso-opensource-7-bin``) in ``folder``, on free
    loopback ports, with SPARQL updates allowed to anonymous clients (test only!)."""

    folder: Path
    http_port: int = field(default_factory=free_port)
    isql_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def start(self) -> VirtuosoServer:
        binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        if not binary or not isql:
            pytest.skip("Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)")
        self.folder.mkdir(parents=True, exist_ok=True)
        ini = self.folder / "virtuoso.ini"
        ini.write_text(_VIRTUOSO_INI.format(dir=self.folder, isql_port=self.isql_port, http_port=self.http_port))
        self.process = subprocess.Popen([binary, "+configfile", str(ini), "+foreground"], cwd=self.folder,
                                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_for_port(self.http_port, self.process, timeout=60)
        grant = 'GRANT SPARQL_UPDATE TO "SPARQL"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET (\'nobody\', 7);'
        subprocess.run([isql, f"127.0.0.1:{self.isql_port}", "dba", "dba", f"exec={grant}"],
                       check=True, timeout=60, capture_output=True)
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    server = VirtuosoServer(tmp_path_factory.mktemp("virtuoso"))
    try:
        yield server.start()
    finally:
        server.stop()
