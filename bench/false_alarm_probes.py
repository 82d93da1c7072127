"""False-alarm probes built from the lists themselves (issue 15 §3): a TUNING set, not a test set.

Different people by construction: the given name of one listed person with the family name of
another listed person of the same nationality, drawn by frequency (so common names come up as often
as in a population of listed persons' compatriots), screened by name only against every loaded list
(limit 3, threshold 0.7). Many probes are still the exact name of some listed person: the rate says
how often a name of the lists' own name stock alerts on its own, not a target.

    PYTHONPATH=src python bench/false_alarm_probes.py [N] [--show]

Reads the store (VIGIL_HOME or ~/.vigil; read only). The yente negatives of `vigil bench` are the
test set and are not used here.
"""
from __future__ import annotations

import random
import sys
from collections import Counter, defaultdict


def probes(entities, n: int, seed: int = 7) -> list[tuple[str, str]]:
    given: dict[str, Counter] = defaultdict(Counter)
    family: dict[str, Counter] = defaultdict(Counter)
    for e in entities:
        if e.schema.name != "Person":
            continue
        first, last = e.get("firstName"), e.get("lastName")
        countries = set(e.get("nationality")) | set(e.get("citizenship"))
        if not first or not last or len(countries) != 1:
            continue
        g = first[0].split()[0].strip("'").title()
        if len(g) < 2:
            continue
        c = next(iter(countries))
        given[c][g] += 1
        family[c][last[0].title()] += 1
    rnd = random.Random(seed)
    countries = sorted(c for c in given if sum(given[c].values()) >= 40)
    out = []
    for _ in range(n):
        c = rnd.choice(countries)
        g = rnd.choices(list(given[c]), weights=list(given[c].values()))[0]
        f = rnd.choices(list(family[c]), weights=list(family[c].values()))[0]
        out.append((c, f"{g} {f}"))
    return out


def main(argv: list[str]) -> None:
    from vigil.bench.lists import from_store
    from vigil.matching import Matcher

    n = int(next((a for a in argv if a.isdigit()), "1000"))
    lists = from_store()
    if lists is None:
        sys.exit("no lists in the store (vigil update --mirror DIR)")
    matcher = Matcher(lists.entities)
    alarms = []
    sample = probes(lists.entities, n)
    for country, name in sample:
        resp = matcher.match({"schema": "Person", "properties": {"name": [name]}}, limit=3)
        hits = [r for r in resp.results if r.match]
        if hits:
            top = hits[0]
            expl = top.explanations.get("name")
            alarms.append((country, name, top.entity.caption, round(top.score, 3), expl.detail if expl else ""))
    print(f"{len(alarms)}/{len(sample)} probes alert ({len(alarms) / len(sample):.1%})")
    if "--show" in argv:
        for row in alarms:
            print(" | ".join(map(str, row)))


if __name__ == "__main__":
    main(sys.argv[1:])
