"""Issue 15, alias holdout: an entity found by a name of a class its other listed names imply
(acronyms, spelling variants, partial names), with that name removed from the index. Real list
entries (the bench's tuning half only)."""
from __future__ import annotations

import pytest

from vigil.matching import Matcher, compare
from vigil.matching.index import acronym_keys
from vigil.matching.names import name_tokens
from vigil.model import Entity


def _without(entity: Entity, alias: str) -> Entity:
    data = entity.to_dict()
    data["properties"] = {k: [v for v in vs if v != alias] for k, vs in data["properties"].items()}
    data["properties"] = {k: vs for k, vs in data["properties"].items() if vs}
    return Entity.from_dict(data)


@pytest.fixture(scope="module")
def by_id(list_entities) -> dict[str, Entity]:
    return {e.id: e for e in list_entities if e.id}


@pytest.fixture(scope="module")
def others(list_entities) -> list[Entity]:
    """Every 8th entity of the lists: enough namesakes to compete for the candidate pool."""
    return list_entities[::8]


def _held_out_top(others, by_id, alias: str, target: str):
    entity = by_id[target]
    assert alias in entity.names
    reduced = _without(entity, alias)
    # (Not the entity's copies on other lists that write the alias in one of their names: SHAHID BAGHERI
    # INDUSTRIAL GROUP (SBIG) on the UN list is found by its bracketed acronym, `index.packed_names`.)
    matcher = Matcher([e for e in others if e.id != target and not any(alias in n for n in e.names)] + [reduced])
    resp = matcher.match({"schema": entity.schema.name, "properties": {"name": [alias]}}, limit=3)
    return resp.results


@pytest.mark.parametrize("alias,target", [
    ("SBIG", "ofac-9350"),  # SHAHID BAKERI INDUSTRIAL GROUP (Group: a generic word)
    ("MFTI", "ofac-38316"),  # MOSKOVSKIY FIZIKO-TEKHNICHESKIY INSTITUT
])
def test_an_acronym_of_the_entitys_own_name_finds_it(others, by_id, alias, target):
    results = _held_out_top(others, by_id, alias, target)
    assert results and results[0].entity.id == target and results[0].match, [(r.entity.id, r.score) for r in results]


def test_acronym_keys_of_organisation_names():
    assert "isbig" in acronym_keys(name_tokens("SHAHID BAKERI INDUSTRIAL GROUP", "org"))
    # the run before a legal form, with and without a generic word or a country word at its ends
    assert "initc" in acronym_keys(name_tokens("NATIONAL IRANIAN TANKER COMPANY LTD", "org"))
    assert "inioec" in acronym_keys(name_tokens("NATIONAL IRANIAN OIL ENGINEERING AND CONSTRUCTION COMPANY", "org"))
    assert "iimis" in acronym_keys(name_tokens("IRANIAN MINISTRY OF INTELLIGENCE AND SECURITY", "org"))
    assert not acronym_keys(name_tokens("ROSHAN LTD", "org"))
    # Three letters are too many organisations' initials to look up: a random three-letter query found
    # an organisation at >= 0.7 22 % of the time with them (9 % without), a random three-word company
    # name 0.67 % (0.17 %) (see ACRONYM_LENGTHS).
    assert not acronym_keys(name_tokens("DEFENSE INDUSTRIES ORGANIZATION", "org"))


def test_an_acronym_does_not_spell_a_legal_form_or_a_persons_name():
    org = Entity("Company", properties={"name": ["Golden Star LLC"]})
    assert compare({"schema": "Company", "properties": {"name": ["GSL"]}}, org).score < 0.7
    person = Entity("Person", properties={"name": ["Ali Hassan Ahmad"]})
    assert compare({"schema": "Person", "properties": {"name": ["AHA"]}}, person).score < 0.7


def test_a_spelling_no_list_contains_finds_the_other_transliteration(others, by_id):
    # Spanish b / v: TROVER, S.A. is listed as TROBER, S.A. (the query word is in no listed name).
    results = _held_out_top(others, by_id, "TROVER, S.A.", "ofac-2109")
    assert results and results[0].entity.id == "ofac-2109" and results[0].match
    from vigil.matching.index import alternation_keys

    [hamcho] = name_tokens("HAMCHO", "person")
    assert "khmS" in alternation_keys(hamcho)  # French ch for sh (HAMSHO)
    [oleh] = name_tokens("HOTSANIUK", "person")
    assert "kgtsnk" in alternation_keys(oleh)  # Ukrainian h for Russian g (GOTSANYUK)


