"""The target: the 2018 op-ed calling for sanctions on Iran's intelligence minister, with the real lists."""
from __future__ import annotations

import pytest

from vigil.media.scan import scan_file
from vigil.matching.display import format_score

LISTED = {
    "MOIS": "ofac-12111",
    "Mahmoud Alavi": "ofac-30422",
    "IRGC": "ofac-10391",
    "Quds Force": "ofac-10465",
    "Qasem Soleimani": "ofac-10481",
    "Ali Khamenei": "ofac-26945",
    "Hezbollah": "ofac-4697",
    "Hamas": "ofac-4695",
    "al-Qaeda": "ofac-6366",
    "Bashar al-Assad": "ofac-12735",
}
BYSTANDERS = ["Saru Ghahremani", "Sina Darvish Omran", "Ali Mozaffari", "Aras Amiri", "Ahmadreza Djalali",
              "Ali Asghar Zarean"]


@pytest.fixture(scope="session")
def oped(list_matcher, shared_articles):
    return scan_file(str(shared_articles / "mois_oped_2018.txt"), list_matcher)


def _ids(entity) -> set[str]:
    return {entity["id"], *(a["id"] for a in entity["also_listed"])}


def test_finds_every_listed_party_the_article_names(oped):
    data = oped.to_dict()
    text = oped.article.text
    for name, entity_id in LISTED.items():
        assert name in text
        hits = [e for e in data["entities"] if entity_id in _ids(e)]
        assert hits, f"{name} -> {entity_id} not linked"
        # the mention offsets point at the text that names it
        for m in hits[0]["mentions"]:
            assert text[m["start"]:m["end"]] == m["text"]
            assert m["text"] in m["sentence"]


def test_links_no_bystander(oped):
    data = oped.to_dict()
    linked_texts = {m["text"] for e in data["entities"] for m in e["mentions"]}
    unlinked = {p["name"] for p in data["unlinked"]}
    for name in BYSTANDERS:
        assert name not in linked_texts
        assert name in unlinked


def test_sanction_context(oped):
    by_id = {e["id"]: e for e in oped.to_dict()["entities"]}
    alavi = by_id["ofac-30422"]
    assert alavi["context"] == "called_for"
    assert any("Sanctioning Alavi" in ev["sentence"] or "sanctioning Alavi" in ev["sentence"]
               for ev in alavi["context_evidence"])
    assert by_id["ofac-10391"]["context"] == "designated"  # "it sanctioned the IRGC in its entirety"
    assert by_id["ofac-12111"]["context"] == "designated"  # "sanctioned ... the MOIS itself"
    assert by_id["ofac-4695"]["context"] == "mentioned"


def test_coreference(oped):
    by_id = {e["id"]: e for e in oped.to_dict()["entities"]}
    alavi_forms = {m["text"] for m in by_id["ofac-30422"]["mentions"]}
    assert {"Mahmoud Alavi", "Alavi"} <= alavi_forms
    mois_forms = {m["text"] for m in by_id["ofac-12111"]["mentions"]}
    assert "MOIS" in mois_forms and "Ministry of Intelligence and Security" in mois_forms
    assert any("Ministry" in f and f != "Ministry of Intelligence and Security" for f in mois_forms)
    khamenei = by_id["ofac-26945"]
    assert any("supreme" in ev or "leader" in ev for ev in khamenei["evidence"])


def test_html_report_is_self_contained(oped):
    import re

    from vigil.media.report import render_html

    page = render_html(oped)
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", page)  # no network assets
    assert '<mark class="called_for"' in page and 'href="#e' in page
    for i in range(len(oped.entities)):
        assert f'id="e{i}"' in page
    assert '<mark class="unlinked" title="Ahmadreza Djalali: not linked' in page


def test_terminal_and_json(oped):
    import json

    from rich.console import Console

    from vigil.media.report import render_terminal, to_json

    console = Console(record=True, width=120)
    render_terminal(oped, console)
    out = console.export_text()
    assert "ALAVI, Mahmoud" in out and "called for" in out
    data = json.loads(to_json([oped]))
    assert data["article"]["words"] > 900 and data["entities"][0]["mentions"][0]["sentence"]



def test_terminal_report_at_80_columns(oped):
    """A narrow terminal gets one block per entity: every id, score and context whole on its lines."""
    from rich.console import Console

    from vigil.media.report import render_terminal

    console = Console(record=True, width=80)
    render_terminal(oped, console)
    lines = console.export_text().splitlines()
    assert all(len(line) <= 80 for line in lines)
    for le in oped.entities:
        assert any(line.startswith(f"{format_score(le.score)}  {le.entity.id}  ") for line in lines), le.entity.id
    alavi = next(i for i, line in enumerate(lines) if "ofac-30422" in line)
    assert lines[alavi + 2].strip() == "called for"


