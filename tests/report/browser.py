"""Headless Debian Chromium driven by Selenium through /usr/bin/chromedriver, for the browser tests.

The browser is installed by ``scripts/setup.sh test`` (apt packages ``chromium`` and
``chromium-driver``); when it is missing the tests fail, they never skip. Chromium starts
with a new, empty profile and every background service off (this machine's closed
network refuses them), and logs the console and the DevTools network events so a test
can prove a page made no request and printed no error.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1"]


@contextmanager
def chromium(width: int = 1400, height: int = 1000) -> Iterator[Any]:
    if not (CHROMIUM.is_file() and CHROMEDRIVER.is_file()):
        pytest.fail(f"{CHROMIUM} or {CHROMEDRIVER} is missing: run 'bash scripts/setup.sh test' "
                    "(installs Debian's chromium and chromium-driver)")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="cephkg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


#: Schemes of the browser's own resources (e.g. the clear icon of a search box): never the network.
BROWSER_INTERNAL = ("chrome://", "chrome-extension://", "devtools://", "data:", "about:")


def requested_urls(driver: Any) -> list[str]:
    """Every URL the page asked for since the last call (DevTools Network.requestWillBeSent),
    the browser's own internal resources excepted."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(BROWSER_INTERNAL):
                urls.append(url)
    return urls


def console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def full_page_screenshot(driver: Any, path: Path, max_height: int = 16000) -> None:
    """A screenshot of the whole page (up to ``max_height`` pixels)."""
    width = int(driver.execute_script("return document.documentElement.clientWidth"))
    height = min(max_height, int(driver.execute_script("return document.documentElement.scrollHeight")))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(path))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


SVG_CHECK = """
return [...document.querySelectorAll('svg.mol')].map(svg => {
  const r = svg.getBoundingClientRect();
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const p of svg.querySelectorAll('path')) {  // what is drawn: bonds and letters, not the background
    const b = p.getBBox();
    x0 = Math.min(x0, b.x); y0 = Math.min(y0, b.y); x1 = Math.max(x1, b.x + b.width); y1 = Math.max(y1, b.y + b.height);
  }
  return {w: r.width, h: r.height, attrW: parseFloat(svg.getAttribute('width')),
          attrH: parseFloat(svg.getAttribute('height')), paths: svg.querySelectorAll('path').length,
          drawnW: x1 - x0, drawnH: y1 - y0, label: svg.getAttribute('aria-label')};
});
"""

BROKEN_LINKS = """
return [...document.querySelectorAll('a[href^="#"]')]
  .map(a => a.getAttribute('href').slice(1)).filter(id => id && !document.getElementById(id));
"""


def save_readme_screenshot(driver: Any, path: Path, tolerance: float = 0.01) -> bool:
    """Keep the README's screenshot current: rewrite ``path`` only when the page looks different.

    A new PNG differs in bytes on every run (the endpoint's port, anti-aliasing), so the file is
    replaced only when more than ``tolerance`` of its pixels changed, or its size did; returns
    whether it was written.
    """
    import io

    from PIL import Image, ImageChops

    new = driver.get_screenshot_as_png()
    if path.is_file():
        old_image = Image.open(path).convert("RGB")
        new_image = Image.open(io.BytesIO(new)).convert("RGB")
        if old_image.size == new_image.size:
            diff = ImageChops.difference(old_image, new_image).convert("L").point(lambda v: 255 if v > 24 else 0)
            changed = sum(1 for v in diff.getdata() if v) / (diff.size[0] * diff.size[1])
            if changed <= tolerance:
                return False
    path.write_bytes(new)
    return True
