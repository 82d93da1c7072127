"""Name classes across scripts (issue 15.2), on real list examples: titles in any script, Persian
zero-width non-joiners and ezafe, Persian/Arabic organisation words and their transliterations,
Chinese written without spaces (jieba, OpenCC, pypinyin)."""
from __future__ import annotations

import pytest

from vigil.matching import han, wordtables
from vigil.matching.names import (
    ORG_GENERIC, TITLE_CLASS, name_tokens, org_generic, title_positions, split_words,
)


def texts(name: str, kind: str = "any") -> list[str]:
    return [t.text for t in name_tokens(name, kind)]


def top(matcher, name: str, schema: str = "LegalEntity", n: int = 3):
    resp = matcher.match({"schema": schema, "properties": {"name": [name]}}, limit=n, threshold=0.7)
    return [(r.entity.id, r.score, r.match) for r in resp.results]


# -- the tables ---------------------------------------------------------------------------------
def test_tables_parse_and_every_row_has_a_known_class():
    assert len(wordtables.titles()) > 100
    assert {c for _, c in wordtables.titles()} <= set(wordtables.TITLE_CLASSES)
    rows = wordtables.org_words()
    assert {c for _, _, c in rows} == set(wordtables.ORG_CLASSES)
    assert all(forms and english for forms, english, _ in rows)


@pytest.mark.parametrize("title", ["Seyed", "Sayyid", "Sayed", "سید", "Ayatollah", "آیت‌الله", "آیت الله",
                                   "Hojatoleslam", "Sheikh", "شیخ", "Haji", "Hajj", "حاج", "Mullah", "Mufti",
                                   "Imam", "Dr.", "General", "Sardar", "سردار", "Colonel"])
def test_the_issue_titles_are_in_the_table(title):
    assert title_positions(split_words(title, join_dotted=False)) == set(range(len(split_words(title, join_dotted=False))))


@pytest.mark.parametrize("name,expected", [
    ("Hojjat-ol-Eslam val-Moslemin Mahmoud Alavi", ["mahmoud", "alavi"]),  # a multi-word title, hyphenated
    ("Grand Ayatollah Ali Sistani", ["ali", "sistani"]),
    ("Sardar Qasem Soleimani", ["qasem", "soleimani"]),
    ("Amir Ali Hajizadeh", ["amir", "ali", "hajizadeh"]),  # Amir alone is a given name, not a title
])
def test_titles_are_dropped_from_person_names(name, expected):
    assert texts(name, "person") == expected


def test_titles_in_arabic_script_are_dropped():
    plain = name_tokens("علی خامنه‌ای", "person")
    assert name_tokens("آیت‌الله علی خامنه‌ای", "person") == plain
    assert name_tokens("آیت الله سید علی خامنه ای", "person") == plain
    # UK gb-hmt-15618 writes the title inside its non-Latin name: صفری سید علی
    assert texts("صفری سید علی", "person") == texts("صفری علی", "person")


def test_a_name_that_is_only_a_title_keeps_its_words():
    assert texts("Sheikh", "person") == ["sheikh"]


def test_titles_stay_in_organisation_names():
    # "HAJI BASIR AND ZARJMIL COMPANY HAWALA" (UK 13269): Haji is part of the business's name.
    assert "haji" in texts("HAJI BASIR AND ZARJMIL COMPANY HAWALA", "org")


# -- Persian: ZWNJ, suffixes, ezafe, و ----------------------------------------------------------
def test_zwnj_suffix_keeps_the_stem_final_vowel():
    tok = name_tokens("خامنه‌ای", "person")[0]
    khamenei = name_tokens("Khamenei", "person")[0]
    assert set(tok.skels) & set(khamenei.skels)
    # The same with the suffix written apart, or with Arabic ي.
    assert name_tokens("خامنه ای", "person") == name_tokens("خامنه‌ای", "person")
    assert set(name_tokens("خامنه‌اي", "person")[0].skels) & set(khamenei.skels)


def test_persian_and_is_no_name_part():
    assert len(name_tokens("وزارت اطلاعات و امنیت کشور", "org")) == 4


def test_generic_org_words_agree_across_scripts_and_ezafe():
    # ofac-12111 VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR; OFAC's VEZARATE DEFA (ezafe joined).
    for word in ("وزارت", "VEZARAT-E", "Vezarate"):
        toks = name_tokens(word + " Defa", "org")
        assert toks[0].text == "ministry" and not toks[0].weak  # a head noun: a different one, another body
    assert org_generic("vezarat") == org_generic("vezarate") == "ministry"
    keshvar = name_tokens("VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR", "org")[-1]
    assert keshvar.text == "country" and keshvar.weak  # generic: weighs like a legal form
    assert "کشور" in ORG_GENERIC
    # Persons keep them as name parts (Setad, Markaz are surnames too).
    assert not name_tokens("Vezarat Ali", "person")[0].weak


def test_distinctive_org_words_carry_transliterations_and_english():
    native = name_tokens("اطلاعات", "org")[0]
    latin = name_tokens("ETTELA'AT", "org")[0]
    assert "intelligence" in native.syn and "ettelaat" in native.syn
    assert "intelligence" in latin.syn


