"""The evaluation-file loaders, on the real files in ../shared/data and on malformed copies."""
import pytest

from vigil.bench import evalsets
from vigil.bench.keys import name_key


def test_name_bench(shared_data):
    cases = evalsets.load_name_bench(shared_data)
    assert len(cases) == 826
    assert sum(c.is_match for c in cases) == 425
    assert cases[0].schema == "Person" and cases[0].name1 == "Olaf Scholze" and cases[0].is_match
    assert {c.schema for c in cases} >= {"Person", "Company", "Organization", "Vessel", "LegalEntity"}


def test_entity_checks(shared_data):
    checks = evalsets.load_entity_checks(shared_data)
    assert len(checks) == 228
    assert sum(c.is_match for c in checks) == 127
    assert checks[0].query == {"name": ["Olaf Scholze"]} and checks[0].candidate == {"name": ["Olaf Scholz"]}
    # some checks give only name parts
    assert any("firstName" in c.query and "name" not in c.query for c in checks)


def test_un_pairs_are_row_aligned(shared_data):
    pairs = evalsets.load_un_pairs(shared_data)
    assert len(pairs) == 683
    treated, untreated = pairs[0]
    assert treated.full_name == "SALEK, ABDULHAI" and untreated.full_name == "ABDULHAI SALEK"
    assert treated.birth_date == "1965" and treated.nationality == "af"


def test_negatives_and_congress(shared_data):
    negatives = evalsets.load_negatives(shared_data)
    assert len(negatives) == 2000
    assert all(n.full_name for n in negatives)
    assert negatives[0].first_name == "حسین" and negatives[0].gender == "male"
    assert len(evalsets.load_us_congress(shared_data)) == 1254


def test_cross_script_skips_comments(shared_data):
    pairs = evalsets.load_cross_script(shared_data)
    assert len(pairs) == 22
    assert pairs[0].query == "محمد علي" and pairs[0].expected == "Mohamed Ali" and pairs[0].min_score == 0.90
    assert not any(p.query.startswith("#") for p in pairs)


def test_ar2en_test_split(shared_data):
    pairs = evalsets.load_ar2en_test(shared_data)
    assert len(pairs) == 1590
    assert pairs[0].arabic == "آتزمون" and pairs[0].latin == "atzmon"


def _mirror(tmp_path, name, text):
    (tmp_path / "matching_eval").mkdir()
    (tmp_path / "matching_eval" / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_malformed_cross_script_is_a_clear_error(tmp_path):
    mirror = _mirror(tmp_path, evalsets.CROSS_SCRIPT, "# comment\nИван,Ivan,high\n")
    with pytest.raises(evalsets.EvalDataError, match="not a number"):
        evalsets.load_cross_script(mirror)


def test_malformed_name_bench_names_the_line(tmp_path):
    mirror = _mirror(tmp_path, evalsets.NAME_BENCH, "case_group,schema,name1,name2,is_match\ng,Person,A,B,maybe\n")
    with pytest.raises(evalsets.EvalDataError, match=":2:"):
        evalsets.load_name_bench(mirror)


def test_missing_file_says_where(tmp_path):
    with pytest.raises(evalsets.EvalDataError, match="--mirror"):
        evalsets.load_ar2en_test(tmp_path)


def test_name_key_is_order_case_accent_and_punctuation_blind():
    assert name_key("SALEK, ABDULHAI") == name_key("Abdulhai Salek")
    assert name_key("José Müller-Lüdenscheidt") == name_key("muller ludenscheidt jose")
    assert name_key("Qasem Soleimani") != name_key("Qasem Soleymani")
