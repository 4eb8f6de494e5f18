#!/usr/bin/python3
"""report-browser.py: opens failsim reports in headless Chromium and checks what a reader sees.

Usage: report-browser.py [--screenshots DIR] RUN_DIR=REPORT.html ...

For each report: no error in the browser console, every section present and visible, an SVG path
in each CDF, one event-log row per notice of RUN_DIR/notices.csv, a topology node per site of
RUN_DIR/topology.json, no resource fetched, and the event log's filter working. With
--screenshots, writes DIR/report-NAME.png (1280 wide, the whole page) for each report.
Exit status: 0 all good, 1 a check failed, 77 no Chromium/chromedriver/selenium (skipped).
"""
import csv
import json
import os
import shutil
import sys


def skip(why):
    print(f"SKIP: {why}", file=sys.stderr)
    sys.exit(77)


try:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
except ImportError:
    skip(f"python3-selenium is not installed for {sys.executable}")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if os.path.exists("/usr/bin/chromedriver") else None)
if CHROMIUM is None or DRIVER is None:
    skip("chromium and chromium-driver are needed (scripts/install-deps.sh installs them)")

SECTIONS = ["summary", "topology", "availability", "downtime-cdf", "budget", "events"]
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}", file=sys.stderr)


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,900", "--hide-scrollbars", "--force-device-scale-factor=1"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(DRIVER), options=options)


def check_report(driver, run_dir, html, shots):
    name = os.path.basename(os.path.normpath(run_dir))
    with open(os.path.join(run_dir, "notices.csv"), newline="", encoding="utf-8") as f:
        notices = sum(1 for _ in csv.DictReader(f))
    with open(os.path.join(run_dir, "topology.json"), encoding="utf-8") as f:
        topology = json.load(f)
    with open(os.path.join(run_dir, "summary.json"), encoding="utf-8") as f:
        summary = json.load(f)

    driver.get("file://" + os.path.abspath(html))
    driver.get_log("browser")  # what came before this page is not its fault
    driver.refresh()

    for sid in SECTIONS:
        els = driver.find_elements(By.ID, sid)
        check(len(els) == 1 and els[0].is_displayed(), f"{name}: section #{sid} present and visible")

    sites = driver.find_elements(By.CSS_SELECTOR, "#topology svg g.site")
    check(len(sites) == len(topology["sites"]),
          f"{name}: {len(sites)} site nodes for {len(topology['sites'])} sites")
    for g in sites:
        check(g.is_displayed(), f"{name}: site node {g.get_attribute('data-name')} visible")
    drawn = {g.get_attribute("data-name") for g in sites}
    check(drawn == {s["name"] for s in topology["sites"]}, f"{name}: site nodes are the sites")
    routers = driver.find_elements(By.CSS_SELECTOR, "#topology svg g.router")
    check(len(routers) == len(topology["routers"]), f"{name}: a node per router")
    links = driver.find_elements(By.CSS_SELECTOR, "#topology svg g.link")
    check(len(links) == len(topology["links"]), f"{name}: a line per link")

    services = summary.get("services", {})
    cdfs = driver.find_elements(By.CSS_SELECTOR, "#downtime-cdf svg.cdf-chart")
    affected = [s for s in services.values() if s["affected"] > 0]
    check(len(cdfs) == len(affected), f"{name}: a CDF per service with affected clients")
    for svg in cdfs:
        check(len(svg.find_elements(By.CSS_SELECTOR, "g.cdf path")) >= 1, f"{name}: the CDF has a path")
        check(svg.is_displayed(), f"{name}: the CDF is visible")
    bars = driver.find_elements(By.CSS_SELECTOR, "#budget svg.budget-chart")
    check(len(bars) == len(affected), f"{name}: a budget bar per service with affected clients")

    rows = driver.find_elements(By.CSS_SELECTOR, "#event-table tbody tr")
    check(len(rows) == notices, f"{name}: {len(rows)} event rows for {notices} notices")
    check(rows == [] or rows[0].is_displayed(), f"{name}: the event log is visible")

    # The script ran: the filter shows, and filtering by a topic hides the other rows.
    box = driver.find_element(By.ID, "event-filter-box")
    check(box.is_displayed(), f"{name}: the event filter is shown when JavaScript runs")
    if notices > 0:
        topic = rows[0].find_elements(By.TAG_NAME, "td")[1].text
        field = driver.find_element(By.ID, "event-filter")
        field.send_keys(topic)
        shown = [r for r in rows if r.is_displayed()]
        check(0 < len(shown) <= notices, f"{name}: filtering by '{topic}' keeps its rows")
        field.clear()
        driver.execute_script("arguments[0].value='';arguments[0].dispatchEvent(new Event('input'))", field)
        header = driver.find_elements(By.CSS_SELECTOR, "#event-table th")[2]
        header.click()
        check(header.get_attribute("aria-sort") == "ascending", f"{name}: a header click sorts")
        header.click()
        check(header.get_attribute("aria-sort") == "descending", f"{name}: a second click reverses")

    fetched = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    check(fetched == [], f"{name}: no resource fetched (got {fetched})")
    external = driver.execute_script(
        "return Array.from(document.querySelectorAll('[src],[href]')).map(e => e.getAttribute('src') || e.getAttribute('href'))"
        ".filter(u => !u.startsWith('#'))")
    check(external == [], f"{name}: no src or href leaves the page (got {external})")

    severe = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
    check(severe == [], f"{name}: console errors: {severe}")

    if shots:
        driver.execute_script("document.querySelectorAll('#event-table th')[0].removeAttribute('aria-sort')")
        driver.refresh()
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(max(height, 900), 16000))
        driver.execute_script("window.scrollTo(0, 0)")
        path = os.path.join(shots, f"report-{name}.png")
        driver.save_screenshot(path)
        driver.set_window_size(1280, 900)
        print(f"wrote {path}")


def main(argv):
    shots = None
    if len(argv) >= 2 and argv[0] == "--screenshots":
        shots = argv[1]
        os.makedirs(shots, exist_ok=True)
        argv = argv[2:]
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    driver = make_driver()
    try:
        for pair in argv:
            run_dir, html = pair.split("=", 1)
            check_report(driver, run_dir, html, shots)
    finally:
        driver.quit()
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        return 1
    print(f"ok: {len(argv)} report(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