def test_mois_in_persian_finds_its_list_entry(matcher):
    # The lists' Latin rendering of MOIS's Persian name: ofac-12111 VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR.
    hits = top(matcher, "وزارت اطلاعات و امنیت کشور")
    assert hits[0][0] == "ofac-12111" and hits[0][1] >= 0.9 and hits[0][2]
    # Its usual short name: the words before "and" of a ministry's name (names.short_forms).
    hits = top(matcher, "وزارت اطلاعات")
    assert hits[0][0] == "ofac-12111" and hits[0][2]


def test_a_ministry_is_not_another_kind_of_body(matcher):
    # وزارت دفاع (Ministry of Defence) is not SAZEMANE SANAYE DEFA (Defence Industries Organisation).
    for ent_id, score, flagged in top(matcher, "وزارت دفاع", n=5):
        if ent_id == "ofac-10153":
            assert not flagged, score


def test_short_forms_of_ministries():
    from vigil.matching.names import short_forms

    assert short_forms("IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY", "org") == ["IRANIAN MINISTRY OF INTELLIGENCE"]
    assert short_forms("VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR", "org") == ["VEZARAT-E ETTELA'AT"]
    assert short_forms("وزارت دفاع و پشتیبانی نیروهای مسلح", "org") == ["وزارت دفاع"]
    assert short_forms("BANK OF INDUSTRY AND MINE", "org") == []  # only ministries
    assert short_forms("MINISTRY OF INTELLIGENCE AND SECURITY", "person") == []


def test_khamenei_with_zwnj_is_found_first(matcher):
    for query in ("علی خامنه‌ای", "آیت‌الله علی خامنه‌ای", "سید علی خامنه ای"):
        hits = top(matcher, query)
        assert hits[0][0] == "ofac-26945", (query, hits)
        assert hits[0][1] >= 0.7 and hits[0][1] - hits[1][1] >= 0.2


def test_persian_org_name_of_the_uk_list_finds_its_latin_names(matcher):
    # gb-hmt-10655 lists وزارت دفاع و پشتیبانی نیروهای مسلح; OFAC has the same ministry as
    # VEZARATE DEFA VA POSHTIBANI-E NIROHAYE MOSALLAH / MINISTRY OF DEFENSE AND ARMED FORCES LOGISTICS.
    hits = top(matcher, "Vezarat-e Defa va Poshtibani-ye Niruha-ye Mosallah")
    assert hits[0][0] in ("ofac-10392", "gb-hmt-10655") and hits[0][2]


# -- Chinese ----------------------------------------------------------------------------------
def test_chinese_company_names_are_cut_into_words():
    assert han.segment("上海东丰航运有限公司") == ("上海", "东丰", "航运", "有限公司")
    assert texts("上海东丰航运有限公司") == ["shanghai", "dongfeng", "hangyun", "co", "ltd"]


def test_traditional_and_simplified_give_the_same_parts():
    # gb-hmt-13626 lists 長安海連技術有限公司 (traditional).
    assert name_tokens("長安海連技術有限公司", "org") == name_tokens("长安海连技术有限公司", "org")
    first = name_tokens("長安海連技術有限公司", "org")[0]
    assert "changan" in {first.text} | set(first.syn or ())  # 長安 Chang'an (長 chang / zhang)


def test_polyphonic_characters_carry_their_other_readings():
    tok = name_tokens("重庆银行", "org")[0]  # 重 zhong / chong: Chongqing
    assert "chongqing" in {tok.text} | set(tok.syn or ())
    assert "bank" in name_tokens("重庆银行", "org")[1].syn


def test_chinese_person_names_split_family_and_given():
    assert texts("习近平", "person") == ["xi", "jinping"]
    assert texts("習近平", "person") == ["xi", "jinping"]
    # A Korean name in hanja keeps its readings (not folded to simplified characters).
    assert "kim" in name_tokens("金正恩", "any")[0].syn


def test_chinese_company_finds_its_latin_list_entry(matcher):
    # UN KPe.072 / UK 13643 SHANGHAI DONGFENG SHIPPING CO LTD: 航运 is "shipping".
    hits = top(matcher, "上海东丰航运有限公司")
    assert {hits[0][0], hits[1][0]} <= {"unsc-KPe.072", "gb-hmt-13643", "ofac-23779"}
    assert hits[0][1] >= 0.9 and hits[0][2]


def test_simplified_query_finds_a_name_listed_in_traditional(matcher):
    hits = top(matcher, "长安海连技术有限公司")
    assert hits[0][0] in ("gb-hmt-13626", "unsc-KPe.055") and hits[0][1] >= 0.95


def test_jieba_writes_its_cache_under_vigil_home_only(tmp_path, monkeypatch):
    import subprocess
    import sys

    home = tmp_path / "home"
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {"VIGIL_HOME": str(home), "TMPDIR": str(tmp), "PATH": "/usr/bin:/bin", "VIGIL_PURE_PYTHON": "1"}
    code = "from vigil.matching import han; print(han.segment('上海东丰航运有限公司'))"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "东丰" in done.stdout
    assert done.stderr.strip() == ""  # quiet: no "Building prefix dict" messages
    assert list(tmp.iterdir()) == []
    written = sorted(p.name for p in (home / "cache").iterdir())
    assert written and all(name.startswith("jieba") for name in written)  # its dictionary and prefix cache
