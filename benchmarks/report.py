"""Benchmark the pages: page weight, time to make them, and time for Chromium to render them.

Usage: python benchmarks/report.py [--repeat N]    (writes benchmarks/report-results.md)

Builds the examples and the real claim sets into a temporary store, then for every patent
measures the report's weight and the time to make it (drawings included: the drawing
cache is cleared before each run), the same for the coverage page of cefdinir's
pivaloyloxymethyl ester, and for the largest page the time headless Chromium (Debian's
/usr/bin/chromium through /usr/bin/chromedriver) takes to load and paint it from disk.
A benchmark, not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import platform
import re
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from cephkg import KnowledgeStore, build
from cephkg.chem.coverage import covers
from cephkg.report import coverage_page, load_patents, patent_report, render_coverage, render_report
from cephkg.report.patent import clear_drawing_cache

ROOT = Path(__file__).resolve().parents[1]
POM = "Nc1nc(/C(=N/O)C(=O)NC2C(=O)N3C(C(=O)OCOC(=O)C(C)(C)C)=C(C=C)CSC23)cs1"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def timed(fn, repeat):  # type: ignore[no-untyped-def]
    samples, result = [], None
    for _ in range(repeat):
        clear_drawing_cache()
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000, min(samples) * 1000, result


def browser_times(paths: list[Path], repeat: int) -> dict[Path, tuple[float, float, float]]:
    """(median ms to DOMContentLoaded, to the load event, to first contentful paint) per page."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cephkg-bench-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in [*FLAGS, f"--user-data-dir={profile}", "--window-size=1400,1000"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    out = {}
    try:
        for path in paths:
            dcl, load, paint = [], [], []
            for _ in range(repeat):
                driver.get("about:blank")
                driver.get(path.as_uri())
                time.sleep(0.2)
                t = driver.execute_script("""
                    const n = performance.getEntriesByType('navigation')[0];
                    const p = performance.getEntriesByName('first-contentful-paint')[0];
                    return [n.domContentLoadedEventEnd, n.loadEventEnd, p ? p.startTime : -1];""")
                dcl.append(t[0])
                load.append(t[1])
                paint.append(t[2])
            out[path] = (statistics.median(dcl), statistics.median(load), statistics.median(paint))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        with KnowledgeStore(folder / "store") as store:
            build([ROOT / "examples" / "patents", ROOT / "tests" / "data" / "real-claims"], store)
            patents, _ = load_patents(store)
        pages = {}
        for stored in patents:
            med, best, html = timed(lambda s=stored: render_report(patent_report(s)), args.repeat)
            path = folder / f"{stored.patent_id}.html"
            path.write_text(html, encoding="utf-8")
            pages[path] = html
            rows.append((f"report {stored.patent_id}", med, best, html))
        scopes = [p.scope for p in patents]
        med, best, html = timed(lambda: render_coverage(coverage_page(covers(POM, scopes), scopes)), args.repeat)
        path = folder / "covers-pom-ester.html"
        path.write_text(html, encoding="utf-8")
        pages[path] = html
        rows.append(("covers page: cefdinir pivoxil against all 10 patents", med, best, html))
        largest = sorted(pages, key=lambda p: len(pages[p].encode()), reverse=True)[:2]
        shown = browser_times(largest, args.repeat)
    lines = ["# Page benchmarks", "",
             f"`python benchmarks/report.py --repeat {args.repeat}` on {platform.machine()}, Python "
             f"{platform.python_version()}, {platform.system()}; the examples and the real claim sets. "
             "Making a page includes drawing every picture (the drawing cache is cleared each time). "
             "Weight is the page's bytes (UTF-8); pictures are inline SVG.", "",
             "| page | make: median ms | best ms | weight KiB | pictures | SVG share |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for name, med, best, html in rows:
        size = len(html.encode())
        svg = sum(len(m.group().encode()) for m in re.finditer(r"<svg class='mol'.*?</svg>", html, re.S))
        lines.append(f"| {name} | {med:.0f} | {best:.0f} | {size / 1024:.0f} | {html.count(chr(60) + 'svg class=')} | "
                     f"{100 * svg / size:.0f}% |")
    lines += ["", "Headless Chromium opening the largest pages from disk (median of the repeats, ms from navigation start):",
              "", "| page | DOMContentLoaded | load | first contentful paint |", "| --- | ---: | ---: | ---: |"]
    for path, (dcl, load, paint) in shown.items():
        lines.append(f"| {path.name} | {dcl:.0f} | {load:.0f} | {paint:.0f} |")
    out = ROOT / "benchmarks" / "report-results.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