def test_batch_gives_each_article_its_own_result(list_matcher, shared_articles):
    """scan_articles (one NER/parser pass per batch, shared screening) = scan_article, article by article."""
    from vigil.media.article import from_text, load_article
    from vigil.media.scan import scan_article, scan_articles

    articles = [
        load_article(str(shared_articles / "mois_oped_2018.txt")),
        from_text("Treasury sanctioned Hezbollah financier Adham Tabaja on Monday. Lawmakers urged the "
                  "administration to designate the Ministry of Intelligence and Security as well.", "short"),
        from_text("Le Trésor américain a sanctionné le Hezbollah et plusieurs de ses dirigeants, selon un "
                  "communiqué publié lundi à Washington par le département du Trésor.", "french"),
    ]
    assert articles[2].language != "en"

    def plain(result):
        data = result.to_dict()
        data.pop("timings_ms")
        return data

    batch = scan_articles(articles, list_matcher)
    for article, result in zip(articles, batch):
        assert result.article is article
        assert plain(result) == plain(scan_article(article, list_matcher))
    assert any(e["id"] == "ofac-4697" for e in plain(batch[1])["entities"])


def test_nationality_and_religion_words_are_not_screened():
    from vigil.media.scan import _names_no_party

    for name in ("Swedish", "Jewish", "Sunni Arab", "Western", "Zionism", "the Iranian", "Shiite Muslims"):
        assert _names_no_party(name), name
    for name in ("Hezbollah", "Houthis", "Taliban", "Islamic State", "Muslim Brotherhood", "Hamas"):
        assert not _names_no_party(name), name


# -- the relation graph as evidence (issue 17.5) --------------------------------------------------

@pytest.fixture(scope="session")
def list_graph(shared_data):
    from vigil.service.graph import Graph
    from vigil.sources import parse
    from vigil.sources.relations import extract

    relations = []
    for source, path in (("ofac", "ofac_sdn"), ("un", "un"), ("uk", "uk_ofsi")):
        pub = parse(source, shared_data / path)
        relations += extract(pub.dataset, pub.entities)
    return Graph.from_relations(relations)


def _linked(result, entity_id):
    return next((e for e in result.to_dict()["entities"] if entity_id in _ids(e)), None)


def test_oped_alavi_is_corroborated_by_his_relation_to_mois(list_matcher, list_graph, shared_articles):
    from vigil.media.scan import scan_file as scan

    result = scan_article_with(shared_articles / "mois_oped_2018.txt", list_matcher, list_graph)
    alavi = _linked(result, "ofac-30422")
    assert alavi is not None
    assert any(e.startswith("related on the lists to IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY")
               and e.endswith("also named in this article") for e in alavi["evidence"]), alavi["evidence"]
    # the graph adds evidence, it does not change what the op-ed links
    assert {e["id"] for e in result.to_dict()["entities"]} == {e["id"] for e in scan(
        str(shared_articles / "mois_oped_2018.txt"), list_matcher).to_dict()["entities"]}


ARTICLE = """Militant network claims attack

The Haqqani Network claimed responsibility for the attack on a convoy, according to a statement posted online on Monday.

Investigators said a message attributed to Sirajuddin Haqqani had been circulating among supporters for several days.
"""


def test_a_person_related_to_an_organisation_in_the_article_is_linked(list_matcher, list_graph):
    """No country, no role word near the name: only the lists' relation (he heads the network) corroborates."""
    from vigil.media.scan import scan_text

    without = scan_text(ARTICLE, list_matcher).to_dict()
    assert not [e for e in without["entities"] if "Sirajuddin" in " ".join(m["text"] for m in e["mentions"])]
    with_graph = scan_text_with(ARTICLE, list_matcher, list_graph).to_dict()
    (person,) = [e for e in with_graph["entities"] if "Sirajuddin" in " ".join(m["text"] for m in e["mentions"])]
    assert any("related on the lists to HAQQANI NETWORK" in e for e in person["evidence"]), person["evidence"]


def scan_article_with(path, matcher, graph):
    from vigil.media.article import load_article
    from vigil.media.scan import scan_article

    return scan_article(load_article(str(path)), matcher, graph=graph)


def scan_text_with(text, matcher, graph):
    from vigil.media.article import from_text
    from vigil.media.scan import scan_article

    return scan_article(from_text(text, "<text>"), matcher, graph=graph)