def _org_score(a: str, b: str, schema: str = "Company") -> float:
    return compare({"schema": schema, "properties": {"name": [a]}}, Entity(schema, properties={"name": [b]})).score


def test_a_longer_form_of_an_organisation_name_of_three_parts_or_more():
    # ofac-43269: one extra part (PROJECT) in a name of three shared parts: the same entity.
    assert _org_score("ZELENODOLSK DESIGN BUREAU JSC", "JOINT STOCK COMPANY ZELENODOLSKY PROJECT AND DESIGN BUREAU") >= 0.7
    # ... but not another country's entity, nor a two-part name's longer form.
    assert _org_score("Bank Melli Iran", "Bank Melli Iran Armenia") < 0.7
    assert _org_score("Korean Peoples Army", "Korean Peoples Army Security Bureau", "Organization") < 0.7


def test_legal_forms_and_generic_words_in_other_languages():
    assert _org_score("SOBINBANK", "JSB SOBINBANK") >= 0.9  # joint-stock bank: a legal form
    assert _org_score("DAL ENERJI A.S.", "DAL ENERJI ANONIM SIRKETI") >= 0.9  # Turkish
    assert _org_score("NOVI PAZAR-PUT D.O.O.", "DRUSTVO SA OGRANICENOM ODGOVORNOSCU NOVI PAZAR-PUT") >= 0.9
    assert _org_score("RGS KHOLDING", "OOO RGS HOLDING") >= 0.9
    assert _org_score("TAA BREMINA GRUP", "BREMINA GROUP LLC") >= 0.9
    assert _org_score("AL-KAWTHAR HAWALA", "AL-KAWTHAR EXCHANGE", "Organization") >= 0.9
    # A religious title in a business's name is not its distinctive part (HAJI / MULLAH AHMED SHAH HAWALA).
    assert _org_score("MULLAH AHMED SHAH HAWALA", "HAJI AHMAD SHAH HAWALA", "Organization") >= 0.85
    assert _org_score("AHMED SHAH HAWALA", "ROSHAN HAWALA", "Organization") < 0.7


def test_the_short_form_of_a_name_with_two_family_names():
    # ofac-26388 BASTARDO MENDOZA, Rafael Enrique: first given name + first family name.
    person = Entity("Person", properties={"name": ["BASTARDO MENDOZA, Rafael Enrique"]})
    assert compare({"schema": "Person", "properties": {"name": ["BASTARDO, Rafael"]}}, person).match
    [*_, last] = name_tokens("BASTARDO MENDOZA, Rafael Enrique", "person")
    assert last.role == "family2"
    # Without the first given name it is still another person's name.
    other = Entity("Person", properties={"name": ["LOPEZ GARCIA, Ana Maria"]})
    assert not compare({"schema": "Person", "properties": {"name": ["Maria Lopez"]}}, other).match


def test_somali_abdi_is_abdul(others, by_id):
    assert [t.text for t in name_tokens("NUREY, Abdirahman", "person")] == ["abdul", "rahman", "nurey"]
    results = _held_out_top(others, by_id, "NUREY, Abdelrahman", "ofac-39300")  # listed NUREY, Abdirahman
    assert results and results[0].entity.id == "ofac-39300" and results[0].match


def test_dubai_free_zone_designations_are_legal_forms():
    assert _org_score("RAHMANI GROUP INTERNATIONAL", "RAHMANI GROUP INTERNATIONAL JLT", "Organization") >= 0.9
    assert _org_score("GOLDEN STAR TRADING", "GOLDEN STAR TRADING DMCC") >= 0.9


def test_russian_and_belarusian_organisation_words_in_transliteration():
    assert _org_score("DONETSKAYA NARODNAYA RESPUBLIKA", "DONETSK PEOPLE'S REPUBLIC", "Organization") >= 0.9
    assert _org_score("DZYARZHAUNAYE PRADPRYEMSTVA TSENTRKURORT", "STATE ENTERPRISE TSENTRKURORT", "Organization") >= 0.9
    assert _org_score("URALSKIY ZAVOD", "URALSKIY PLANT") >= 0.9
    # a distinctive word still differs
    assert _org_score("GOSUDARSTVENNOYE PREDPRIYATIYE TSENTRKURORT", "STATE ENTERPRISE BELAVIA", "Organization") < 0.7


