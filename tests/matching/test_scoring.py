"""Pairwise scoring on small hand-built entities: names, qualifiers and explanations."""
from __future__ import annotations

from vigil.matching import compare
from vigil.model import Entity


def person(name, **props):
    return Entity("Person", id="t-1", properties={"name": [name], **{k: [v] if isinstance(v, str) else v for k, v in props.items()}})


def query(name, schema="Person", **props):
    return {"schema": schema, "properties": {"name": [name], **{k: [v] for k, v in props.items()}}}


def test_spelling_variants_match_and_explain():
    r = compare(query("Ghasem Soleymani"), person("Qasem SOLEIMANI"))
    assert r.match and 0.85 < r.score < 1.0
    name = r.explanations["name"]
    assert name.query == "Ghasem Soleymani" and name.candidate == "Qasem SOLEIMANI"
    assert name.detail.startswith("name 0.")


def test_token_order_does_not_matter_but_missing_parts_cost():
    full = compare(query("Vladimir Putin"), person("PUTIN, Vladimir")).score
    assert full == 1.0
    middle = compare(query("Vladimir Putin"), person("Vladimir Vladimirovich PUTIN")).score
    assert 0.75 < middle < 1.0
    other = compare(query("Vladimir Ivanov"), person("Vladimir Vladimirovich PUTIN"))
    assert not other.match


def test_swapped_given_and_family_name_is_not_perfect():
    cand = Entity("Person", id="t-1", properties={"name": ["Ali Hassan"], "firstName": ["Ali"], "lastName": ["Hassan"]})
    q = {"schema": "Person", "properties": {"firstName": ["Hassan"], "lastName": ["Ali"]}}
    swapped = compare(q, cand)
    straight = compare({"schema": "Person", "properties": {"firstName": ["Ali"], "lastName": ["Hassan"]}}, cand)
    assert straight.score == 1.0
    assert swapped.match and swapped.score < 1.0


def test_birth_date_qualifiers():
    cand = person("Mahmoud ALAVI", birthDate="1954-04-24")
    exact = compare(query("Mahmoud Alavi", birthDate="1954-04-24"), cand)
    assert exact.explanations["dob_match"].detail == "birth date matches"
    year = compare(query("Mahmoud Alavi", birthDate="1954"), cand)
    assert year.explanations["dob_match"].detail == "birth year matches"
    wrong = compare(query("Mahmoud Alavi", birthDate="1981-02-02"), cand)
    assert "dob_mismatch" in wrong.explanations
    assert wrong.explanations["dob_mismatch"].query == "1981-02-02"
    assert wrong.score < 0.7 < exact.score
    # A range on the list (several years) covers a query year inside it.
    ranged = compare(query("Mahmoud Alavi", birthDate="1955"), person("Mahmoud ALAVI", birthDate=["1954", "1957"]))
    assert "dob_match" in ranged.explanations


def test_country_and_gender_qualifiers():
    cand = person("Mahmoud ALAVI", nationality="ir", gender="male")
    same = compare(query("Mahmoud Alavi", nationality="Iran"), cand)
    assert same.explanations["country_match"].candidate == "ir"
    other = compare(query("Mahmoud Alavi", nationality="Brazil", gender="female"), cand)
    assert "country_mismatch" in other.explanations and "gender_mismatch" in other.explanations
    assert other.score < same.score


def test_identifier_match_is_strong_evidence():
    cand = person("Qasem SOLEIMANI", passportNumber="008827")
    r = compare(query("Q. Soleimani", passportNumber="008827"), cand)
    assert r.explanations["id_match"].candidate == "008827"
    plain = compare(query("Q. Soleimani"), cand)
    assert r.score > plain.score and r.match
    vessel = Entity("Vessel", id="v-1", properties={"name": ["ADRIAN DARYA 1"], "imoNumber": ["9116412"]})
    hit = compare(query("Adrian Darya", schema="Vessel", imoNumber="IMO 9116412"), vessel)
    assert hit.match and "id_match" in hit.explanations


def test_person_never_matches_a_vessel():
    vessel = Entity("Vessel", id="v-1", properties={"name": ["SOLEIMANI"]})
    r = compare(query("Soleimani"), vessel)
    assert r.score == 0.0 and not r.match


