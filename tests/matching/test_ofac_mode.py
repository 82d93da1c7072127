"""algorithm="ofac" against scores recorded from OFAC's own Sanctions List Search."""
from __future__ import annotations

import csv

from vigil.matching import compare
from vigil.matching.ofac import ofac_score
from vigil.model import Entity

FIXTURE = "matching_eval/nomenklatura_ofac_search_tool_scores.csv"


def test_ofac_scores_agree_with_the_live_tool(shared_data):
    errors = []
    with open(shared_data / FIXTURE, encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            expected = float(row["ofac_score"])
            if expected < 0:  # the tool did not list this pair at all
                continue
            errors.append(abs(ofac_score(row["query_name"], row["result_name"]) * 100 - expected))
    assert len(errors) > 150
    mean_abs_error = sum(errors) / len(errors)
    assert mean_abs_error < 3.5, mean_abs_error


def test_ofac_examples():
    assert round(ofac_score("VLADIMIR PUTIN", "PUTIN, Vladimir") * 100) == 100
    assert round(ofac_score("PUTIN", "PUTINA, Maria") * 100) == 97


def test_ofac_mode_is_name_only():
    cand = Entity("Person", id="p-1", properties={"name": ["PUTIN, Vladimir"], "birthDate": ["1952-10-07"]})
    q = {"schema": "Person", "properties": {"name": ["Vladimir Putin"], "birthDate": ["1990"]}}
    r = compare(q, cand, algorithm="ofac")
    assert r.score == 1.0 and set(r.explanations) == {"name"}
    assert "OFAC" in r.explanations["name"].detail


def test_ofac_mode_through_the_matcher(matcher):
    resp = matcher.match({"schema": "Person", "properties": {"name": ["Qasem Soleimani"]}}, algorithm="ofac")
    assert resp.results[0].score == 1.0
    assert resp.results[0].entity.id in ("ofac-10481", "unsc-IRi.039")