def test_the_arabic_article_written_joined():
    from vigil.matching.scoring import _joined_article

    assert _joined_article("alhakim", "hakim") and _joined_article("anhar", "alanhar")
    assert _joined_article("alrrafidayn", "rafidayn")  # the sun letter doubled
    assert not _joined_article("alfred", "fred") and not _joined_article("albert", "bert")
    person = Entity("Person", properties={"name": ["AL-HAKIM, Abdallah"]})
    assert compare({"schema": "Person", "properties": {"name": ["ALHAKIM, Abdallah"]}}, person).score >= 0.9


def test_russian_legal_forms_with_shch_written_sh_or_letters_swapped():
    assert [t.text for t in name_tokens("AKTCIONERNOE OBSHESTVO TETIS PRO", "org")] == ["jsc", "tetis", "pro"]
    assert name_tokens("OBSHCHESTVO S ORGANICHENNOI OTVETSTVENNOSTYU ARKTIK", "org")[0].text == "llc"


@pytest.mark.parametrize("alias,listed", [
    ("CHON, Il Ho", "JON, Il Ho"),  # ofac-39496: McCune-Reischauer / North Korean official spelling
    ("PAEK, Chong-sam", "PAEK, Jong Sam"),  # ofac-23484
    ("CHO, Yongwon", "JO, Yong-Won"),  # ofac-21303
])
def test_korean_names_in_either_romanisation(alias, listed):
    person = Entity("Person", properties={"name": [listed]})
    assert compare({"schema": "Person", "properties": {"name": [alias]}}, person).score >= 0.9


def test_korean_consonant_variants_only_in_korean_looking_names():
    assert all(t.role == "kr" for t in name_tokens("JON, Il Ho", "person"))
    assert not any(t.role == "kr" for t in name_tokens("CHANG, Shi-Fu", "person"))  # pinyin, no Korean syllables
    assert not any(t.role == "kr" for t in name_tokens("Dan Tan", "person"))  # no Korean family name
    # a consonant pair only: Jong and Song stay different syllables
    [jong] = [t for t in name_tokens("KIM, Jong Chol", "person") if t.text == "jong"]
    assert "song" not in (jong.syn or ())


def test_descriptive_words_the_lists_drop_from_an_organisations_name():
    assert _org_score("HASM MOVEMENT", "HASM", "Organization") >= 0.9  # ofac-23628
    assert _org_score("SHAM AL-ISLAM MOVEMENT", "HARAKAT SHAM AL-ISLAM", "Organization") >= 0.9  # harakat = movement
    assert _org_score("MEHR PETROCHEMICAL COMPLEX", "MEHR PETROCHEMICAL COMPANY") >= 0.9
    assert _org_score("AL-KAWTHAR HAWALA", "AL-KAWTHAR MONEY EXCHANGE", "Organization") >= 0.9
    assert _org_score("HASM MOVEMENT", "HAMAS MOVEMENT", "Organization") < 0.7  # the distinctive part decides


def test_later_family_names_after_a_particle_or_compound():
    for listed, short in (("FLORES DE MADURO, Cilia Adela", "FLORES, Cilia"),  # ofac-25079
                          ("ROSTAMI CHESHMEH GACHI, Mohammad", "ROSTAMI, Mohammad")):  # ofac-39260
        person = Entity("Person", properties={"name": [listed]})
        assert compare({"schema": "Person", "properties": {"name": [short]}}, person).match, listed
    assert not any(t.role == "family2" for t in name_tokens("DE LA CRUZ, Juan", "person"))


def test_more_legal_forms_written_out_or_abbreviated():
    assert _org_score("GTLK MIDDLE EAST FZCO", "GTLK MIDDLE EAST FREE ZONE COMPANY") >= 0.9
    assert _org_score("ODO BELNEFTEGAZ", "ADDITIONAL LIABILITY COMPANY BELNEFTEGAZ", "Organization") >= 0.9
    assert _org_score("ZAT ABSOLUTBANK", "CLOSED JOINT STOCK COMPANY ABSOLUTBANK") >= 0.9
    assert _org_score("FGBU SANATORI NIZHNYAYA OREANDA", "SANATORI NIZHNYAYA OREANDA", "Organization") >= 0.9
    assert _org_score("JUNIOR INTERNACIONAL S.A.", "JUNIOR INTERNATIONAL S.A.") >= 0.9