def test_result_dict_has_yente_shape():
    d = compare(query("Mahmoud Alavi", birthDate="1954"), person("Mahmoud ALAVI", birthDate="1954-04-24")).to_dict()
    assert d["id"] == "t-1" and d["schema"] == "Person"
    assert set(d["explanations"]["name"]) == {"score", "weight", "detail", "query", "candidate"}
    assert d["match"] is True and 0 <= d["score"] <= 1


def test_weights_and_config_can_be_overridden():
    cand = person("Mahmoud ALAVI", birthDate="1954-04-24")
    q = query("Mahmoud Alavi", birthDate="1960")
    default = compare(q, cand).score
    lenient = compare(q, cand, weights={"dob_mismatch": 0.0}).score
    assert lenient > default


def org(name, schema="Company"):
    return Entity(schema, id="t-2", properties={"name": [name]})


def test_legal_form_mismatch_is_another_entity():
    assert compare(query("Mahan Air AG", schema="Company"), org("Mahan Air Aktiengesellschaft")).score == 1.0
    r = compare(query("Mahan Air AG", schema="Company"), org("Mahan Air GmbH"))
    assert not r.match  # a stock corporation is not a limited company of the same name
    assert compare(query("Romashka LLC", schema="Company"), org("OOO Romashka")).match
    assert compare(query("Banco Nacional S.A.", schema="Company"), org("Banco Nacional S.A. de C.V.")).match
    assert compare(query("Romashka Ltd", schema="Company"), org("Romashka LLC")).match  # both limited


def test_an_extra_part_of_an_organisation_name_is_another_entity():
    # A subsidiary named after its country is a different legal entity.
    assert not compare(query("Bank Melli Iran", schema="Company"), org("Bank Melli Iran Armenia")).match
    assert compare(query("Bank Melli Iran", schema="Company"), org("BANK MELLI IRAN")).match


def test_acronyms_and_joined_words_in_organisation_names():
    r = compare(query("IRGC", schema="Organization"), org("Islamic Revolutionary Guard Corps", "Organization"))
    assert r.match and r.score < 0.9  # initials are weaker evidence than the name
    assert compare(query("Vandenberg Corp", schema="Company"), org("Van den Berg Corporation")).match
    assert compare(query("Brigade Twenty-Two", schema="Organization"), org("Brigade 22", "Organization")).match


def test_missing_given_name_at_the_end_is_not_a_middle_name():
    # Korean names are family-name first: CHOL is a given-name syllable, not a middle name.
    assert not compare(query("Song Kim"), person("KIM SONG CHOL")).match
    assert compare(query("Vladimir Putin"), person("PUTIN, Vladimir Vladimirovich")).match


def test_initials_alone_are_not_a_name_match():
    assert not compare(query("V. P."), person("Vladimir Putin")).match


def test_a_substituted_part_is_another_person_however_long_the_name():
    # UN Iraq list names: the same chain with another clan name (nisbah) is another person.
    r = compare(query("SAIF-AL-DIN FULAYYIH HASSAN TAHA AL-MOSULI"), person("SAIF-AL-DIN FULAYYIH HASSAN TAHA AL-RAWI"))
    assert not r.match
    # A missing middle part is not a substitution.
    assert compare(query("SAIF-AL-DIN HASSAN TAHA AL-RAWI"), person("SAIF-AL-DIN FULAYYIH HASSAN TAHA AL-RAWI")).match


def test_father_and_son_swapped_around_bin_are_two_people():
    assert compare(query("Mohammed bin Salman"), person("MUHAMMAD BIN SALMAN")).score > 0.9
    assert not compare(query("Salman bin Muhammad Al-Rawi"), person("Muhammad bin Salman Al-Rawi")).match
    assert compare(query("Usama bin Ladin"), person("Osama bin Laden")).match
    assert compare(query("Muhammad Salman"), person("Muhammad bin Salman")).match  # no particle on one side


def test_pet_forms_of_given_names():
    assert compare(query("Ted Kennedy"), person("Edward Kennedy")).match
    assert compare(query("Bill Gates"), person("William Henry Gates")).match
    assert compare(query("Ben Wallace"), person("Benjamin Wallace")).match
    pet = compare(query("Bill Gates"), person("William Gates")).score
    assert pet < compare(query("William Gates"), person("William Gates")).score
    # Two full names do not become one through a shared pet form (Alex).
    assert compare(query("Alexandra Ivanova"), person("Alexander Ivanova")).score < pet
    assert not compare(query("John Smith"), person("Juan Smith")).match  # another language, another name


