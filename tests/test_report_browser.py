"""The report in a real browser: headless Chromium opens a generated report from a file URL, through selenium and the
system's chromedriver (given explicitly, so selenium manager downloads nothing; it listens on loopback, which
pytest-socket allows). Skipped with the reason where Chromium, chromedriver or selenium is missing."""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from summarizer.report import batch_report, load_results, meeting_graph, merge_actors

from .test_report_data import write_batch

CHROMIUM = os.environ.get("SUMMARIZER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("SUMMARIZER_CHROMEDRIVER", "/usr/bin/chromedriver")
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1400,1000"]

pytestmark = pytest.mark.browser


def _missing() -> str | None:
    """Why the browser test cannot run here, or None."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path, package in ((CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")):
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            return f"{path} not found (apt-get install {package})"
    return None


@pytest.fixture(scope="module")
def browser():
    """A headless Chromium with a fresh profile, its console log kept."""
    reason = _missing()
    if reason:
        pytest.skip(reason)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="report-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def open_page(driver, path: Path) -> list[dict]:
    """Load a file and wait for the report's script; returns the console messages so far."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.documentElement.dataset.ready"))
    return driver.get_log("browser")


def click(driver, css: str):
    """Scroll an element to the middle of the window and click it like a user."""
    element = driver.find_element("css selector", css)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)
    element.click()
    return element


def count(driver, css: str) -> int:
    return driver.execute_script("return document.querySelectorAll(arguments[0]).length", css)


def errors(log: list[dict]) -> list[dict]:
    return [entry for entry in log if entry.get("level") == "SEVERE"]


def test_report_in_chromium(browser, tmp_path):
    from selenium.webdriver.common.keys import Keys

    results = write_batch(tmp_path / "results.jsonl")
    page, _ = batch_report(results)
    report = tmp_path / "report.html"
    report.write_text(page, encoding="utf-8")
    batch = load_results(results)
    edges = meeting_graph(batch.docs, merge_actors(batch.docs)).number_of_edges()

    log = open_page(browser, report)
    assert errors(log) == []
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0  # nothing fetched
    assert count(browser, "mark.ev") == page.count("<mark ") > 50
    assert count(browser, "svg.network g.edge") == edges > 10
    assert count(browser, "svg.network g.node") == len(re.findall(r'<g class="node"', page))

    # an item -> its spans: every mark of the meeting, and only those, gets the active class
    key = "d0-m1"
    click(browser, f'tr[data-key="{key}"]')
    mine = browser.execute_script(
        "return Array.from(document.querySelectorAll('mark.ev')).filter(m => m.dataset.items.split(' ').includes(arguments[0]))"
        ".map(m => m.classList.contains('active'))", key)
    assert mine and all(mine)
    assert count(browser, "mark.ev.active") >= len(mine)
    assert browser.find_element("css selector", "#selection").is_displayed()
    assert "evidence span" in browser.find_element("css selector", ".sel-count").text

    # a span -> its items: open the second article (collapsed in a batch of four), click an actor's span
    assert browser.execute_script("return document.getElementById('art-1').open") is False
    click(browser, "#art-1 > summary")
    mark = click(browser, '#art-1 mark.ev[data-starts~="d1-a3"]')
    assert "active" in mark.get_attribute("class")
    assert "active" in browser.find_element("css selector", 'tr[data-key="d1-a3"]').get_attribute("class")
    assert "active" not in browser.find_element("css selector", f'tr[data-key="{key}"]').get_attribute("class")

    # a network edge -> its meeting(s) in the articles: the first edge a user can click, where no node's label
    # lies over the middle of its line (the layout decides which)
    index = browser.execute_script("""
        const hits = Array.from(document.querySelectorAll('svg.network g.edge .hit'));
        return hits.findIndex(hit => {
            hit.scrollIntoView({block: 'center', behavior: 'instant'});
            const box = hit.getBoundingClientRect();
            return document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2) === hit;
        });""")
    assert index >= 0
    edge = browser.find_elements("css selector", "svg.network g.edge")[index]
    meetings = edge.get_attribute("data-items").split()
    edge.find_element("css selector", ".hit").click()
    assert all("active" in browser.find_element("css selector", f'tr[data-key="{m}"]').get_attribute("class")
               for m in meetings)

    # sorting and filtering the actor index
    click(browser, "#actor-index th:nth-child(4)")  # mentions, ascending
    mentions = [int(x) for x in browser.execute_script(
        "return Array.from(document.querySelectorAll('#actor-index tbody tr td:nth-child(4)')).map(td => td.textContent)")]
    assert mentions == sorted(mentions) and len(set(mentions)) > 1
    box = browser.find_element("css selector", 'input.filter[data-table="actor-index"]')
    box.send_keys("russia")
    visible = browser.execute_script(
        "return Array.from(document.querySelectorAll('#actor-index tbody tr')).filter(r => !r.hidden).map(r => r.textContent)")
    assert visible and all("russia" in v.lower() for v in visible)
    assert len(visible) < count(browser, "#actor-index tbody tr")

    # Esc clears; the screenshot shows the first meeting selected, its evidence scrolled into view
    box.clear()
    box.send_keys(Keys.ESCAPE)
    assert count(browser, ".active") == 0 and not browser.find_element("css selector", "#selection").is_displayed()
    click(browser, f'tr[data-key="{key}"]')
    time.sleep(0.8)  # the smooth scroll to the first span
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 20_000
    assert errors(browser.get_log("browser")) == []


def test_hostile_article_does_not_run_in_chromium(browser, tmp_path):
    from .test_report import hostile_page

    page, _ = hostile_page()
    report = tmp_path / "hostile.html"
    report.write_text(page, encoding="utf-8")
    browser.execute_script("window.alerted = 0; window.alert = () => { window.alerted += 1; };")
    log = open_page(browser, report)
    assert errors(log) == []
    assert browser.execute_script("return document.querySelectorAll('.article-text img, .article-text script, "
                                  "img, svg[onload], [onerror], [onmouseover]').length") == 0
    text = browser.execute_script("return document.querySelector('.article-text').textContent")
    assert "<script>alert(1)</script>" in text and '<img src=x onerror="alert(2)">' in text
    assert browser.title.startswith("</script><script>alert(4)</script>")
    assert browser.execute_script("return document.scripts.length") == 2
