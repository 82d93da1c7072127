"""Normalisation, transliteration and the phonetic keys, with real spellings from the lists."""
from __future__ import annotations

import pytest

from vigil.matching import normalize
from vigil.matching.names import latin_skeleton, name_tokens, vowel_key
from vigil.matching.translit import arabic_skeletons, fold_arabic


@pytest.mark.parametrize(
    "text, expected",
    [
        ("VEZARAT-E ETTELA'AT VA AMNIAT-E KESHVAR", "vezarat e ettelaat va amniat e keshvar"),
        ("‘ABD AL-RAHMAN BIN ‘UMAYR AL-NU’AYMI", "abd al rahman bin umayr al nuaymi"),
        ("ANGLO-CARIBBEAN CO., LTD.", "anglo caribbean co ltd"),
        ("José  Pérez\tGarcía", "jose perez garcia"),
        ("Путин Владимир Владимирович", "putin vladimir vladimirovich"),
        ("Ｍｏｈａｍｍａｄ", "mohammad"),  # NFKC folds full-width letters
        ("قاسم سلیمانی", "qasm slimani"),
        ("Σωκράτης", "sokratis"),
        ("", ""),
    ],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


def test_persian_and_arabic_letter_forms_fold_together():
    # Persian ی/ک and Arabic ي/ك spell the same names.
    assert fold_arabic("علي") == fold_arabic("علی")
    assert fold_arabic("كريم") == fold_arabic("کریم")
    assert normalize("علي") == normalize("علی")


@pytest.mark.parametrize(
    "variants",
    [
        ("Soleimani", "Soleymani", "Sulaimani", "Sulaymani", "Solaimani"),  # OFAC 10481 / UN IRi.039
        ("Qasem", "Ghasem", "Kasim", "Qasim", "Qassem"),
        ("Mohammad", "Muhammad", "Mohamed", "Mohammed"),
        ("Hossein", "Husayn", "Hussein", "Hosein"),
        ("Hizballah", "Hezbollah", "Hizbullah"),
        ("Mahmoud", "Mahmood", "Mahmud"),
    ],
)
def test_latin_spelling_variants_share_a_skeleton(variants):
    assert len({latin_skeleton(normalize(v)) for v in variants}) == 1


def test_vowel_key_keeps_different_names_apart():
    assert vowel_key("mahmoud") != vowel_key("muhammad")
    assert vowel_key("soleimani") == vowel_key("sulaymani")


@pytest.mark.parametrize(
    "arabic, latin",
    [
        ("قاسم", "ghasem"),
        ("سلیمانی", "soleimani"),
        ("محمود", "mahmoud"),
        ("علوی", "alavi"),
        ("حسین", "hossein"),
        ("فاطمة", "fatemeh"),  # ta marbuta / final -eh
        ("الاسد", "assad"),  # article ال dropped
    ],
)
def test_arabic_script_skeleton_meets_latin_spelling(arabic, latin):
    tok = name_tokens(arabic, "person")[-1]
    assert latin_skeleton(latin) in tok.skels


def test_arabic_skeletons_offer_readings_of_waw():
    # و is a consonant (v/w) in Alavi and a long vowel in Mahmoud: both readings are kept.
    assert {"mhmd", "mhmvd"} <= set(arabic_skeletons("محمود"))


def test_honorifics_and_particles_are_dropped():
    toks = [t.text for t in name_tokens("Seyyed Mahmoud ALAVI", "person")]
    assert toks == ["mahmoud", "alavi"]
    toks = [t.text for t in name_tokens("Sheikh Abd al-Rahman bin Umayr", "person")]
    assert toks == ["abdul", "rahman", "umayr"]
    assert [t.text for t in name_tokens("Abdulrahman", "person")] == ["abdul", "rahman"]
    assert [t.text for t in name_tokens("Abdel Rahman", "person")] == ["abdul", "rahman"]
    assert [t.text for t in name_tokens("Abdullah", "person")] == ["abdullah"]
    # A name that is nothing but a title keeps its words.
    assert [t.text for t in name_tokens("Sheikh", "person")] == ["sheikh"]


def test_legal_forms_are_canonical_and_weak():
    a = name_tokens("MAHAN AIR COMPANY LTD", "org")
    b = name_tokens("Mahan Air Co. Limited", "org")
    assert [t.text for t in a] == [t.text for t in b] == ["mahan", "air", "co", "ltd"]
    assert [t.weak for t in a] == [False, False, True, True]
    assert [t.text for t in name_tokens("Sherkat-e Mahan", "org")] == ["co", "mahan"]


def test_learned_variants_table_is_shipped_and_small():
    from vigil.matching.tables import TABLES_FILE, variants

    assert TABLES_FILE.stat().st_size < 2_000_000
    table = variants()
    assert "soleymani" in table["soleimani"]
    assert "mahmoud" not in table.get("muhammad", ())


@pytest.mark.parametrize(
    "arabic, latin",
    [
        ("عبد الله", "Abdullah"),  # عبد joins the next word
        ("السيد حسن نصر الله", "Hassan Nasrallah"),  # honorific, article, "نصر الله"
        ("أسامة بن لادن", "Osama bin Laden"),  # particle بن
        ("علي خامنئي", "Ali Khamenei"),  # kh
        ("صدام حسين", "Saddam Hussein"),
    ],
)
def test_arabic_script_names_meet_latin_names(arabic, latin):
    from vigil.matching import compare
    from vigil.model import Entity

    r = compare(Entity("Person", properties={"name": [arabic]}), Entity("Person", id="x", properties={"name": [latin]}))
    assert r.match, (arabic, latin, r.score)


@pytest.mark.parametrize(
    "cyrillic, latin",
    [("Сергей Лавров", "Sergey Lavrov"), ("Евгений Пригожин", "Yevgeny Prigozhin"), ("Дмитрий Медведев", "Dmitry Medvedev")],
)
def test_cyrillic_names_meet_latin_names(cyrillic, latin):
    from vigil.matching import compare
    from vigil.model import Entity

    r = compare(Entity("Person", properties={"name": [cyrillic]}), Entity("Person", id="x", properties={"name": [latin]}))
    assert r.match and r.score > 0.9


def test_kh_digraph_is_one_sound():
    assert latin_skeleton("khamenei") == "Xmn"
    assert name_tokens("خان", "person")[0].skels == ("Xn",)


# -- scripts beyond Arabic, Cyrillic and Greek (names as the UK list writes them) -------------
@pytest.mark.parametrize(
    "native, latin",
    [
        ("김영복", "KIM YONG BOK"),  # UK list, Hangul: Revised Romanisation gim/yeong/bok + variants
        ("노광철", "NO KWANG CHOL"),
        ("리송진", "RI SONG JIN"),
        ("신금철", "SIN KUM CHOL"),
        ("נעם פדרמן", "Noam FEDERMAN"),  # UK list, Hebrew: consonant skeletons like Arabic
        ("ינון לוי", "Yinon LEVY"),
        ("Δημήτρης Ιωαννίδης", "Demetris IOANNIDES"),  # UK list, Greek
        ("ΧΡΙΣΤΟΔΟΥΛΟΣ Γ. ΒΑΣΙΛΕΙΑΔΗΣ", "Christodoulos Georgiou VASSILIADES"),
    ],
)
def test_list_names_in_other_scripts_meet_their_latin_names(native, latin):
    from vigil.matching import compare
    from vigil.model import Entity

    r = compare(Entity("Person", properties={"name": [native]}), Entity("Person", id="x", properties={"name": [latin]}))
    assert r.match, (native, latin, r.score)


def test_hangul_syllables_carry_their_common_spellings():
    from vigil.matching.translit import hangul_syllable

    rr, alts = hangul_syllable("정")
    assert rr == "jeong" and {"jung", "jong", "chung"} <= alts
    assert {"kim", "gim"} <= {hangul_syllable("김")[0], *hangul_syllable("김")[1]}
    assert [t.text for t in name_tokens("박지성", "person")] == ["bak", "ji", "seong"]


def test_han_and_other_scripts_fall_back_to_anyascii():
    assert [t.text for t in name_tokens("王伟", "person")] == ["wang", "wei"]  # family + given name
    assert normalize("ბარაკ") == "barak"  # Georgian; anyascii's apostrophes dropped
    assert name_tokens("नरेन्द्र", "person")[0].skels == (latin_skeleton("narendra"),)  # Indic: consonants


def test_same_script_syllables_are_compared_as_written():
    from vigil.matching.scoring import DEFAULT_CONFIG, token_sim

    a, b = name_tokens("정", "person")[0], name_tokens("종", "person")[0]
    assert token_sim(a, b, DEFAULT_CONFIG) == 0.0  # jeong / jong read alike but are two names
    latin = name_tokens("Jong", "person")[0]
    assert token_sim(a, latin, DEFAULT_CONFIG) >= 0.9


def test_legal_forms_in_full_and_abbreviated_are_one_form():
    def forms(text):
        return [t.text for t in name_tokens(text, "org") if t.weak]

    assert forms("Siemens Aktiengesellschaft") == forms("Siemens AG") == ["ag"]
    assert forms("Volkswagen Gesellschaft mit beschränkter Haftung") == forms("Volkswagen GmbH") == ["gmbh"]
    assert forms("Obshchestvo s Ogranichennoy Otvetstvennostyu Romashka") == forms("OOO Romashka") == ["llc"]
    assert forms("Открытое акционерное общество Газпром") == forms("OJSC Gazprom") == ["jsc"]
    assert forms("Banco Nacional S.A. de C.V.") == forms("Banco Nacional S.A.") == ["sa"]
    assert forms("Mahan Air Aktiengeselschaft") == ["ag"]  # a long legal form within two typing slips


def test_numbers_as_words_and_look_alike_digits():
    assert [t.text for t in name_tokens("Brigade Twenty-Two", "org")] == ["brigade", "22"]
    assert [t.text for t in name_tokens("Fifth Avenue Trading", "org")][:2] == ["5", "avenue"]
    assert [t.text for t in name_tokens("2nd Division", "org")] == ["2", "division"]
    assert [t.text for t in name_tokens("M0hammad 5oleimani", "person")] == ["mohammad", "soleimani"]
    assert [t.text for t in name_tokens("ASPHALT 2", "org")] == ["asphalt", "2"]  # real numbers stay
    assert normalize("Boeing737 A1") == "boeing737 a1"


def test_family_name_first_with_comma_is_turned_round():
    assert [t.text for t in name_tokens("PUTIN, Vladimir Vladimirovich", "person")] == [
        "vladimir", "vladimirovich", "putin"]


def test_ship_type_prefix_is_weak_but_not_org_initials():
    tokens = name_tokens("MV Hellenic Spirit", "org")
    assert tokens[0].weak and [t.text for t in tokens[1:]] == ["hellenic", "spirit"]
    assert not name_tokens("MT", "org")[0].weak  # a name that is only the prefix keeps it
    assert not name_tokens("SS Totenkopf Division", "org")[0].weak  # SS is not treated as a ship prefix
    assert not name_tokens("Mt Everest", "person")[0].weak


def test_dotted_abbreviation_in_org_name_is_not_a_particle():
    assert [t.text for t in name_tokens("U.S. Department of State", "org")] == ["us", "department", "state"]
    assert [t.text for t in name_tokens("Jamaat-ud-Dawa", "org")] == ["jamaat", "dawa"]  # a real particle


def test_indic_vowel_signs_stay_inside_their_word():
    # Bengali and Devanagari vowel signs are spacing marks (Mc): they must not split a name.
    assert len(name_tokens("মোহাম্মদ শামসুদ্দিন", "person")) == 2
    assert len(name_tokens("नरेन्द्र मोदी", "person")) == 2


def test_nasab_particle_marks_the_fathers_name():
    toks = name_tokens("MUHAMMAD BIN SALMAN AL-SAUD", "person")
    assert [(t.text, t.role) for t in toks] == [("muhammad", ""), ("salman", "nasab"), ("saud", "")]
    arabic = name_tokens("محمد بن سلمان", "person")
    assert [t.role for t in arabic] == ["", "nasab"]
    # Only for persons; and a first-word "Ben" is the given name, not "son of".
    assert all(t.role == "" for t in name_tokens("Bin Zayed Group", "org"))
    assert [t.text for t in name_tokens("Ben Wallace", "person")] == ["ben", "wallace"]


def test_roman_numerals_in_organisation_names_are_numbers():
    assert [t.text for t in name_tokens("Apollo Investment Fund VIII L.P.", "org")][:4] == [
        "apollo", "investment", "fund", "8"]
    assert [t.text for t in name_tokens("Citigroup Capital Trust XV", "org")][-1] == "15"
    # Not the first word ("I", "X" are words there), not in person names.
    assert name_tokens("X Financial", "org")[0].text == "x"
    assert name_tokens("Louis XIV", "person")[-1].text == "xiv"


def test_legal_phrase_with_a_typing_slip_is_still_the_legal_form():
    toks = name_tokens("TACTICAL MISSILES CORPORATION JOYNT STOCK COMPANY", "org")
    assert [(t.text, t.weak) for t in toks] == [("tactical", False), ("missiles", False), ("corp", True), ("jsc", True)]
    # The first word must still look like the form's first word.
    assert [t.text for t in name_tokens("Point Stock Company", "org")] == ["point", "stock", "co"]


def test_words_in_parentheses_qualify_an_organisation_name():
    toks = name_tokens("Deutsche Bank (Schweiz) AG", "org")
    assert [(t.text, t.role) for t in toks if not t.weak] == [("deutsche", ""), ("bank", ""), ("schweiz", "qualifier")]
    assert all(t.role == "" for t in name_tokens("Deutsche Bank Schweiz AG", "org"))


def test_ampersand_between_initials_is_one_abbreviation():
    assert [t.text for t in name_tokens("AT&T Inc.", "org")] == ["att", "corp"]
    assert [t.text for t in name_tokens("AT and T Inc.", "org")] == ["att", "corp"]
    assert [t.text for t in name_tokens("H and M Hennes and Mauritz AB", "org")] == ["hm", "hennes", "mauritz", "ab"]
    assert [t.text for t in name_tokens("Procter & Gamble Co.", "org")] == ["procter", "gamble", "co"]
