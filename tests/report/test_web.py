"""The browser view over HTTP: pages, limits, read-only; and ``cephkg serve --web`` beside the SPARQL endpoint."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from cephkg.report import ReportServer, ReportSite, WebOptions
from conftest import POM_ESTER, REAL
from seeds import ID_000, ID_002
from servers import free_port, oxigraph_or_skip, wait_for_port

#: both examples and every real claim set
PATENTS = 2 + len(list(REAL.glob("*.txt")))


def get(url: str, method: str = "GET", body: bytes | None = None) -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, data=body, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read().decode("utf-8")


@pytest.fixture(scope="module")
def web(report_store_dir: Path) -> Iterator[ReportServer]:
    site = ReportSite.from_store(report_store_dir, WebOptions(port=0, sparql_url="http://127.0.0.1:9/query",
                                                              max_compound=300))
    with ReportServer(site) as server:
        yield server


def test_the_home_page_lists_the_patents_with_the_compound_box_and_the_endpoint(web: ReportServer) -> None:
    status, headers, html = get(web.url + "/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert f'<a href="/patent/{ID_002}">{ID_002}</a>' in html
    assert html.count("<tr data-patent=") == PATENTS
    assert '<form class="compound" method="get" action="/covers" id="compound-form">' in html
    assert '<a href="http://127.0.0.1:9/query" id="sparql-link">' in html


def test_a_patent_page_is_its_report(web: ReportServer) -> None:
    status, _h, html = get(web.url + f"/patent/{ID_000}")
    assert status == 200
    assert f'<h1 id="patent" data-patent="{ID_000}">' in html
    assert '<a href="/" id="nav-home">patents</a>' in html
    status, _h, html = get(web.url + "/patent/nope")
    assert status == 404
    assert "no patent &#39;nope&#39; in the store" in html


def test_the_compound_box_answers_coverage(web: ReportServer) -> None:
    status, _h, html = get(web.url + "/covers?" + urllib.parse.urlencode({"compound": POM_ESTER}))
    assert status == 200
    assert f'<a href="/patent/{ID_002}#claim-11">{ID_002} claim 11</a>' in html
    assert "lower alkanoyloxy(lower)alkoxycarbonyl" in html
    assert f'value="{POM_ESTER}"' in html  # the box keeps what was asked
    status, _h, html = get(web.url + "/covers?" + urllib.parse.urlencode({"compound": POM_ESTER, "patent": ID_000}))
    assert status == 200 and "No claim covers this compound." in html


def test_bad_input_gets_a_clear_answer_not_a_crash(web: ReportServer) -> None:
    status, _h, html = get(web.url + "/covers?compound=" + urllib.parse.quote("C1CC(" ))
    assert status == 400
    assert "Cannot answer" in html
    status, _h, html = get(web.url + "/covers?compound=" + "C" * 301)
    assert status == 413 and "at most 300 characters" in html
    status, _h, html = get(web.url + "/covers")
    assert status == 200 and "Give a compound" in html
    status, _h, _html = get(web.url + "/nothing-here")
    assert status == 404


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_the_pages_are_read_only(web: ReportServer, method: str) -> None:
    status, headers, _html = get(web.url + "/covers", method, b"compound=C")
    assert (status, headers["Allow"]) == (405, "GET, HEAD")


def test_coverage_questions_beyond_the_limit_get_503(report_store_dir: Path) -> None:
    site = ReportSite.from_store(report_store_dir, WebOptions(port=0, concurrency=1))
    with ReportServer(site) as server:
        site._slots.acquire()  # one question in flight
        try:
            status, headers, html = get(server.url + "/covers?compound=CCO")
        finally:
            site._slots.release()
        assert (status, headers["Retry-After"]) == (503, "2")
        assert "try again" in html
        status, _h, _html = get(server.url + "/covers?compound=CCO")
        assert status == 200


def test_the_site_does_not_write_to_the_store(report_store_dir: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in report_store_dir.glob("*.json")}
    site = ReportSite.from_store(report_store_dir, WebOptions(port=0))
    try:
        assert site.cache_path is not None and report_store_dir not in site.cache_path.parents
    finally:
        site.close()
    assert {p: p.stat().st_mtime_ns for p in report_store_dir.glob("*.json")} == before


@pytest.mark.server
def test_cli_serve_web_serves_the_pages_beside_the_sparql_endpoint(report_store_dir: Path) -> None:
    oxigraph_or_skip()
    port, web_port = free_port(), free_port()
    process = subprocess.Popen([sys.executable, "-c", "from cephkg.cli import main; main()", "serve",
                                "--store", str(report_store_dir),
                                "--port", str(port), "--web", "--web-port", str(web_port)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        wait_for_port(web_port, process, timeout=60)
        status, _h, html = get(f"http://127.0.0.1:{web_port}/")
        assert status == 200
        sparql = f"http://127.0.0.1:{port}/query"
        assert f'<a href="{sparql}" id="sparql-link">' in html
        query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        req = urllib.request.Request(sparql + "?" + urllib.parse.urlencode({"query": query}),
                                     headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            n = int(json.loads(resp.read())["results"]["bindings"][0]["n"]["value"])
        assert n > 1000
        status, _h, _html = get(f"http://127.0.0.1:{web_port}/patent/{ID_002}")
        assert status == 200
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    assert f"browser view at http://127.0.0.1:{web_port}/" in err.decode()
