"""``cephkg serve``: a read-only SPARQL 1.1 Protocol endpoint over the local store.

Three parts, each for a reason:

1. **A snapshot.** The embedded store is a RocksDB folder locked by whichever process
   writes it (``cephkg build``). Oxigraph's ``serve-read-only`` can open a folder that
   another process holds, but its documentation calls reading while another process
   writes "undefined behavior" (and a read-only open of a store being compacted does
   fail with missing-file "corruption" errors). So the server gets its own
   point-in-time copy: ``Store.backup`` (a RocksDB checkpoint: hard links, milliseconds)
   into ``<store>/serve-snapshots/<pid>``, taken while holding the lock for an instant.
   A build running at that moment makes ``serve`` fail with a clear message; once
   serving, builds are neither blocked nor visible (restart ``serve`` to see them).
2. **A pool of ``oxigraph serve-read-only`` processes** on that snapshot (``backends``,
   two by default), each bound to an ephemeral loopback port and given **one query at a
   time**. Oxigraph is a complete SPARQL 1.1 Protocol implementation that refuses every
   update, and cancels a query that outlives ``--timeout-s`` itself. A query it does not
   cancel (``ORDER BY`` over a huge join never checks) holds only its own backend: when
   it outlives the timeout by ``grace_s``, that one process is killed and replaced
   (about 50 ms), and only that query's client gets 504. Nobody else is dropped.
3. **A small stdlib proxy** on the public ``host:port`` (loopback by default), for what
   Oxigraph does not do:

   * *No SERVICE*: a query holding a SERVICE clause is refused with 400 before any
     backend sees it (:mod:`cephkg.store.sparql`), so the endpoint never fetches a URL a
     client names (request forgery from the host).
   * *Bounded connections and time*: at most ``max_connections`` open client connections
     (more get 503 at once); a client must send its whole request within
     ``read_timeout_s`` or loses the connection (slow clients cannot pin the server);
     a query waits at most ``queue_wait_s`` for a free backend (then 503, ``Retry-After``).
   * *Bounded memory*: request bodies over ``max_request_bytes`` get 413 unread; responses
     are streamed through a small buffer. A response that ends within the first buffer is
     checked whole (a ``200`` whose body is Oxigraph's "cancelled" message becomes 504, one
     over ``max_result_bytes`` becomes ``422 Result Too Large``); a longer one is relayed
     chunked as it arrives, and cut off (no final chunk: the client sees an incomplete
     response) if it passes ``max_result_bytes`` or turns out cancelled.
   * *Nothing internal leaks*: error bodies are one line of cephkg's words; no stack
     trace, backend address or Oxigraph log reaches a client.

   It forwards ``/query``, the query UI at ``/`` and graph store reads
   (``GET /store?graph=…``); it answers 403 to ``/update`` and to every write on
   ``/store`` (as Oxigraph read-only would).

Every default comes from ``cephkg/data/limits.toml`` (section ``serve``), with its reason.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..errors import ServeError
from ..files import process_alive
from ..limits import limit
from .sparql import has_service

__all__ = ["ServeError", "ServeOptions", "SparqlServer", "oxigraph_binary", "snapshot"]

SNAPSHOTS = "serve-snapshots"
_CHUNK = 64 * 1024
_BUFFER = 256 * 1024  # a response that ends within this is checked whole before it is sent
_CANCELLED = b"The SPARQL operation has been cancelled"


def _limit_int(name: str) -> Any:
    return field(default_factory=lambda: int(limit(name)))


def _limit_float(name: str) -> Any:
    return field(default_factory=lambda: float(limit(name)))


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """How ``cephkg serve`` listens and what it allows; defaults from ``limits.toml`` (``serve.*``)."""

    host: str = "127.0.0.1"
    port: int = 7878
    #: Seconds a query may run (then the client gets 504); 0 for no limit.
    timeout_s: int = _limit_int("serve.timeout_s")
    #: Largest response relayed to the client.
    max_result_bytes: int = _limit_int("serve.max_result_bytes")
    #: Seconds to wait for an Oxigraph process to accept connections.
    start_timeout_s: float = 15.0
    #: Seconds Oxigraph gets, after its own timeout, to stop a query before its process is replaced.
    grace_s: float = _limit_float("serve.grace_s")
    #: Oxigraph processes, each running one query at a time.
    backends: int = _limit_int("serve.backends")
    #: Open client connections at once; more get 503.
    max_connections: int = _limit_int("serve.max_connections")
    #: Seconds a client has to send a whole request.
    read_timeout_s: float = _limit_float("serve.read_timeout_s")
    #: Seconds a query may wait for a free backend before it gets 503.
    queue_wait_s: float = _limit_float("serve.queue_wait_s")
    #: Largest request body read.
    max_request_bytes: int = _limit_int("serve.max_request_bytes")


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable: ``$CEPHKG_OXIGRAPH``, next to this Python, or on ``PATH``."""
    candidates = [os.environ.get("CEPHKG_OXIGRAPH"), str(Path(sys.executable).parent / "oxigraph"),
                  shutil.which("oxigraph")]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    raise ServeError("the Oxigraph server is not installed: pip install 'oxigraph>=0.5,<0.6' "
                     "(or set CEPHKG_OXIGRAPH to its path)")