def test_a_repeated_part_is_not_another_family_name():
    # Repeated (grand)father names are common on the lists (MATUQ MOHAMMED MATUQ, Ramadan Mahmoud
    # RAMADAN); a repeat at the end is not a second family name.
    assert compare(query("Ramadan Mahmoud"), person("Ramadan Mahmoud RAMADAN")).match
    assert not compare(query("Song Kim"), person("KIM SONG CHOL")).match


def test_nominative_endings_need_a_real_final_s():
    # Names of one entry on the lists: Valerius / Valeri, Martinus / Martin.
    assert compare(query("Martinus Jansen"), person("Martin Jansen")).match
    assert not compare(query("Anthony Albano"), person("Anthony Albanese")).match
    assert compare(query("Alexandra Petrova"), person("Alexander Petrova")).score < 0.9


def test_arabic_script_writes_foreign_p_and_v_with_ba_and_fa():
    assert compare(query("فرناندو بيريز"), person("Fernando Pérez")).match
    assert compare(query("فلاديمير بوتين"), person("Vladimir Putin")).match


def test_khmer_and_bengali_names():
    assert compare(query("ប៉ុល ពត"), person("Pol Pot")).match
    assert not compare(query("মোহাম্মদ শামসুদ্দিন"), person("মোহাম্মদ সাহাবুদ্দিন")).match


def test_numbered_series_are_the_same_name_with_another_number():
    fund = compare(query("KKR Asian Fund III L.P.", schema="Company"), org("KKR Asian Fund IV L.P."))
    assert fund.match and fund.score < 0.9
    assert compare(query("Snow Storm 1", schema="Vessel"), org("Snow Storm 2", "Vessel")).match
    assert compare(query("Citigroup Capital Trust II", schema="Company"), org("Citigroup Capital Trust 2")).score == 1.0
    # A number only one name has: another entity of the series.
    assert not compare(query("Bowne Global Solutions, Inc.", schema="Company"),
                       org("Bowne Global Solutions II, Inc.")).match


def test_qualifier_in_parentheses_only_one_name_has():
    assert compare(query("Deutsche Bank (Schweiz) AG", schema="Company"), org("Deutsche Bank AG")).match
    # Both names qualified differently, or a qualifier against an extra word: other entities.
    assert not compare(query("Bank of China (Hong Kong) Limited", schema="Company"),
                       org("Bank of China (Singapore) Limited")).match
    assert not compare(query("Bowne Global Solutions (Ireland), Ltd.", schema="Company"),
                       org("Bowne Global Solutions Japan, Ltd.")).match
    assert not compare(query("Bank Melli Iran", schema="Company"), org("Bank Melli Iran Armenia")).match


def test_words_split_in_another_place():
    assert compare(query("Andrang Heta", schema="Organization"), org("'Ndrangheta", "Organization")).match


def test_ampersand_abbreviations():
    assert compare(query("AT&T Inc.", schema="Company"), org("AT and T Inc.")).score == 1.0


def test_japanese_and_korean_names_written_in_han_characters():
    # Kanji and hanja names read with the Japanese / Korean readings of common names.
    assert compare(query("山田太郎"), person("Yamada Taro")).match
    assert compare(query("田中花子"), person("TANAKA, Hanako")).match
    assert compare(query("安倍晋三"), person("Shinzo Abe")).match
    assert compare(query("金正恩"), person("KIM, Jong Un")).match
    assert compare(query("金正恩"), person("김정은")).match
    # Chinese names keep their pinyin; a reading of one name part does not make another name.
    assert compare(query("习近平"), person("Xi Jinping")).score == 1.0
    assert not compare(query("金正恩"), person("Kim Jong Il")).match
    assert not compare(query("山田太郎"), person("Yamada Hanako")).match
    # One part by its Chinese reading (成 cheng), another by a Korean one (朱 chou): no reading of the name.
    assert not compare(query("朱成"), person("CHOU, Hsien Cheng")).match
    assert compare(query("朱成"), person("Zhu Cheng")).match


# -- shortcuts of the hot path: the same results as the plain computation ------------------------
import random  # noqa: E402

import pytest  # noqa: E402

from vigil.bench.evalsets import load_negatives, load_un_pairs  # noqa: E402
from vigil.matching import scoring  # noqa: E402
from vigil.matching.names import kind_of, make_token, name_tokens  # noqa: E402

