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
2. **The ``oxigraph`` server binary** in ``serve-read-only`` mode on that snapshot,
   bound to an ephemeral loopback port: a complete, fast SPARQL 1.1 Protocol
   implementation (GET/POST, content negotiation) that refuses every update with
   403, with a per-query timeout (``--timeout-s``).
3. **A small stdlib proxy** on the public ``host:port`` (loopback by default), for the
   limits Oxigraph does not enforce well enough. *Timeout*: Oxigraph's ``--timeout-s``
   fires after it has already sent ``200 OK`` (the client would get a broken body),
   and some operators (``ORDER BY``) never check it. The proxy turns the first case
   into ``504``, and when a query outlives the timeout by a grace period it answers
   ``504`` and restarts Oxigraph on the same snapshot (50 ms; queries in flight get
   502) so a runaway query cannot hold a core forever. *Result size*: Oxigraph has no
   limit, so the proxy enforces one: a response larger than
   ``max_result_bytes`` is not relayed; the client gets ``422 Result Too Large`` and is
   told to add a ``LIMIT`` (a 4xx, so clients do not retry it). A byte limit rather than
   a row limit because it is what protects memory and the network whatever the format
   or row width, and it needs no parsing. The proxy forwards only ``/query`` and the
   query UI at ``/`` and graph store reads (``GET /store?graph=…``); it answers 403
   to ``/update`` and to every write on ``/store`` (as Oxigraph read-only would).
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox

from ..errors import ServeError

__all__ = ["ServeError", "ServeOptions", "SparqlServer", "oxigraph_binary", "snapshot"]

SNAPSHOTS = "serve-snapshots"
_CHUNK = 64 * 1024
_MAX_REQUEST_BYTES = 1024 * 1024  # what Oxigraph itself accepts as a SPARQL body
_CANCELLED = b"The SPARQL operation has been cancelled"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 7878
    #: Seconds a query may run (then the client gets 504); 0 for no limit.
    timeout_s: int = 30
    #: Largest response relayed to the client.
    max_result_bytes: int = 64 * 1024 * 1024
    #: Seconds to wait for the Oxigraph server to accept connections.
    start_timeout_s: float = 15.0
    #: Seconds Oxigraph gets, after its own timeout, to stop a query before it is restarted.
    grace_s: float = 5.0


def oxigraph_binary() -> str:
    """The ``oxigraph`` executable: ``$CEPHKG_OXIGRAPH``, next to this Python, or on ``PATH``."""
    candidates = [os.environ.get("CEPHKG_OXIGRAPH"), str(Path(sys.executable).parent / "oxigraph"),
                  shutil.which("oxigraph")]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return c
    raise ServeError("the Oxigraph server is not installed: pip install 'oxigraph>=0.5,<0.6' "
                     "(or set CEPHKG_OXIGRAPH to its path)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # Linux: a killed process not yet reaped is a zombie, dead for our purpose
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


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
        if old.name.split("-")[0].isdigit() and not _alive(int(old.name.split("-")[0])):
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


class _Proxy(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, address: tuple[str, int], options: ServeOptions,
                 on_runaway: Callable[[], None]) -> None:
        self.backend: tuple[str, int] = ("127.0.0.1", 0)
        self.options = options
        self.on_runaway = on_runaway
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Proxy
    server_version = "cephkg-serve"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, message: str, reason: str | None = None) -> None:
        body = (message + "\n").encode("utf-8")
        self.close_connection = True  # the request body may be unread: never reuse this connection
        self.send_response(status, reason)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

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

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_REQUEST_BYTES:
            self._reply(413, f"requests are limited to {_MAX_REQUEST_BYTES} bytes")
            return
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("accept", "content-type")}
        opts = self.server.options
        deadline = time.monotonic() + opts.timeout_s + opts.grace_s if opts.timeout_s else None
        timed_out = f"the query ran for more than {opts.timeout_s} s and was stopped"
        conn = http.client.HTTPConnection(*self.server.backend, timeout=_remaining(deadline))
        try:
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = bytearray()
            while True:
                if conn.sock is not None:
                    conn.sock.settimeout(_remaining(deadline))
                chunk = resp.read1(_CHUNK)
                if not chunk:
                    break
                data += chunk
                if len(data) > opts.max_result_bytes:
                    self._reply(422, f"the result is larger than {opts.max_result_bytes} bytes: "
                                     "add a LIMIT to the query", "Result Too Large")
                    return
            if data.endswith(_CANCELLED):  # Oxigraph's timeout fired after it had sent "200 OK"
                self._reply(504, timed_out, "Query Timeout")
                return
            self.send_response(resp.status, resp.reason)
            self.send_header("Content-Type", resp.getheader("Content-Type", "application/octet-stream"))
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)
        except TimeoutError:
            # Oxigraph did not cancel it (some operators, e.g. ORDER BY, never check): the only
            # way to get the CPU back is to restart the server; other queries in flight get 502.
            self.server.on_runaway()
            self._reply(504, timed_out, "Query Timeout")
        except (OSError, http.client.HTTPException) as exc:
            self._reply(502, f"the SPARQL server did not answer: {exc}")
        finally:
            conn.close()


def _remaining(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.01, deadline - time.monotonic())


