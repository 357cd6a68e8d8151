"""The pages in a real browser (headless Debian Chromium): opened from disk and served.

Each page must load with no network request and no console error; every claim, structure
and species must be on it; the links between claims must lead to the claim; every
picture must be a drawn SVG of the size it says. Screenshots go to tests/artefacts/ (not
kept in git), and the README's screenshots (docs/images/) are made here, so they show the
pages as they are.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser import (
    BROKEN_LINKS,
    SVG_CHECK,
    chromium,
    console_errors,
    full_page_screenshot,
    requested_urls,
    save_readme_screenshot,
)
from selenium.webdriver.support.ui import WebDriverWait
from test_report import REAL_IDS, hostile_patent

from cephkg.chem.coverage import covers
from cephkg.report import ReportServer, ReportSite, StoredPatent, WebOptions, coverage_page, render_coverage, write_reports
from cephkg.report.render import write_text
from conftest import POM_ESTER, REAL
from seeds import ID_000, ID_002, ROOT
from servers import oxigraph_or_skip

pytestmark = pytest.mark.browser

IMAGES = ROOT / "docs" / "images"

#: both examples and every real claim set
PATENTS = 2 + len(list(REAL.glob("*.txt")))


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium() as d:
        yield d


@pytest.fixture(scope="module")
def reports(stored: dict[str, StoredPatent], tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reports")
    files = write_reports([stored[p] for p in [ID_002, ID_000, *REAL_IDS]], folder)
    assert files.failed == ()
    return folder


def open_clean(driver: Any, url: str) -> None:
    """Open ``url`` and check it asked for nothing else and printed no error."""
    requested_urls(driver)
    console_errors(driver)  # drain the logs of earlier pages
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"
    others = [u for u in requested_urls(driver) if u.split("#")[0] != url.split("#", maxsplit=1)[0]]
    assert others == [], f"{url} made requests: {others}"
    assert driver.execute_script("return performance.getEntriesByType('resource').length") == 0
    assert console_errors(driver) == []


def check_pictures(driver: Any, expected: int) -> None:
    pictures = driver.execute_script(SVG_CHECK)
    assert len(pictures) == expected
    for p in pictures:
        assert (round(p["w"]), round(p["h"])) == (p["attrW"], p["attrH"]), p
        # something is drawn, inside the picture (a lone atom such as zinc is one or two letters)
        assert p["paths"] >= 1 and 0 < p["drawnW"] <= p["attrW"] and 0 < p["drawnH"] <= p["attrH"], p
        if p["paths"] > 20:  # a structure of some size is more than a dot (bonds are drawn 30 px long at most)
            assert p["drawnW"] > 60 and p["drawnH"] > 40, p


def ids(driver: Any, selector: str) -> list[str]:
    return list(driver.execute_script(f"return [...document.querySelectorAll('{selector}')].map(e => e.id)"))


@pytest.mark.parametrize("pid", [ID_002, ID_000, *REAL_IDS])
def test_a_report_opens_from_disk_with_everything_on_it(driver: Any, reports: Path, stored: dict[str, StoredPatent],
                                                        pid: str, artefacts: Path) -> None:
    patent = stored[pid].record.patent
    structures = stored[pid].scope.structures
    url = (reports / f"{pid}.html").as_uri()
    open_clean(driver, url)
    assert ids(driver, "section.claim") == [f"claim-{c.number}" for c in patent.claims]
    assert ids(driver, ".card.structure") == [f"structure-{s.claim}-{s.formula}" for s in
                                              sorted(structures.structures if structures else (),
                                                     key=lambda s: (s.claim, s.formula))]
    assert ids(driver, ".card.species") == [f"species-{c.number}-{s.index}" for c in patent.claims for s in c.species]
    assert driver.execute_script(BROKEN_LINKS) == []
    drawn_species = sum(1 for c in patent.claims for s in c.species
                        if stored[pid].scope.species[(c.number, s.index)].target is not None)
    route_pictures = len(driver.find_elements("css selector", ".participant svg.mol"))
    check_pictures(driver, len(ids(driver, ".card.structure")) + drawn_species + route_pictures)
    full_page_screenshot(driver, artefacts / f"report-{pid}.png")
    if pid == ID_002:
        driver.set_window_size(1280, 900)
        driver.get(url)
        save_readme_screenshot(driver, IMAGES / "report.png")
        driver.set_window_size(1400, 1000)


def test_the_links_between_claims_lead_to_the_claim(driver: Any, reports: Path) -> None:
    open_clean(driver, (reports / f"{ID_002}.html").as_uri())
    cite = driver.find_element("css selector", "#claim-13 a.m-cite")
    assert cite.text == "11"
    cite.click()
    assert driver.current_url.endswith("#claim-11")
    assert driver.execute_script("return document.querySelector(':target').id") == "claim-11"
    driver.find_element("css selector", "#claim-13 a.m-species").click()
    assert driver.execute_script("return document.querySelector(':target').id") == "species-13-1"
    covered = driver.find_elements("css selector", "#species-13-1 .covered a[data-claim]")
    assert [a.text for a in covered] == ["claim 1", "claim 2", "claim 4", "claim 11", "claim 13"]
    driver.find_element("css selector", "#claim-1 a.m-formula").click()
    assert driver.execute_script("return document.querySelector(':target').id") == "structure-1-1"
    # an OCR repair shows its original on hover
    repair = driver.find_element("css selector", "#claim-2 .m-repair")
    assert repair.get_attribute("title") == "OCR repair (variable-notation): the text had “R^1”"


def test_hostile_claim_text_is_inert_in_the_browser(driver: Any, tmp_path: Path) -> None:
    files = write_reports([hostile_patent()], tmp_path)
    open_clean(driver, files.written[0].as_uri())  # an alert would fail here (unexpected alert)
    assert driver.execute_script("return document.querySelectorAll('script, img, iframe, b').length") == 0
    assert '<script>alert("x")</script>' in driver.find_element("css selector", "#claim-1 .claim-text").text


def test_the_coverage_page_of_the_pom_ester(driver: Any, stored: dict[str, StoredPatent], tmp_path: Path,
                                            artefacts: Path) -> None:
    scopes = [s.scope for s in stored.values()]
    page = coverage_page(covers(POM_ESTER, scopes), scopes)
    path = tmp_path / "covers.html"
    write_text(path, render_coverage(page))
    open_clean(driver, path.as_uri())
    hits = driver.find_elements("css selector", "section.verdict[data-group=hits]")
    assert [(h.get_attribute("data-patent"), h.get_attribute("data-claim")) for h in hits][:5] == [
        (ID_002, "1"), (ID_002, "2"), (ID_002, "4"), (ID_002, "11"), (ID_002, "13")]
    claim11 = driver.find_element("css selector", f"#hits-{ID_002}-claim-11")
    r2 = claim11.find_element("css selector", "li.group[data-variable=R2]")
    assert r2.find_element("css selector", ".term").text == "lower alkanoyloxy(lower)alkoxycarbonyl"
    colour = r2.get_attribute("data-colour")
    atoms = [int(a) for a in r2.get_attribute("data-atoms").split()]
    assert len(atoms) == 11
    fills = driver.execute_script("""
        const svg = arguments[0].querySelector('svg.mol');
        return arguments[1].map(i => { const e = svg.querySelector('ellipse.atom-' + i);
                                       return e ? e.style.fill : null; });""", claim11, atoms)
    swatch = driver.execute_script("return getComputedStyle(arguments[0]).backgroundColor",
                                   r2.find_element("css selector", ".swatch"))
    assert len(set(fills)) == 1 and fills[0] == swatch, (fills, swatch, colour)
    miss = driver.find_element("css selector", f"#near_misses-{ID_002}-claim-14")
    failed = miss.find_element("css selector", "li.group.failed")
    assert failed.get_attribute("data-variable") == "R2"
    assert "higher allows 7 to 20 (claim 14)" in failed.text
    # the query, claims 1, 2, 4, 11, 13 and 20 (composition, treatment and use claims refer to claim 1's), 6 near misses
    check_pictures(driver, 1 + 6 + 6)
    full_page_screenshot(driver, artefacts / "covers-pom-ester.png")
    driver.set_window_size(1280, 900)
    driver.execute_script("arguments[0].scrollIntoView()", claim11)
    save_readme_screenshot(driver, IMAGES / "covers.png")
    driver.set_window_size(1400, 1000)


@pytest.mark.server
def test_the_served_pages_beside_the_sparql_endpoint(driver: Any, report_store_dir: Path, artefacts: Path) -> None:
    oxigraph_or_skip()
    from cephkg.store.serve import ServeOptions, SparqlServer

    with SparqlServer(report_store_dir, ServeOptions(port=0)) as sparql:
        site = ReportSite.from_store(report_store_dir, WebOptions(port=0, sparql_url=sparql.query_url))
        with ReportServer(site) as web:
            open_clean(driver, web.url + "/")
            rows = driver.find_elements("css selector", "tr[data-patent]")
            assert len(rows) == PATENTS
            assert driver.find_element("id", "sparql-link").get_attribute("href") == sparql.query_url
            box = driver.find_element("id", "compound")
            box.send_keys(POM_ESTER)
            driver.set_window_size(1280, 900)
            save_readme_screenshot(driver, IMAGES / "browser.png")
            driver.set_window_size(1400, 1000)
            full_page_screenshot(driver, artefacts / "browser-index.png")
            requested_urls(driver)
            driver.find_element("css selector", "#compound-form button").click()  # a plain form: no script
            # the click returns before the answer page has loaded: wait for it (coverage takes a moment)
            WebDriverWait(driver, 60).until(lambda d: d.current_url.startswith(web.url + "/covers?compound="))
            assert all(u.startswith(web.url) for u in requested_urls(driver))
            assert console_errors(driver) == []
            claims = [e.get_attribute("data-claim") for e in
                      driver.find_elements("css selector", f"section.verdict[data-group=hits][data-patent='{ID_002}']")]
            assert claims[:5] == ["1", "2", "4", "11", "13"]
            full_page_screenshot(driver, artefacts / "browser-covers.png")
            driver.find_element("link text", f"{ID_002} claim 11").click()
            assert driver.current_url == f"{web.url}/patent/{ID_002}#claim-11"
            assert driver.execute_script("return document.querySelector(':target').id") == "claim-11"
            assert console_errors(driver) == []
            driver.find_element("id", "nav-home").click()
            assert driver.current_url == web.url + "/"