EDGE_PAIRS = [
    ("Narendra", "Narender"), ("Konstantinos", "Konstantin"), ("Petrovs", "Petrov"), ("Sergejs", "Sergey"),
    ("Antonio", "Antonia"), ("Sko", "Sok"), ("Afiz", "Faiz"), ("Iran", "Iranian"), ("Mohammad", "Mohammadi"),
    ("J", "John"), ("J", "Ivan"), ("Ted", "Theodore"), ("Bill", "William"), ("Albano", "Albanese"),
    ("Echegaray", "Echeverria"), ("Mosuli", "Qaduli"), ("Scholz", "Schulze"), ("III", "IV"), ("1", "2345"),
    ("Ali", "Alavi"), ("Kim", "Kin"), ("Hossein", "Husayn"), ("Soleimani", "Sulaymani"), ("محمود", "Mahmoud"),
    ("Yong", "용"), ("Pak", "Park"), ("Lukashenko", "Lukashevich"), ("Ltd", "LLC"), ("Ab", "Ba"),
]


@pytest.fixture(scope="module")
def real_names(list_entities, shared_data):
    """Token tuples of list names and of eval queries (negatives, perturbed UN names)."""
    lists = [name_tokens(n, kind_of(e.schema.name)) for e in list_entities[::3] for n in e.names]
    rows = load_negatives(shared_data)[:1500] + [t for t, _ in load_un_pairs(shared_data)]
    queries = [name_tokens(r.full_name, "person") for r in rows]
    return [t for t in lists if t], [t for t in queries if t]


def test_token_similarity_shortcut_gives_the_plain_value(real_names):
    """`_token_sim`'s shortcut for clearly different spellings returns exactly the value of the full
    computation, on the pairs screening meets (query parts x list parts) and on hand-picked edges."""
    lists, queries = real_names
    rnd = random.Random(11)
    list_toks = sorted({t for name in lists for t in name}, key=lambda t: (t.key, t.weak, t.role))
    query_toks = sorted({t for name in queries for t in name}, key=lambda t: (t.key, t.weak, t.role))
    pairs = [(a, b) for a in query_toks for b in rnd.sample(list_toks, 12)]
    pairs += [(make_token(x.lower()), make_token(y.lower())) for x, y in EDGE_PAIRS]
    pairs += [(b, a) for a, b in pairs]
    custom = {**scoring.DEFAULT_CONFIG, "nickname_score": 0.7, "min_token_score": 0.3}
    credited = 0
    for a, b in pairs:
        plain = scoring._token_sim(a, b, scoring.DEFAULT_CONFIG, fast=False)
        assert scoring._token_sim(a, b, scoring.DEFAULT_CONFIG) == plain, (a.text, b.text)
        assert scoring._token_sim(a, b, custom) == scoring._token_sim(a, b, custom, fast=False), (a.text, b.text)
        credited += plain > 0
    assert len(pairs) > 20_000
    assert credited > 1000  # (non-zero values compared, not only zeros)


def test_compound_shortcut_joins_the_same_parts(real_names):
    """`merge_compounds` skips making joined words whose length rules a join out: the same result
    as without the shortcut, on real name pairs and on names with a word split in two."""
    lists, queries = real_names
    rnd = random.Random(5)
    pairs = [(q, c) for q in queries[::2] for c in rnd.sample(lists, 15)]
    pairs += [(c, q) for q, c in pairs[::4]]
    for c in rnd.sample(lists, 3000):
        split = tuple(make_token(w) for t in c
                      for w in ((t.key[:3], t.key[3:]) if len(t.key) > 6 and t.key.isalpha() else (t.key,)))
        pairs.append((split, c))
        # ... and split with a vowel doubled: joins by spelling, to a part one letter shorter
        split = tuple(make_token(w) for t in c for w in (_split_doubled(t.key) or (t.key,)))
        pairs.append((split, c))
    joined = 0
    for a, b in pairs:
        plain = scoring.merge_compounds(a, b, make_token, fast=False)
        assert scoring.merge_compounds(a, b, make_token) == plain, ([t.text for t in a], [t.text for t in b])
        joined += plain is not None
    assert joined > 500


def _split_doubled(word: str):
    if len(word) <= 6 or not (word.isascii() and word.isalpha()):
        return None
    k = next((k for k in range(1, len(word)) if word[k] in "aeiou"), None)
    if k is None:
        return None
    word = word[:k] + word[k] + word[k:]
    return word[:3], word[3:]