def snapshot(store_dir: Path) -> Path:
    """A private point-in-time copy of the store's Oxigraph folder, for the server alone.

    Also removes the snapshots of ``serve`` processes that died without cleaning up.
    """
    source = store_dir / "oxigraph"
    if not (source / "CURRENT").is_file():
        raise ServeError(f"no store at {store_dir} (run 'cephkg build … --store {store_dir}' first)")
    root = store_dir / SNAPSHOTS
    root.mkdir(exist_ok=True)
    for old in root.iterdir():
        if old.name.split("-")[0].isdigit() and not process_alive(int(old.name.split("-")[0])):
            shutil.rmtree(old, ignore_errors=True)
    target = root / f"{os.getpid()}-{time.time_ns()}"
    try:
        store = ox.Store(str(source))
    except OSError as exc:
        if "lock" in str(exc).lower():
            raise ServeError(f"the store at {store_dir} is in use by another process (a running "
                             "'cephkg build'?); serve it once that has finished") from exc
        raise ServeError(f"cannot open the store at {store_dir}: {exc}") from exc
    try:
        store.flush()
        store.backup(str(target))
    except (OSError, RuntimeError) as exc:
        shutil.rmtree(target, ignore_errors=True)
        raise ServeError(f"cannot snapshot the store at {store_dir}: {exc}") from exc
    finally:
        del store  # releases the RocksDB lock now, not at garbage collection
    return target


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """Linux: the Oxigraph child gets SIGTERM if the thread that started it dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


# -- backends -------------------------------------------------------------------------------

class _Backend:
    """One ``oxigraph serve-read-only`` process; runs one query at a time."""

    def __init__(self, process: subprocess.Popen[bytes], port: int) -> None:
        self.process = process
        self.port = port

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


class _Pool:
    """The backends; a query leases one for its whole run, a runaway's is replaced.

    Processes are only ever started by the supervisor thread (``wanted`` asks it for
    one): on Linux a child dies with the thread that started it, and the supervisor
    lives as long as the server, while a request's thread does not.
    """

    def __init__(self, server: SparqlServer) -> None:
        self.server = server
        self.idle: queue.Queue[_Backend] = queue.Queue()
        self.all: list[_Backend] = []
        self.lock = threading.Lock()
        self.closed = False
        self.wanted: queue.Queue[threading.Event] = queue.Queue()

    def start(self, size: int) -> None:
        for _ in range(size):
            self.add(self.server.spawn())

    def add(self, backend: _Backend) -> None:
        with self.lock:
            if self.closed:
                backend.kill()
                return
            self.all.append(backend)
        self.idle.put(backend)

    def acquire(self, timeout: float) -> _Backend | None:
        try:
            return self.idle.get(timeout=timeout)
        except queue.Empty:
            return None

    def release(self, backend: _Backend) -> None:
        if backend.alive:
            self.idle.put(backend)
        else:
            self.replace(backend)

    def replace(self, backend: _Backend, wait: float = 0.0) -> None:
        """Kill ``backend`` (it may be running a runaway query); the supervisor starts a fresh one.

        ``wait``: seconds to wait for the fresh one to be in the pool (the caller's client
        already has its answer; waiting only keeps the pool full before the next query).
        """
        backend.kill()
        with self.lock:
            if backend not in self.all:
                return
            self.all.remove(backend)
            if self.closed:
                return
        done = threading.Event()
        self.wanted.put(done)
        if wait:
            done.wait(wait)

    def close(self) -> None:
        with self.lock:
            self.closed = True
            backends, self.all = list(self.all), []
        for b in backends:
            b.kill()


# -- proxy ----------------------------------------------------------------------------------

class _Proxy(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], options: ServeOptions) -> None:
        self.options = options
        self.pool: _Pool | None = None
        self.slots = threading.BoundedSemaphore(options.max_connections)
        self.rejecters = threading.BoundedSemaphore(64)
        self.watched: dict[socket.socket, float] = {}
        self.watch_lock = threading.Lock()
        self.closed = threading.Event()
        super().__init__(address, _Handler)
        self._watchdog = threading.Thread(target=self._watch, name="cephkg-serve-watchdog", daemon=True)
        self._watchdog.start()

    def server_close(self) -> None:
        self.closed.set()
        super().server_close()

    # bounded connections: one thread per connection, at most max_connections of them
    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            if self.rejecters.acquire(blocking=False):  # told why, by a short-lived thread
                threading.Thread(target=self._reject, args=(request,), daemon=True).start()
            else:  # a flood: just close
                self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def _reject(self, request: socket.socket) -> None:
        """503 to a connection over the limit: read its request (1 s at most), answer, close."""
        try:
            request.settimeout(1.0)
            head = b""
            with contextlib.suppress(OSError):
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    chunk = request.recv(65536)
                    if not chunk:
                        break
                    head += chunk
            with contextlib.suppress(OSError):
                request.sendall(_plain(503, "Service Unavailable", "the server is busy: too many open connections; "
                                       "try again shortly", retry_after=1))
                request.shutdown(socket.SHUT_WR)
                while request.recv(65536):  # let the client read the answer before the socket goes
                    pass
        finally:
            with contextlib.suppress(OSError):
                request.close()
            self.rejecters.release()

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.unwatch(request)
            self.slots.release()

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that went away mid-answer is not an error worth a traceback

    # read deadlines: a connection must deliver each whole request in time
    def watch(self, conn: socket.socket, seconds: float) -> None:
        with self.watch_lock:
            self.watched[conn] = time.monotonic() + seconds

    def unwatch(self, conn: socket.socket) -> None:
        with self.watch_lock:
            self.watched.pop(conn, None)

    def _watch(self) -> None:
        while not self.closed.wait(0.25):
            now = time.monotonic()
            with self.watch_lock:
                late = [c for c, deadline in self.watched.items() if deadline <= now]
                for c in late:
                    del self.watched[c]
            for c in late:
                with contextlib.suppress(OSError):
                    c.shutdown(socket.SHUT_RDWR)


def _plain(status: int, reason: str, message: str, retry_after: int | None = None) -> bytes:
    body = (message + "\n").encode("utf-8")
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n"
            + (f"Retry-After: {retry_after}\r\n" if retry_after else "") + "\r\n")
    return head.encode("latin-1") + body


class _Timeout(Exception):
    """The query outlived the timeout and its grace."""


class _Handler(BaseHTTPRequestHandler):
    server: _Proxy
    server_version = "cephkg-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def version_string(self) -> str:
        return "cephkg-serve"

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.options.read_timeout_s)

    def handle_one_request(self) -> None:
        # the next request (line, headers and body) must arrive within read_timeout_s
        self.server.watch(self.connection, self.server.options.read_timeout_s)
        try:
            super().handle_one_request()
        finally:
            self.server.unwatch(self.connection)

    def _reply(self, status: int, message: str, reason: str | None = None, retry_after: int | None = None) -> None:
        body = (message + "\n").encode("utf-8")
        self.close_connection = True  # the request body may be unread: never reuse this connection
        self.send_response(status, reason)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        if retry_after:
            self.send_header("Retry-After", str(retry_after))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Malformed requests: one line of text, nothing of Python's error page."""
        if self.request_version == "HTTP/0.9":  # the request line did not parse: answer in HTTP/1.1 anyway
            self.request_version = "HTTP/1.1"
        with contextlib.suppress(OSError):
            self._reply(code, message or self.responses.get(code, ("error",))[0])

    def _route(self) -> None:
        path = self.path.split("?", 1)[0]
        reads = self.command in ("GET", "HEAD")
        if path == "/update" or (path.startswith("/store") and not reads):
            self._reply(403, "this endpoint is read-only: updates are refused")
        elif (path == "/query" and self.command in ("GET", "POST")) or (path.startswith("/store") and reads) \
                or (path == "/" and self.command == "GET"):
            self._forward()
        elif path in ("/query", "/"):
            self._reply(405, f"{self.command} is not allowed on {path}")
        else:
            self._reply(404, f"nothing at {path}: the SPARQL endpoint is /query")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _route

    def _read_body(self) -> bytes | None:
        """The request body (None when there is none); 413 / 411 answered here (returns ``b""``)."""
        opts = self.server.options
        if self.headers.get("Transfer-Encoding", "").lower() not in ("", "identity"):
            self._reply(411, "send the query with a Content-Length (chunked requests are not accepted)")
            return b""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            self._reply(400, "the Content-Length is not a number")
            return b""
        if length > opts.max_request_bytes:
            self._reply(413, f"requests are limited to {opts.max_request_bytes} bytes")
            return b""
        if not length:
            return None
        body = self.rfile.read(length)
        if len(body) < length:  # the client stopped sending (or the read deadline cut it off)
            self.close_connection = True
            return b""
        return body

    def _queries(self, body: bytes | None) -> list[str]:
        """Every text a backend could read as a query: URL parameters, form fields, a raw body."""
        texts = [v for k, v in urllib.parse.parse_qsl(self.path.partition("?")[2], keep_blank_values=True)
                 if k in ("query", "update")]
        if body:
            ctype = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
            text = body.decode("utf-8", "replace")
            if ctype == "application/x-www-form-urlencoded":
                texts += [v for _, v in urllib.parse.parse_qsl(text, keep_blank_values=True)]
            else:
                texts.append(text)
        return texts

    def _forward(self) -> None:
        body = self._read_body()
        if body == b"":
            return
        self.server.unwatch(self.connection)  # the request is in: from here on, the query's timeout rules
        if any(has_service(t) for t in self._queries(body)):
            self._reply(400, "SERVICE (federated query) is refused: this endpoint does not fetch other endpoints")
            return
        pool = self.server.pool
        opts = self.server.options
        backend = pool.acquire(opts.queue_wait_s) if pool is not None else None
        if backend is None:
            self._reply(503, "the server is busy: every query slot is taken; try again shortly", retry_after=2)
            return
        try:
            self._relay(backend, body)
        except _Timeout:
            self._timed_out(backend)
            backend = None
        finally:
            if backend is not None:
                pool.release(backend)  # type: ignore[union-attr]

    def _timed_out(self, backend: _Backend) -> None:
        """A query Oxigraph did not stop: replace its backend (only this query was on it), then answer
        504 if nothing was sent yet (else cut the response off)."""
        pool = self.server.pool
        if pool is not None:
            pool.replace(backend, wait=self.server.options.start_timeout_s)
        if not getattr(self, "_started", False):
            with contextlib.suppress(OSError):
                self._reply(504, self._timeout_text(), "Query Timeout")
        else:
            self.close_connection = True

    def _timeout_text(self) -> str:
        return f"the query ran for more than {self.server.options.timeout_s} s and was stopped"

    def _relay(self, backend: _Backend, body: bytes | None) -> None:
        opts = self.server.options
        self._started = False
        deadline = time.monotonic() + opts.timeout_s + opts.grace_s if opts.timeout_s else None
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")}
        conn = http.client.HTTPConnection("127.0.0.1", backend.port, timeout=_remaining(deadline))
        try:
            try:
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                first, done = self._read_some(conn, resp, deadline, min(_BUFFER, opts.max_result_bytes + 1))
            except TimeoutError:
                raise _Timeout from None
            except (OSError, http.client.HTTPException):
                self._reply(502, "the SPARQL engine failed while answering this query")
                return
            if len(first) > opts.max_result_bytes:
                self._reply(422, f"the result is larger than {opts.max_result_bytes} bytes: add a LIMIT to the query",
                            "Result Too Large")
                return
            if done:
                if first.endswith(_CANCELLED) or (resp.status >= 500 and _CANCELLED in first):
                    self._reply(504, self._timeout_text(), "Query Timeout")
                    return
                self.send_response(resp.status, resp.reason)
                self.send_header("Content-Type", resp.getheader("Content-Type", "application/octet-stream"))
                self.send_header("Content-Length", str(len(first)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(first)
                return
            self._stream(conn, resp, first, deadline)
        finally:
            conn.close()

    def _read_some(self, conn: http.client.HTTPConnection, resp: http.client.HTTPResponse, deadline: float | None,
                   size: int) -> tuple[bytes, bool]:
        """Up to ``size`` bytes of the response; whether that was all of it."""
        data = bytearray()
        while len(data) < size:
            if conn.sock is not None:
                conn.sock.settimeout(_remaining(deadline))
            chunk = resp.read1(_CHUNK)
            if not chunk:
                return bytes(data), True
            data += chunk
        return bytes(data), False

    def _stream(self, conn: http.client.HTTPConnection, resp: http.client.HTTPResponse, first: bytes,
                deadline: float | None) -> None:
        """Relay a long response as it comes; cut it off (no final chunk) if it grows too large or was cancelled."""
        opts = self.server.options
        chunked = self.request_version == "HTTP/1.1"
        self.send_response(resp.status, resp.reason)
        self.send_header("Content-Type", resp.getheader("Content-Type", "application/octet-stream"))
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self._started = True
        if self.command == "HEAD":
            return
        total = len(first)
        hold = len(_CANCELLED)  # the tail is held back until the end: it may be Oxigraph's "cancelled"
        pending = first
        try:
            while True:
                if len(pending) > hold:
                    self._write(pending[:-hold], chunked)
                    pending = pending[-hold:]
                if conn.sock is not None:
                    conn.sock.settimeout(_remaining(deadline))
                chunk = resp.read1(_CHUNK)
                if not chunk:
                    break
                total += len(chunk)
                if total > opts.max_result_bytes:
                    self.close_connection = True  # cut off: the client sees an incomplete response
                    return
                pending += chunk
        except TimeoutError:
            raise _Timeout from None
        except (OSError, http.client.HTTPException):
            self.close_connection = True
            return
        if pending.endswith(_CANCELLED):
            self.close_connection = True
            return
        self._write(pending, chunked)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def _write(self, data: bytes, chunked: bool) -> None:
        if not data:
            return
        if chunked:
            self.wfile.write(f"{len(data):x}\r\n".encode("ascii") + data + b"\r\n")
        else:
            self.wfile.write(data)


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.01, deadline - time.monotonic())


class SparqlServer:
    """The read-only endpoint: snapshot + a pool of ``oxigraph serve-read-only`` + limiting proxy.

    Use as a context manager, or ``start()`` / ``stop()``. Oxigraph processes are started
    by a supervisor thread that lives as long as the server (on Linux a child is tied to
    the thread that started it, and dies with it, even by SIGKILL); a backend that must
    be replaced is replaced by the thread that found it so, which is also alive as long
    as the process is.
    """

    def __init__(self, store_dir: Path | str, options: ServeOptions | None = None) -> None:
        self.store_dir = Path(store_dir)
        self.options = options if options is not None else ServeOptions()
        self.snapshot_dir: Path | None = None
        self.restarts = 0
        self._proxy: _Proxy | None = None
        self._pool: _Pool | None = None
        self._log: IO[bytes] | None = None
        self._log_lock = threading.Lock()
        self._binary = ""
        self._proxy_thread: threading.Thread | None = None
        self._supervisor: threading.Thread | None = None
        self._ready = threading.Event()
        self._stopping = threading.Event()
        self._failure: ServeError | None = None

    @property
    def address(self) -> tuple[str, int]:
        """Where the endpoint listens (the real port when ``port`` was 0)."""
        if self._proxy is None:
            raise ServeError("the server is not started")
        host, port = self._proxy.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://{host}:{port}"

    @property
    def query_url(self) -> str:
        return self.url + "/query"

    @property
    def backend_addresses(self) -> list[tuple[str, int]]:
        if self._pool is None:
            raise ServeError("the server is not started")
        with self._pool.lock:
            return [("127.0.0.1", b.port) for b in self._pool.all]

    @property
    def backend_address(self) -> tuple[str, int]:
        return self.backend_addresses[0]

    def __enter__(self) -> SparqlServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Bind the public port, snapshot the store, start the Oxigraph pool and wait until it answers."""
        self._binary = oxigraph_binary()
        try:
            self._proxy = _Proxy((self.options.host, self.options.port), self.options)
        except OSError as exc:
            raise ServeError(f"cannot listen on {self.options.host}:{self.options.port}: {exc.strerror or exc}"
                             " (pick another --port)") from exc
        try:
            self.snapshot_dir = snapshot(self.store_dir)
            self._pool = _Pool(self)
            self._proxy.pool = self._pool
            self._supervisor = threading.Thread(target=self._supervise, name="cephkg-serve-oxigraph", daemon=True)
            self._supervisor.start()
            if not self._ready.wait(self.options.start_timeout_s * max(1, self.options.backends) + 5):
                raise ServeError("the Oxigraph server did not start")
            if self._failure is not None:
                raise self._failure
        except BaseException:
            self.stop()
            raise
        self._proxy_thread = threading.Thread(target=self._proxy.serve_forever, name="cephkg-serve", daemon=True)
        self._proxy_thread.start()

    def fail(self, exc: ServeError) -> None:
        if self._failure is None and not self._stopping.is_set():
            self._failure = exc

    def _supervise(self) -> None:
        pool = self._pool
        if pool is None:
            return
        try:
            pool.start(max(1, self.options.backends))
        except ServeError as exc:
            self._failure = exc
        finally:
            self._ready.set()
        while not self._stopping.is_set() and self._failure is None:
            try:
                done = pool.wanted.get(timeout=0.5)
            except queue.Empty:
                with pool.lock:
                    dead = [b for b in pool.all if not b.alive]
                for b in dead:  # crashed while idle: replace it (a leased one is replaced on release)
                    if self._take_idle(b):
                        pool.replace(b)
                continue
            if self._stopping.is_set():
                done.set()
                break
            try:
                pool.add(self.spawn())
                self.restarts += 1
            except ServeError as exc:
                self.fail(exc)
            finally:
                done.set()
        pool.close()

    def _take_idle(self, backend: _Backend) -> bool:
        """Remove ``backend`` from the idle queue if it is there (it is not leased)."""
        if self._pool is None:
            return False
        kept, found = [], False
        while True:
            try:
                b = self._pool.idle.get_nowait()
            except queue.Empty:
                break
            if b is backend:
                found = True
            else:
                kept.append(b)
        for b in kept:
            self._pool.idle.put(b)
        return found

    def spawn(self) -> _Backend:
        """Start one Oxigraph process on the snapshot and wait until it accepts connections."""
        if self.snapshot_dir is None:
            raise ServeError("the server is not started")
        port = _free_loopback_port()
        args = [self._binary, "serve-read-only", "--location", str(self.snapshot_dir),
                "--bind", f"127.0.0.1:{port}"]
        if self.options.timeout_s > 0:
            args += ["--timeout-s", str(self.options.timeout_s)]
        with self._log_lock:
            if self._log is None:
                self._log = tempfile.TemporaryFile()  # noqa: SIM115 - kept open for the backends' lifetime
            log = self._log
        process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                   preexec_fn=_die_with_parent if sys.platform == "linux" else None)  # noqa: PLW1509 - prctl only, no Python state
        deadline = time.monotonic() + self.options.start_timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise ServeError(f"the Oxigraph server exited with code {process.returncode}: {self._backend_log()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return _Backend(process, port)
            except OSError:
                time.sleep(0.02)
        process.kill()
        process.wait(5)
        raise ServeError(f"the Oxigraph server did not start within {self.options.start_timeout_s:g} s: "
                         f"{self._backend_log()}")

    def _backend_log(self) -> str:
        with self._log_lock:
            if self._log is None:
                return ""
            self._log.seek(0, os.SEEK_END)
            size = self._log.tell()
            self._log.seek(max(0, size - 2000))
            return " ".join(self._log.read().decode("utf-8", "replace").split()) or "(no output)"

    def serve_forever(self) -> None:
        """Block until :meth:`stop`, SIGTERM or Ctrl-C (then stop); raise if Oxigraph cannot be (re)started."""
        if self._proxy_thread is None:
            raise ServeError("the server is not started")
        previous = signal.signal(signal.SIGTERM, _raise_interrupt) \
            if threading.current_thread() is threading.main_thread() else None
        try:
            while self._proxy_thread.is_alive():
                if self._failure is not None:
                    raise self._failure
                self._proxy_thread.join(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
            self.stop()

    def stop(self) -> None:
        """Stop the proxy and Oxigraph, and delete the snapshot. Safe to call twice."""
        self._stopping.set()
        if self._proxy is not None:
            if self._proxy_thread is not None:
                self._proxy.shutdown()
            self._proxy.server_close()
            self._proxy = None
        self._proxy_thread = None
        if self._supervisor is not None:
            self._supervisor.join(15)
            self._supervisor = None
        if self._pool is not None:
            self._pool.close()
        with self._log_lock:
            if self._log is not None:
                self._log.close()
                self._log = None
        if self.snapshot_dir is not None:
            shutil.rmtree(self.snapshot_dir, ignore_errors=True)
            self.snapshot_dir = None


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