def test_ukrainian_and_belarusian_h_for_russian_g():
    from vigil.matching.scoring import DEFAULT_CONFIG, token_sim

    person = Entity("Person", properties={"name": ["SEMENCHEV, Ihor Ihorovych"]})  # ofac-39213
    assert compare({"schema": "Person", "properties": {"name": ["SEMENCHEV, Igor Igorevich"]}}, person).match
    [a], [b] = name_tokens("Hotsaniuk", "person"), name_tokens("Gotsanyuk", "person")
    assert token_sim(a, b, DEFAULT_CONFIG) >= 0.9
    # two-consonant words keep the floor of the same vowel shape: Hill / Gill are two names
    [a], [b] = name_tokens("Hill", "person"), name_tokens("Gill", "person")
    assert token_sim(a, b, DEFAULT_CONFIG) < DEFAULT_CONFIG["fuzzy_floor"]
    # other letters still differ
    person = Entity("Person", properties={"name": ["KARPENKA, Ivan Vasilyevich"]})
    assert not compare({"schema": "Person", "properties": {"name": ["KARPENKO, Igor Vasilievich"]}}, person).match


def test_a_bare_acronym_against_a_name_written_with_it():
    # gb-hmt-13141 AAB / unsc-QDe.144 ABDALLAH AZZAM BRIGADES (AAB): the acronym, not a part left over twice
    assert _org_score("AAB", "ABDALLAH AZZAM BRIGADES (AAB)", "Organization") >= 0.7


def test_korean_family_names_settled_spellings():
    person = Entity("Person", properties={"name": ["YU, Jin"]})  # ofac-39497
    assert compare({"schema": "Person", "properties": {"name": ["YOO, Jin"]}}, person).match
    assert all(t.role == "kr" for t in name_tokens("PARK, Song Il", "person"))


def test_more_generic_words_and_forms():
    assert _org_score("OXFOCENTO PTY LTD", "OXFOCENTO PROPRIETARY LTD") >= 0.9
    assert _org_score("AL-HISN FIRM", "AL-HISN", "Organization") >= 0.9
    assert _org_score("INZHENERNAYA FIRMA AB UNIVERSAL", "ENGINEERING FIRM AB UNIVERSAL LLC") >= 0.9
    assert [t.weak for t in name_tokens("LOS CUINIS DRUG TRAFFICKING ORGANIZATION", "org")] == [
        False, False, True, True, False]
    assert _org_score("RUANO YANDUN DTO", "RUANO YANDUN DRUG TRAFFICKING ORGANIZATION", "Organization") >= 0.7
    assert _org_score("ZELENODOLSK PLANT", "ZELENODOLSKY PLANT") >= 0.85  # a place in -sk and its adjective


@pytest.mark.parametrize("short,full", [
    # names of one entry of the lists, one with a word cut short
    ("SADID CARAN SABA ENG. CO.", "SADID CARAN SABA ENGINEERING COMPANY"),
    ("SEPANIR OIL & GAS ENERGY ENG. CO.", "SEPANIR OIL AND GAS ENERGY ENGINEERING COMPANY"),
    ("ZHEJIANG QINGJI IND. CO., LTD", "ZHEJIANG QINGJI INDUSTRIAL CO., LTD."),  # (tuning half)
    ("GTLK EUROPE CAP", "GTLK EUROPE CAPITAL DAC"),  # (tuning half)
])
def test_an_abbreviated_word_of_an_organisation_name(short, full):
    org = Entity("Company", properties={"name": [full]})
    assert compare({"schema": "Company", "properties": {"name": [short]}}, org).score >= 0.7


def test_no_abbreviation_in_persons_names_nor_acronyms():
    person = Entity("Person", properties={"name": ["Alisher KHAN"]})
    assert compare({"schema": "Person", "properties": {"name": ["Ali Khan"]}}, person).score < 0.7
    org = Entity("Company", properties={"name": ["SFTUE BELSPETSVNESHTECHNIKA"]})
    # an acronym (no vowel) is not a word cut short
    assert compare({"schema": "Company", "properties": {"name": ["SFT BELSPETSVNESHTECHNIKA"]}}, org).score < 0.7


