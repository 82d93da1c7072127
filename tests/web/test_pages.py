"""Every UI page, rendered server-side from the real lists (FastAPI TestClient)."""
from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

SOLEIMANI_FA = "قاسم سلیمانی"
ALAVI_FA = "محمود علوی"


def doc(response):
    return lxml_html.fromstring(response.text)


def result_ids(response) -> list[str]:
    return doc(response).xpath("//li[contains(@class, 'result')]/@data-entity")


# -- screen ---------------------------------------------------------------------------------

def test_home_page_is_the_screen_form_with_the_loaded_lists(ui):
    r = ui.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    page = doc(r)
    box = page.xpath("//input[@name='q']")[0]
    assert box.get("dir") == "auto"
    assert page.xpath("//form[@data-live='/']"), "the form is wired to the live-search script"
    assert {"us_ofac_sdn", "un_sc_sanctions", "gb_hmt_sanctions"} <= set(page.xpath("//span[contains(@class,'ds')]/text()"))
    # No assets from the network: every script and stylesheet is served by us.
    for url in page.xpath("//script/@src | //link[@rel='stylesheet']/@href"):
        assert url.startswith("/ui/static/"), url
    assert ui.get("/ui/static/vigil.js").status_code == 200
    assert "font-family" in ui.get("/ui/static/vigil.css").text


@pytest.mark.parametrize("query, expected", [
    ("Ghasem Soleimani", "ofac-10481"),
    (ALAVI_FA, "ofac-30422"),
    (SOLEIMANI_FA, None),  # Persian script finds the Latin-script listings of Soleimani
])
def test_screen_results_rank_the_listed_party_first(ui, query, expected):
    r = ui.get("/", params={"q": query}, headers={"X-Vigil-Partial": "1"})
    assert r.status_code == 200
    ids = result_ids(r)
    assert ids, r.text[:500]
    if expected:
        assert ids[0] == expected
    else:
        assert set(ids[:2]) & {"ofac-10481", "unsc-IRi.039"}
    assert "<html" not in r.text, "the live request gets the fragment only"


def test_screen_result_shows_score_bar_badges_flag_and_explanation(ui):
    r = ui.get("/", params={"q": ALAVI_FA, "dob": "1954-04-24", "country": "Iran"})
    page = doc(r)
    first = page.xpath("//li[contains(@class,'result')]")[0]
    assert first.get("data-entity") == "ofac-30422"
    assert "is-match" in first.get("class")
    assert first.xpath(".//span[contains(@class,'flag') and contains(@class,'match')]/text()") == ["MATCH"]
    assert first.xpath(".//span[contains(@class,'ds')]/text()") == ["us_ofac_sdn"]
    width = first.xpath(".//div[contains(@class,'fill')]/@class")[0]  # a width class: the CSP allows no style=
    assert re.search(r"\bw-(9\d|100)\b", width), width
    # The explanation names the query and the list name that matched, highlighted, plus the birth date.
    assert first.xpath(".//mark[@class='q']/text()")[0] == ALAVI_FA
    assert "ALAVI" in first.xpath(".//mark[@class='c']/text()")[0]
    why = " ".join(first.xpath(".//ul[@class='why']//text()"))
    assert "birth date" in why and "1954-04-24" in why


def test_screen_filters_narrow_and_bad_input_is_a_clear_400(ui):
    r = ui.get("/", params={"q": "Soleimani", "schema": "Organization"}, headers={"X-Vigil-Partial": "1"})
    assert "ofac-10481" not in result_ids(r)
    bad = ui.get("/", params={"q": "Soleimani", "dob": "11/03/1957"})  # the CLI's rule and text (issue 14)
    assert bad.status_code == 400 and "is ambiguous" in bad.text and "1957-03-11" in bad.text
    assert ui.get("/", params={"q": "Soleimani", "dob": "11.03.1957"}).status_code == 200
    bad = ui.get("/", params={"q": "Soleimani", "country": "Atlantis"})
    assert bad.status_code == 400 and "unknown country" in bad.text
    assert ui.get("/", params={"q": "x", "schema": "Sandwich"}).status_code == 400
    long = ui.get("/", params={"q": "x" * 1001}, headers={"X-Vigil-Partial": "1"})
    assert long.status_code == 400 and "too long" in long.text and "<html" not in long.text


# -- entity -----------------------------------------------------------------------------------

