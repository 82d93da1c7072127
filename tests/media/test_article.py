from __future__ import annotations

import pytest

from vigil.media.article import ArticleError, MAX_ARTICLE_BYTES, from_html, from_text, load_article


def test_text_article_title_and_language(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Treasury Sanctions Bank\n\nThe Treasury said on Monday that it had sanctioned the bank and "
                 "its chairman for their role in the scheme.", encoding="utf-8")
    a = load_article(p)
    assert a.title == "Treasury Sanctions Bank"
    assert a.language == "en" and not a.warnings


def test_html_article_extracts_title_date_and_text():
    html = ("<html><head><title>EU lifts sanctions</title><meta property='article:published_time' "
            "content='2016-01-16'></head><body><nav>Home | World</nav><article><h1>EU lifts sanctions</h1>"
            + "<p>The European Union lifted sanctions on the bank on Saturday after the agreement.</p>" * 5
            + "</article></body></html>")
    a = from_html(html, "x.html")
    assert a.title == "EU lifts sanctions" and a.date == "2016-01-16"
    assert "lifted sanctions" in a.text and "Home | World" not in a.text


def test_non_english_is_reported():
    a = from_text("Die Regierung hat die Sanktionen gegen das Ministerium und den Minister verlängert, "
                  "wie das Amt am Montag mitteilte, und die Vermögen wurden eingefroren.")
    assert a.language == "de" and a.warnings


@pytest.mark.parametrize("content, message", [(b"", "empty"), (b"   \n", "empty"), (b"\x00\x01\x02PK" * 50, "binary")])
def test_bad_input(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(ArticleError, match=message):
        load_article(p)


def test_huge_input(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:
        fh.seek(50 * 1024 * 1024)
        fh.write(b"x")
    with pytest.raises(ArticleError, match="MB"):
        load_article(p)
    assert MAX_ARTICLE_BYTES < 50 * 1024 * 1024