class SparqlServer:
    """The read-only endpoint: snapshot + ``oxigraph serve-read-only`` + limiting proxy.

    Use as a context manager, or ``start()`` / ``stop()``. The Oxigraph child is started
    and restarted by a supervisor thread that lives as long as the server (on Linux the
    child is tied to the thread that started it, and dies with it, even by SIGKILL).
    """

    def __init__(self, store_dir: Path | str, options: ServeOptions = ServeOptions()) -> None:
        self.store_dir = Path(store_dir)
        self.options = options
        self.snapshot_dir: Path | None = None
        self.restarts = 0
        self._proxy: _Proxy | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._binary = ""
        self._proxy_thread: threading.Thread | None = None
        self._supervisor: threading.Thread | None = None
        self._ready = threading.Event()
        self._restart = threading.Event()
        self._stopping = threading.Event()
        self._failure: ServeError | None = None
        self._spawned = threading.Condition()
        self._generation = 0

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
    def backend_address(self) -> tuple[str, int]:
        if self._proxy is None:
            raise ServeError("the server is not started")
        return self._proxy.backend

    def __enter__(self) -> SparqlServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        """Bind the public port, snapshot the store, start Oxigraph and wait until it answers."""
        self._binary = oxigraph_binary()
        try:
            self._proxy = _Proxy((self.options.host, self.options.port), self.options, self._restart_backend)
        except OSError as exc:
            raise ServeError(f"cannot listen on {self.options.host}:{self.options.port}: {exc.strerror or exc}"
                             " (pick another --port)") from exc
        try:
            self.snapshot_dir = snapshot(self.store_dir)
            self._supervisor = threading.Thread(target=self._supervise, name="cephkg-serve-oxigraph", daemon=True)
            self._supervisor.start()
            if not self._ready.wait(self.options.start_timeout_s + 5):
                raise ServeError("the Oxigraph server did not start")
            if self._failure is not None:
                raise self._failure
        except BaseException:
            self.stop()
            raise
        self._proxy_thread = threading.Thread(target=self._proxy.serve_forever, name="cephkg-serve", daemon=True)
        self._proxy_thread.start()

    def _restart_backend(self) -> None:
        """Ask the supervisor for a fresh Oxigraph; return once it answers (or gave up)."""
        with self._spawned:
            generation = self._generation
            self._restart.set()
            self._spawned.wait_for(lambda: self._generation > generation or self._stopping.is_set()
                                   or self._failure is not None, self.options.start_timeout_s + 5)

    def _supervise(self) -> None:
        try:
            self._spawn()
        except ServeError as exc:
            self._failure = exc
        finally:
            self._ready.set()
        while not self._stopping.is_set() and self._failure is None:
            if not self._restart.wait(0.2):
                if self._process is not None and self._process.poll() is not None:
                    self._failure = ServeError(f"the Oxigraph server stopped (code {self._process.returncode}): "
                                               f"{self._backend_log()}")
                continue
            self._restart.clear()
            if self._stopping.is_set():
                break
            self._kill_backend()
            try:
                self._spawn()
                self.restarts += 1
            except ServeError as exc:
                self._failure = exc
            with self._spawned:
                self._generation += 1
                self._spawned.notify_all()
        self._kill_backend()

    def _spawn(self) -> None:
        if self.snapshot_dir is None or self._proxy is None:
            raise ServeError("the server is not started")
        port = _free_loopback_port()
        args = [self._binary, "serve-read-only", "--location", str(self.snapshot_dir),
                "--bind", f"127.0.0.1:{port}"]
        if self.options.timeout_s > 0:
            args += ["--timeout-s", str(self.options.timeout_s)]
        if self._log is None:
            self._log = tempfile.TemporaryFile()  # noqa: SIM115 - kept open for the backend's lifetime
        self._process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                         preexec_fn=_die_with_parent if sys.platform == "linux" else None)  # noqa: PLW1509 - prctl only, no Python state
        deadline = time.monotonic() + self.options.start_timeout_s
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ServeError(f"the Oxigraph server exited with code {self._process.returncode}: "
                                 f"{self._backend_log()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                self._proxy.backend = ("127.0.0.1", port)
                return
            except OSError:
                time.sleep(0.02)
        raise ServeError(f"the Oxigraph server did not start within {self.options.start_timeout_s:g} s: "
                         f"{self._backend_log()}")

    def _kill_backend(self) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(5)
        self._process = None

    def _backend_log(self) -> str:
        if self._log is None:
            return ""
        self._log.seek(0)
        return " ".join(self._log.read()[-2000:].decode("utf-8", "replace").split()) or "(no output)"

    def serve_forever(self) -> None:
        """Block until :meth:`stop`, SIGTERM or Ctrl-C (then stop); raise if Oxigraph dies."""
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
        self._restart.set()
        if self._proxy is not None:
            if self._proxy_thread is not None:
                self._proxy.shutdown()
            self._proxy.server_close()
            self._proxy = None
        self._proxy_thread = None
        if self._supervisor is not None:
            self._supervisor.join(15)
            self._supervisor = None
        self._kill_backend()
        if self._log is not None:
            self._log.close()
            self._log = None
        if self.snapshot_dir is not None:
            shutil.rmtree(self.snapshot_dir, ignore_errors=True)
            self.snapshot_dir = None


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