def test_entity_page_groups_names_and_shows_details_and_history(ui):
    r = ui.get("/ui/entities/ofac-10481")
    assert r.status_code == 200
    page = doc(r)
    assert page.xpath("//h1/text()")[0] == "SOLEIMANI, Qasem"
    text = r.text
    for expected in ("Primary name", "Alias (a.k.a.)", "SOLEYMANI, Ghasem", "1957-03-11", "IRGC", "008827",
                     "sdn.csv#10481", "History", "added"):
        assert expected in text, expected
    # The UN listing of the same man carries no cross-reference: found by matching, with a birth date.
    assert page.xpath("//ul[@class='refs']//a[@href='/ui/entities/unsc-IRi.039']")


def test_entity_page_groups_persian_names_apart(ui):
    r = ui.get("/ui/entities/gb-hmt-11238")  # UK: IRGC, with a Persian-script alias
    page = doc(r)
    scripts = page.xpath("//div[@class='script-block']/h3/text()")
    assert scripts[0] == "Latin" and "Arabic (Persian)" in scripts
    persian = page.xpath("//div[@class='script-block'][h3='Arabic (Persian)']//li")[0]
    assert persian.get("dir") == "auto" and persian.get("lang") == "fa"


def test_entity_page_links_cross_list_references_both_ways(ui, web_state):
    matcher = web_state.current.matcher
    uk = next(rec.entity for rec in matcher.index.entities
              if rec.entity.referents and matcher.get(rec.entity.referents[0]) is not None)
    un_id = uk.referents[0]
    forward = doc(ui.get(f"/ui/entities/{uk.id}"))
    assert forward.xpath(f"//ul[@class='refs']//a[@href='/ui/entities/{un_id}']")
    back = doc(ui.get(f"/ui/entities/{un_id}"))
    assert back.xpath(f"//ul[@class='refs']//a[@href='/ui/entities/{uk.id}']")


def test_entity_history_shows_changed_fields_across_snapshots(ui):
    r = ui.get("/ui/entities/ofac-17013")  # VTB: re-published between the two OFAC consolidated snapshots
    page = doc(r)
    kinds = page.xpath("//table[@class='history']//strong/text()")
    assert kinds[0] == "changed" and kinds[-1] == "added"
    assert page.xpath("//table[@class='history']//ins") and page.xpath("//table[@class='history']//del")


def test_unknown_entity_is_a_404_page_and_the_json_api_is_unchanged(ui):
    r = ui.get("/ui/entities/ofac-0")
    assert r.status_code == 404 and "No entity" in r.text
    browser = ui.get("/entities/ofac-10481", follow_redirects=False)
    assert browser.status_code == 303 and browser.headers["location"] == "/ui/entities/ofac-10481"
    api = ui.get("/entities/ofac-10481", headers={"Accept": "application/json"})
    assert api.headers["content-type"].startswith("application/json") and api.json()["id"] == "ofac-10481"
    assert ui.get("/entities/ofac-10481", headers={"Accept": "*/*"}).json()["caption"] == "SOLEIMANI, Qasem"


# -- lists and diff -------------------------------------------------------------------------------

def test_lists_page_shows_datasets_dates_counts_and_snapshots(ui):
    r = ui.get("/ui/lists")
    page = doc(r)
    rows = {tr.xpath(".//span[contains(@class,'ds')]/text()")[0]: [td.text_content().strip() for td in tr.xpath("td")]
            for tr in page.xpath("//table[@class='lists']/tbody/tr")}
    assert rows["un_sc_sanctions"][1] == "2026-02-27"
    assert rows["gb_hmt_sanctions"][1] == "2025-04-14"
    assert rows["us_ofac_sdn"][2] == "14,965"
    assert rows["us_ofac_cons"][5] == "2"
    assert page.xpath("//select[@id='diff-dataset']/option[@selected]/@value") == ["us_ofac_cons"]