def _plain_compare_dates(query, cand):
    qd = [(v, d) for v, d in ((v, scoring.parse_date(v)) for v in query) if d]
    cd = [(v, d) for v, d in ((v, scoring.parse_date(v)) for v in cand) if d]
    if not qd or not cd:
        return None
    best = None
    for qv, q in qd:
        for cv, c in cd:
            if q == c and q[2] is not None:
                return ("match", 1.0, qv, cv)
            if q[0] == c[0]:
                weak = q[1] and c[1] and (q[1] != c[1] or (q[2] and c[2] and q[2] != c[2]))
                found = ("match", 0.3 if weak else 0.6, qv, cv)
                if best is None or best[1] < found[1]:
                    best = found
    if best:
        return best
    cy = sorted({c[0] for _, c in cd})
    for qv, q in qd:
        if len(cy) > 1 and cy[0] <= q[0] <= cy[-1]:
            return ("match", 0.6, qv, f"{cy[0]}..{cy[-1]}")
    if any(abs(q[0] - c[0]) <= 1 for _, q in qd for _, c in cd):
        return None
    return ("mismatch", 1.0, qd[0][0], cd[0][0])


def test_memoised_date_comparison_agrees_with_the_plain_one(list_entities, shared_data):
    cands = [e.get("birthDate") for e in list_entities if e.get("birthDate")]
    rows = load_negatives(shared_data)[:800] + [t for t, _ in load_un_pairs(shared_data)][:400]
    rnd = random.Random(2)
    pairs = [([r.birth_date], c) for r in rows if r.birth_date for c in rnd.sample(cands, 10)]
    pairs += [(c, d) for c in cands[:1500] for d in rnd.sample(cands, 3)]
    kinds = set()
    for q, c in pairs:
        got = scoring.compare_dates(q, c)
        assert got == _plain_compare_dates(q, c), (q, c)
        kinds.add(got and got[:2])
    assert len(pairs) > 10_000 and {("match", 1.0), ("match", 0.6), ("mismatch", 1.0), None} <= kinds


def test_the_similarity_cache_is_bounded_and_changes_no_value(monkeypatch):
    """A long-running server meets new words forever: the cache empties itself at its bound, and a
    value read from it equals a fresh computation (also across the emptying)."""
    from vigil.matching import scoring
    from vigil.matching.names import name_tokens

    words = name_tokens("Mohammad Muhammad Mehmet Ahmed Ahmad Hossein Husayn Hassan Soleimani Sulaymani "
                        "Alavi Alawi Qasem Ghasem Kasim Mahmoud Mahmood Ali Aliyev Petrov Petrova", "person")
    fresh = {(a, b): scoring._token_sim(a, b, scoring.DEFAULT_CONFIG) for a in words for b in words}
    monkeypatch.setattr(scoring, "_SIM_CACHE", {})
    monkeypatch.setattr(scoring, "_SIM_ENTRIES", 0)
    monkeypatch.setattr(scoring, "_SIM_MAX_ENTRIES", 100)
    for _ in range(2):
        for (a, b), value in fresh.items():
            assert scoring.token_sim(a, b, scoring.DEFAULT_CONFIG) == value
            assert sum(len(row) for row in scoring._SIM_CACHE.values()) <= 100
    assert len(fresh) > 300 and scoring._SIM_CACHE  # it was emptied and filled again
    # Another config's values are never cached.
    custom = {**scoring.DEFAULT_CONFIG, "skeleton_score": 0.5}
    before = scoring._SIM_ENTRIES
    scoring.token_sim(words[0], words[1], custom)
    assert scoring._SIM_ENTRIES == before


def test_a_number_is_not_joined_into_the_word_before_it():
    # OFAC lists the ships ARCTICA 1 and ARCTICA 2 (and IRAN HORMUZ 12, 14, 22 ...): the number names
    # the ship of the series. Joined, "arctica" + "1" would read "arcticai" (a digit as a letter), a
    # one-letter slip of Arctica.
    assert compare(query("Arctica", schema="Vessel"), org("ARCTICA 1", "Vessel")).score < 0.5
    assert compare(query("ARCTICA 2", schema="Vessel"), org("ARCTICA 1", "Vessel")).match  # (series: see above)
    assert compare(query("Brigade Forty 4", schema="Organization"), org("Brigade 44", "Organization")).score == 1.0
