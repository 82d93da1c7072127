"""The UI in a real browser: Debian's Chromium driven by Playwright against `vigil serve`.

Screenshots of every page go to test-output/screenshots/ (git-ignored) for a human to look at.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path(os.environ.get("VIGIL_CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(web_home, web_state):
    """`vigil serve` in a subprocess on a free loopback port, over the session's store (matcher cache warm)."""
    port = _free_port()
    env = {**os.environ, "VIGIL_HOME": str(web_home), "VIGIL_RELOAD_INTERVAL": "0"}
    env.pop("VIGIL_DATABASE_URL", None)
    env.pop("VIGIL_REQUIRE_AUTH", None)
    env.pop("VIGIL_CACHE_DIR", None)
    log = open(web_home / "serve.log", "wb")
    proc = subprocess.Popen([sys.executable, "-c", "from vigil.cli.main import main; main()", "serve",
                             "--port", str(port), "--log-level", "warning"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    try:
        while True:
            if proc.poll() is not None:
                pytest.fail(f"vigil serve exited: {(web_home / 'serve.log').read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("vigil serve did not become ready in 240 s")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (or set VIGIL_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    # Nothing may come from the network except our own server.
    outside: list[str] = []
    context.route("**/*", lambda route: (route.continue_() if route.request.url.startswith(server)
                                         else (outside.append(route.request.url), route.abort())))
    pg = context.new_page()
    # The Content-Security-Policy is on (api/guard.py): anything it blocks shows as a console error.
    blocked: list[str] = []
    pg.on("console", lambda msg: blocked.append(msg.text) if msg.type == "error" and (
        "Content Security Policy" in msg.text or "Refused to" in msg.text) else None)
    yield pg
    context.close()
    assert not outside, f"requests left the server: {outside}"
    assert not blocked, f"the CSP blocked something on a page: {blocked}"


def shot(pg, name: str, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def first_result(pg, expected: str) -> str:
    pg.wait_for_selector(f"li.result[data-entity='{expected}']", timeout=20000)
    return pg.locator("li.result").first.get_attribute("data-entity")


def test_screen_as_you_type_latin_and_persian_then_entity_page(page):
    page.goto("/")
    page.locator("input[name=q]").press_sequentially("Ghasem Soleimani", delay=20)
    assert first_result(page, "ofac-10481") == "ofac-10481"
    assert "q=Ghasem+Soleimani" in page.url, "the address bar follows the search"
    top = page.locator("li.result").first
    assert top.locator("mark.q").first.inner_text() == "Ghasem Soleimani"
    assert top.locator(".flag").first.inner_text() == "MATCH"
    shot(page, "01-screen-latin", full_page=False)

    page.locator("input[name=q]").fill("محمود علوی")
    assert first_result(page, "ofac-30422") == "ofac-30422"
    box = page.locator("input[name=q]")
    assert box.evaluate("e => getComputedStyle(e).direction") == "rtl", "dir=auto renders Persian right to left"
    shot(page, "02-screen-persian", full_page=False)

    page.locator("li.result").first.locator("a.caption").click()
    page.wait_for_url("**/ui/entities/ofac-30422")
    assert page.locator("h1").inner_text() == "ALAVI, Mahmoud"
    assert page.locator("text=1954-04-24").count() >= 1
    shot(page, "03-entity-alavi")


def test_entity_page_with_cross_list_links_and_persian_names(page):
    page.goto("/ui/entities/ofac-10481")
    page.locator("ul.refs a[href='/ui/entities/unsc-IRi.039']").click()
    page.wait_for_url("**/ui/entities/unsc-IRi.039")
    assert "SOLEIMANI" in page.locator("h1").inner_text()
    page.goto("/ui/entities/gb-hmt-11238")
    persian = page.locator("li[lang=fa]").first
    assert persian.evaluate("e => getComputedStyle(e).direction") == "rtl"
    shot(page, "04-entity-uk-irgc")


def test_lists_page_and_diff(page):
    page.goto("/ui/lists")
    shot(page, "05-lists")
    assert page.locator("#diff-dataset").input_value() == "us_ofac_cons"
    # The snapshot menus offer only the chosen dataset's snapshots.
    visible = page.locator("#diff-from option:not([disabled])").all_inner_texts()
    assert len(visible) == 3, visible  # "previous" + two snapshots
    page.locator("#diff-form button[type=submit]").click()
    page.wait_for_url("**/ui/lists/us_ofac_cons/diff**")
    assert "changed" in page.locator(".diff-summary").inner_text()
    assert page.locator("table.changed tbody tr").count() > 0
    shot(page, "06-diff", full_page=False)


def test_scan_uploaded_article_highlights_mentions(page, shared_articles):
    page.goto("/ui/scan")
    page.set_input_files("input[type=file]", str(shared_articles / "mois_oped_2018.txt"))
    # the first scan loads spaCy and builds the gazetteer: on a busy machine that outlasts click()'s 30 s
    # wait for the navigation, so wait for the result page instead
    page.locator("#scan-form button[type=submit]").click(no_wait_after=True)
    page.wait_for_selector(".article-text", timeout=180000)
    mentions = page.locator(".article-text a.mention")
    assert mentions.count() > 10
    assert page.locator(".article-text a.mention[href='/ui/entities/ofac-30422'].ctx-called_for").count() >= 1
    assert page.locator(".article-text a.mention[href='/ui/entities/ofac-12111']").count() >= 1
    shot(page, "07-scan", full_page=False)
    page.locator(".article-text a.mention[href='/ui/entities/ofac-12111']").first.click()
    page.wait_for_url("**/ui/entities/ofac-12111")


def test_alerts_queue_and_alert_page(page):
    page.goto("/ui/alerts?view=all")
    assert page.locator("table.alerts tbody tr").count() >= 1
    shot(page, "08-alerts")
    page.locator("table.alerts tbody tr", has_text="Mahmoud Alavi").first.locator("a").first.click()
    page.wait_for_url("**/ui/alerts/*")
    assert page.locator("table.compare").count() == 1
    # The reason is required: the browser refuses to submit without one.
    page.locator("button[value='false-positive']").click()
    assert page.locator("textarea[name=reason]").evaluate("e => !e.validity.valid")
    shot(page, "09-alert")


def test_four_eyes_review_in_the_browser(page, web_state):
    """Another analyst (ana) proposed closing an alert as a false positive; the browser user (on this server
    without keys: the OS user running it) sees the pending review, approves it, reopens it, and cannot approve
    a decision it proposed itself. Uses the oldest open Soleimani alert and leaves it open (sent back)."""
    from vigil.monitor import decide, get_alert, history, list_alerts, review

    engine = web_state.store.engine
    rows, _ = list_alerts(engine, customer_id="C002", status=["open"], oldest_first=True)
    alert = rows[0]
    before = len(history(engine, alert.id))
    decide(engine, alert.id, "false-positive", "different person: born 1980, British national", "ana")

    page.goto("/ui/alerts?view=review")
    row = page.locator("table.alerts tbody tr", has_text="Qasem Soleimani").first
    assert "pending review" in row.inner_text() and "by ana" in row.inner_text()
    shot(page, "10-review-queue", full_page=False)
    row.locator("a").first.click()
    page.wait_for_url(f"**/ui/alerts/{alert.id}")
    box = page.locator("div.pending-review")
    assert "proposed by ana" in " ".join(box.inner_text().split())
    assert page.locator("form.review button[value=approve]").is_visible()
    assert page.locator("form.review button[value=send-back]").is_visible()
    shot(page, "11-pending-review")

    page.locator("form.review textarea[name=reason]").fill("agree: DOB and nationality differ")
    page.locator("form.review button[value=approve]").click()
    page.wait_for_selector("form.reopen")
    assert "false positive" in page.locator("span.flag").first.inner_text()
    closed = get_alert(engine, alert.id)
    assert (closed.status, closed.decided_by, closed.reviewed_by) == ("false_positive", "ana", closed.reviewed_by)
    assert closed.reviewed_by and closed.reviewed_by != "ana"
    steps = page.locator("table.decisions tbody tr")
    assert steps.count() == before + 2 and "approved" in steps.nth(before + 1).inner_text()
    shot(page, "12-approved")

    # Reopen with a reason; then the browser user proposes a true match and cannot approve it itself.
    page.locator("form.reopen textarea[name=reason]").fill("the customer's passport is on the UN entry")
    page.locator("form.reopen button").click()
    page.wait_for_selector("form.decide")
    page.locator("form.decide textarea[name=reason]").fill("passport number matches the UN entry")
    page.locator("form.decide button[value=true-match]").click()
    page.wait_for_selector("div.pending-review")
    assert page.locator("p.waiting").is_visible() and page.locator("form.review").count() == 0
    shot(page, "13-own-proposal")
    back = review(engine, alert.id, "send-back", "UN entry's passport differs by one digit", "ana")
    assert back.status == "open"


def test_csp_is_on_and_the_docs_pages_render_under_it(browser, server):
    """Swagger UI and ReDoc start under their own CSP (the inline start-up script allowed by hash only). The one
    thing blocked is ReDoc's "powered by" logo from its CDN: the docs load nothing from the network."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    page = context.new_page()
    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text) if msg.type == "error" and (
        "Content Security Policy" in msg.text or "Refused to" in msg.text) else None)
    try:
        _docs_pages(page)
    finally:
        context.close()
    ours = [b for b in blocked if not ("Loading the image 'https://cdn.redoc.ly/" in b)]
    assert not ours, f"the CSP blocked part of the docs pages: {ours}"


def _docs_pages(page) -> None:
    response = page.goto("/docs")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.wait_for_selector(".opblock", timeout=60000)  # Swagger UI rendered the operations from /openapi.json
    assert page.locator(".opblock-summary-path", has_text="/match/{dataset}").count() >= 1
    shot(page, "14-docs", full_page=False)
    page.goto("/redoc")
    page.wait_for_selector("[data-section-id]", timeout=60000)
    shot(page, "15-redoc", full_page=False)
    ui = page.goto("/")
    assert "script-src 'self'" in ui.headers["content-security-policy"]
    assert ui.headers["x-frame-options"] == "DENY"


def test_a_foreign_page_cannot_frame_or_post_to_the_ui(browser, server, web_state):
    """A page on another origin (another port of this machine) frames the alert page and submits a forged
    decision form from a hidden iframe: the frame stays blank and the alert stays open."""
    from http.server import BaseHTTPRequestHandler, HTTPServer
    import threading

    from vigil.monitor import get_alert, list_alerts

    rows, _ = list_alerts(web_state.store.engine, customer_id="C001", status=["open"])
    alert = [a for a in rows if a.entity_id == "ofac-30422"][0]
    evil_html = f"""<!doctype html><html><body>
<iframe id="framed" src="{server}/ui/alerts/{alert.id}"></iframe>
<iframe name="sink"></iframe>
<form id="f" method="post" action="{server}/ui/alerts/{alert.id}/decision" target="sink">
<input name="decision" value="false-positive"><input name="reason" value="not our customer">
<input name="version" value="{alert.version}"></form>
<script>document.getElementById('f').submit();</script></body></html>""".encode()

    class Evil(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(evil_html)

        def log_message(self, *args):
            pass

    evil = HTTPServer(("127.0.0.1", _free_port()), Evil)
    threading.Thread(target=evil.serve_forever, daemon=True).start()
    context = browser.new_context()
    try:
        pg = context.new_page()
        answers = []
        pg.on("response", lambda r: answers.append((r.url, r.status)) if "/decision" in r.url else None)
        pg.goto(f"http://localhost:{evil.server_address[1]}/")
        pg.wait_for_timeout(3000)
        assert any(status == 403 for _, status in answers), answers
        framed = pg.frame_locator("#framed").locator("table.compare")
        assert framed.count() == 0, "frame-ancestors 'none': the alert page does not render inside another site"
    finally:
        context.close()
        evil.shutdown()
    after = get_alert(web_state.store.engine, alert.id)
    assert (after.status, after.version) == ("open", alert.version)
def test_entity_page_relation_graph_navigates(page):
    """MOIS: the SVG draws the people OFAC links to it; clicking a node opens that entity (no script needed)."""
    page.goto("/ui/entities/ofac-12111")
    graph = page.locator("svg.graph")
    assert graph.is_visible()
    assert graph.locator("a.node.root[data-entity='ofac-12111']").count() == 1
    assert graph.locator("a.node").count() > 10
    assert "Linked From" in page.locator("section.relations").inner_text()  # said once for the whole picture
    assert page.locator("table.relations-list a[href='/ui/entities/ofac-39017']").count() == 1  # Khatib
    shot(page, "08-entity-graph-mois")
    page.goto("/ui/entities/ofac-30422")
    node = page.locator("svg.graph a.node[data-entity='ofac-12111']")
    assert page.locator("svg.graph text.elabel").first.text_content() == "Linked To"
    # Click the node's circle: the link's bounding-box centre can fall between circle and label, on bare SVG.
    node.locator("circle").click()
    page.wait_for_url("**/ui/entities/ofac-12111")
    assert page.locator("h1").inner_text() == "IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY"
    page.goto("/ui/entities/gb-hmt-10661")
    assert page.locator("svg.graph a.node").count() == 4  # the person, his movement and the two groups
    shot(page, "09-entity-graph-uk")