def test_diff_view_shows_added_removed_and_changed_fields(ui):
    r = ui.get("/ui/lists/diff", params={"dataset": "us_ofac_cons"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/ui/lists/us_ofac_cons/diff"
    r = ui.get("/ui/lists/us_ofac_cons/diff")
    assert r.status_code == 200
    page = doc(r)
    pills = " ".join(page.xpath("//p[@class='diff-summary']//text()"))
    assert re.search(r"~[\d,]+ changed", pills)
    changed = page.xpath("//table[@class='changed']/tbody/tr")
    assert 0 < len(changed) <= 200
    assert changed[0].xpath(".//span[@class='prop']/text()")
    # The first snapshot against nothing: everything added.
    first = min(int(v) for v in page.xpath("//select[@name='from']/option/@value") if v)
    r = ui.get(f"/ui/lists/us_ofac_cons/diff?to={first}")
    assert "from <strong>nothing</strong>" in r.text and doc(r).xpath("//section[@id='added']//li")


def test_diff_rejects_bad_snapshots_and_datasets(ui):
    assert ui.get("/ui/lists/no_such_list/diff").status_code == 404
    assert ui.get("/ui/lists/us_ofac_cons/diff?from=abc").status_code == 400
    assert ui.get("/ui/lists/us_ofac_cons/diff?from=99999").status_code == 404


# -- scan -------------------------------------------------------------------------------------------

def test_scan_form_and_article_upload_highlights_mentions(ui, shared_articles, csrf):
    assert ui.get("/ui/scan").status_code == 200
    path = shared_articles / "mois_oped_2018.txt"
    r = ui.post("/ui/scan", files={"file": (path.name, path.read_bytes(), "text/plain")}, data={"text": "", "csrf_token": csrf(ui)})
    assert r.status_code == 200, r.text[:500]
    page = doc(r)
    links = page.xpath("//div[@class='article-text']//a[contains(@class,'mention')]")
    targets = {a.get("href") for a in links}
    assert {"/ui/entities/ofac-12111", "/ui/entities/ofac-30422"} <= targets
    alavi = [a for a in links if a.get("href") == "/ui/entities/ofac-30422"]
    assert any("ctx-called_for" in a.get("class") for a in alavi), "the op-ed calls for Alavi's designation"
    side = page.xpath("//ol[@class='scan-entities']/li[@data-entity='ofac-30422']")[0]
    assert "sanctions called for" in side.text_content()


def test_scan_of_pasted_text_and_empty_input(ui, csrf):
    r = ui.post("/ui/scan", data={"text": "Hezbollah and Qasem Soleimani were named again on Monday.",
                                  "csrf_token": csrf(ui)})
    assert r.status_code == 200
    assert "/ui/entities/ofac-10481" in r.text
    empty = ui.post("/ui/scan", data={"text": "   ", "csrf_token": csrf(ui)})
    assert empty.status_code == 400 and "empty" in empty.text


# -- alerts -----------------------------------------------------------------------------------------

def _open_alert(ui, customer: str) -> str:
    page = doc(ui.get("/ui/alerts"))
    for row in page.xpath("//table[@class='alerts']/tbody/tr"):
        if customer in row.text_content():
            return row.xpath(".//a/@href")[0]
    raise AssertionError(f"no open alert for {customer}")


def test_alerts_queue_and_side_by_side(ui):
    href = _open_alert(ui, "Mahmoud Alavi")
    r = ui.get(href)
    assert r.status_code == 200
    page = doc(r)
    compare = {tr.xpath("th/text()")[0]: [td.text_content().strip() for td in tr.xpath("td")]
               for tr in page.xpath("//table[@class='compare']/tbody/tr")}
    assert "1954-04-24" in compare["Birth date"][0] and "1954-04-24" in compare["Birth date"][1]
    assert page.xpath("//table[@class='compare']//mark")
    assert {b.get("value") for b in page.xpath("//form[@class='stack decide']//button")} == {
        "true-match", "false-positive", "escalate"}
    assert page.xpath("//textarea[@name='reason']/@required")


def test_alert_decision_needs_a_reason_and_is_recorded(ui, csrf):
    href = _open_alert(ui, "Qasem Soleimani")
    page = doc(ui.get(href))
    version = page.xpath("//input[@name='version']/@value")[0]
    token = page.xpath("//form[@class='stack decide']//input[@name='csrf_token']/@value")[0]
    no_reason = ui.post(f"{href}/decision", data={"decision": "escalate", "reason": " ", "version": version,
                                                  "csrf_token": token})
    assert no_reason.status_code == 400 and "reason" in no_reason.text
    done = ui.post(f"{href}/decision", data={"decision": "escalate", "reason": "same DOB not given; check passport",
                                             "version": version, "csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    page = doc(ui.get(href))
    assert page.xpath("//span[contains(@class,'st-escalated')]")
    history = page.xpath("//table[@class='decisions']/tbody/tr")
    assert len(history) == 1 and "check passport" in history[0].text_content()
    stale = ui.post(f"{href}/decision", data={"decision": "false-positive", "reason": "late", "version": version,
                                              "csrf_token": token})
    assert stale.status_code == 409, "a decision on an outdated view is refused"


@pytest.mark.parametrize("bad", [2**31, 2**63, 10**20])
def test_out_of_range_ids_are_404_pages_not_500(ui, bad, csrf):
    """Ids beyond what the database stores (SQLite raised OverflowError, PostgreSQL would refuse) are not found."""
    r = ui.get(f"/ui/alerts/{bad}")
    assert r.status_code == 404 and f"No alert {bad}" in r.text
    r = ui.post(f"/ui/alerts/{bad}/decision", data={"decision": "escalate", "reason": "x", "version": "1",
                                                   "csrf_token": csrf(ui)})
    assert r.status_code == 404
    href = _open_alert(ui, "Mahmoud Alavi")
    r = ui.post(f"{href}/decision", data={"decision": "escalate", "reason": "x", "version": str(bad),
                                          "csrf_token": csrf(ui)})
    assert r.status_code in (409, 422), "a version nobody saw is a conflict, never a crash"
    for side in ("from", "to"):  # more than 20 digits is refused by the form's own limit (422)
        assert ui.get(f"/ui/lists/us_ofac_cons/diff?{side}={bad}").status_code == (404 if bad < 10**20 else 422)
    assert ui.get("/ui/entities/ofac-10481%00").status_code == 404
    assert ui.get("/ui/lists/us_ofac%00/diff").status_code == 404


# -- auth -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def keys(web_state):
    from vigil.service.keys import create_key

    engine = web_state.store.engine
    return {scope: create_key(engine, f"web-{scope}", scope) for scope in ("screen", "analyst")}


def test_auth_asks_for_a_key_and_respects_scopes(ui_auth, keys, csrf):
    r = ui_auth.get("/")
    assert r.status_code == 401 and doc(r).xpath("//input[@name='key']")
    bad = ui_auth.post("/ui/login", data={"key": "vgl_wrong", "next": "/", "csrf_token": csrf(ui_auth)})
    assert bad.status_code == 401 and "invalid" in bad.text
    ok = ui_auth.post("/ui/login", data={"key": keys["screen"], "next": "/ui/lists", "csrf_token": csrf(ui_auth)},
                      follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/ui/lists"
    cookie = ok.cookies.get("vigil_key")
    assert cookie and "httponly" in ok.headers["set-cookie"].lower()
    screen = {"Cookie": f"vigil_key={cookie}"}
    assert ui_auth.get("/ui/lists", headers=screen).status_code == 200
    page = doc(ui_auth.get("/", headers=screen))
    assert "Alerts" not in page.xpath("//header//nav//a/text()"), "a screen key does not see the alerts page"
    assert ui_auth.get("/ui/alerts", headers=screen).status_code == 403
    # The live-search script may send the key as X-API-Key instead.
    r = ui_auth.get("/", params={"q": "Hizballah"}, headers={"X-API-Key": keys["analyst"], "X-Vigil-Partial": "1"})
    assert r.status_code == 200 and "ofac-4697" in result_ids(r)[:3]
    assert ui_auth.get("/ui/alerts", headers={"X-API-Key": keys["analyst"]}).status_code == 200


def test_login_never_redirects_off_site(ui_auth, keys, csrf):
    r = ui_auth.post("/ui/login", data={"key": keys["screen"], "next": "//evil.example/", "csrf_token": csrf(ui_auth)},
                     follow_redirects=False)
    assert r.headers["location"] == "/"


def test_alert_page_words_reasons_as_the_cli_does(ui):
    """One explanation text source (issue 14): the alert page shows the CLI's words ("birth date matches",
    "country matches"/"countries differ"), not "customer ir ≈ listed ir"."""
    from vigil.service.screening import reasons

    href = _open_alert(ui, "Mahmoud Alavi")
    page = doc(ui.get(href))
    shown = [" ".join(li.text_content().split()) for li in page.xpath("//ul[@class='why']/li")]
    assert any("birth date matches" in s for s in shown) and any("country matches" in s for s in shown), shown
    assert not any("≈ listed ir" in s for s in shown), shown
    mismatch = {"country_mismatch": {"score": 1.0, "weight": -0.1, "detail": "countries differ",
                                     "query": "ir", "candidate": "ru"}}
    assert [r.text for r in reasons({"explanations": mismatch})] == ["countries differ"]