def test_an_inflected_word_or_a_lone_distinctive_word_is_no_abbreviation():
    # another name's word, not one cut short (name_bench tuning pairs labelled different)
    org = Entity("Company", properties={"name": ['ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "БАЙКАЛ"']})
    assert compare({"schema": "Company", "properties": {"name": ['ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ "БАЙ"']}},
                   org).score < 0.7
    bank = Entity("Company", properties={"name": ["Sumitomo Mitsui Banking Corporation"]})
    assert compare({"schema": "Company", "properties": {"name": ["Sumitomo Mitsui Trust Bank Limited"]}},
                   bank).score < 0.7


@pytest.mark.parametrize("query,listed", [
    # names of one entry of the lists: Ю and Я written iu and ia at the start of a word
    ("Iurii Vladimirovich IVAKIN", "Yuri Vladimirovich IVAKIN"),  # gb-hmt-13016
    ("BULYGIN, Iaroslav", "BULYGIN, Yaroslav Viktorovich"),  # ofac-48774
    ("RAPOPORT, Boris Iakovlevich", "RAPOPORT, Boris Yakovlevich"),  # ofac-39265
    ("HOTSANIUK, Iurii Mykhailovych", "GOTSANYUK, Yuri Mikhailovich"),  # (tuning half)
])
def test_initial_iu_ia_is_yu_ya(query, listed):
    person = Entity("Person", properties={"name": [listed]})
    assert compare({"schema": "Person", "properties": {"name": [query]}}, person).score >= 0.7


def test_ian_is_not_yan():
    person = Entity("Person", properties={"name": ["Yan SMITH"]})
    assert compare({"schema": "Person", "properties": {"name": ["Ian Smith"]}}, person).score < 0.7


@pytest.mark.parametrize("query,listed", [
    # names of one entry of the lists: a compound with the article written apart, and joined with a linking vowel
    ("NOOR AL DIN, Ahmad", "NOORUDDIN, Ahmad"),
    ("BADR AL-DIN, Mustafa", "BADREDDIN, Mustafa"),
    ("TAJ AL DIN, Husayn", "TAJIDEEN, Husayn"),  # ofac-12451 (tuning half)
])
def test_a_compound_joined_with_a_linking_vowel(query, listed):
    person = Entity("Person", properties={"name": [listed]})
    assert compare({"schema": "Person", "properties": {"name": [query]}}, person).score >= 0.7


def test_a_linking_vowel_joins_only_the_same_vowel_shape():
    person = Entity("Person", properties={"name": ["TAJIKISTAN, Husayn"]})
    assert compare({"schema": "Person", "properties": {"name": ["TAJ AL DIN, Husayn"]}}, person).score < 0.7


@pytest.mark.parametrize("query,listed", [
    # names of one entry of the lists: an English word and its Russian-style transliteration
    ("INSTAR LODZHISTIKS, OOO", "INSTAR LOGISTICS"),  # ofac-23543
    ("OOO DIDZHITAL INVEST", "DIGITAL INVEST LIMITED LIABILITY COMPANY"),  # ofac-42032
    ("LLC GRUPPA AKVARIUS", "AQUARIUS GROUP LLC"),  # ofac-39141 (AQUARIUS)
    ("AK MIKROTEKH", "LIMITED LIABILITY COMPANY AK MICROTECH"),  # ofac-44215 (tuning half)
])
def test_an_english_word_and_its_russian_transliteration(query, listed):
    org = Entity("Company", properties={"name": [listed]})
    assert compare({"schema": "Company", "properties": {"name": [query]}}, org).score >= 0.7


def test_loanword_spellings_only_in_organisation_names():
    # persons' names keep their own transliteration rules (the same words as organisation names match)
    person = Entity("Person", properties={"name": ["ENERGY, Ivan"]})
    assert compare({"schema": "Person", "properties": {"name": ["ENERDZHI, Ivan"]}}, person).score < 0.7
    org = Entity("Company", properties={"name": ["ENERGY IVAN"]})
    assert compare({"schema": "Company", "properties": {"name": ["ENERDZHI IVAN"]}}, org).score >= 0.7
