"""Linking a cluster of mentions to at most one listed entity, with the evidence for it.

Candidates come from the gazetteer (exact list names) and from the Matcher (every full
name of the cluster screened as a query, with the article's countries as qualifiers).
The decision is deliberately conservative for people, because news stories name many
people who are not the listed namesake (victims, journalists, politicians):

* organisations: linked at name score >= ORG_LINK (exact list names score 1.0); an acronym
  links only when the article defines it or the lists give it to one party only;
* people: need two or more name words, no bystander role ("student protester X",
  "journalist X"), and name score >= PERSON_LINK plus corroboration — a country of the
  entity among the article's countries, a role/title of the entity named near the mention
  ("supreme leader" ~ "Supreme Leader of Iran"), or an entity it is linked to in the list
  remarks being linked in the same article — or name score >= PERSON_ROLE_LINK with a
  role or link corroboration (a role in the text is stronger than a shared country);
* anything at name score >= POSSIBLE that is not linked is reported as "possible, not linked" with
  the exact reason (the score rule it missed, or the corroboration it lacked: even an exact list
  name of a person is not linked without it).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from vigil.media.coref import BYSTANDER_WORDS, Cluster
from vigil.matching.display import format_score
from vigil.model import Entity

ORG_LINK = 0.9
PERSON_LINK = 0.95
PERSON_ROLE_LINK = 0.82
POSSIBLE = 0.7
_STOP = frozenset("""the of and for in on to a an as its his her their at by with from that this these those
    were been have has had which who whom whose also into under over about after before than then there
    they them will would said says""".split())


@dataclass
class Candidate:
    entity: Entity
    score: float
    explanation: dict[str, Any] = field(default_factory=dict)
    via: str = "matcher"  # "gazetteer" (exact list name) or "matcher"
    query: str = ""


@dataclass
class Decision:
    cluster: Cluster
    linked: Candidate | None
    possible: list[Candidate]
    evidence: list[str]
    reason: str  # why linked / why not
    also: list[Candidate] = field(default_factory=list)  # the same party on other lists


# When one party is on several lists, the row shows the record of the first list here that has it
# (OFAC SDN carries the most aliases and remarks); the others are listed as `also_listed`.
DATASET_PRIORITY = ("us_ofac_sdn", "un_sc_sanctions", "eu_fsf", "gb_hmt_sanctions", "us_ofac_cons")


def _rank(c: Candidate) -> int:
    ds = c.entity.datasets[0] if c.entity.datasets else ""
    return DATASET_PRIORITY.index(ds) if ds in DATASET_PRIORITY else len(DATASET_PRIORITY)


def with_other_lists(d: Decision, cands: list[Candidate], threshold: float) -> Decision:
    """Fold near-equal candidates from other lists into the link (same name, same kind of party)."""
    best = d.linked
    if best is None:
        return d
    group = [best]
    seen = set(best.entity.datasets)
    for c in sorted(cands, key=lambda c: -c.score):
        if c.entity.id == best.entity.id or c.score < max(threshold, best.score - 0.1):
            continue
        if c.entity.schema.name != best.entity.schema.name or seen & set(c.entity.datasets):
            continue
        group.append(c)
        seen.update(c.entity.datasets)
    group.sort(key=lambda c: (_rank(c), -c.score))
    d.linked, d.also = group[0], group[1:]
    d.linked.score = max(c.score for c in group)
    return d


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]{4,}", text.lower()) if w not in _STOP}


def entity_countries(entity: Entity) -> set[str]:
    return {c.lower() for c in entity.get_type("country")}


def entity_roles(entity: Entity) -> set[str]:
    from vigil.sources.countries import to_code

    text = " ".join(entity.get("position") + entity.get("notes") + entity.get("title"))
    from vigil.media.context import DELIST_WORDS, SANCTION_WORDS

    # A country is not a role, and neither is the sanction vocabulary of the remarks.
    words = {w for w in _content_words(text) if not to_code(w) and w not in SANCTION_WORDS
             and w not in DELIST_WORDS}
    # Remarks boilerplate is not a role.
    return words - {"additional", "sanctions", "information", "subject", "secondary", "gender", "male", "female",
                    "nationality", "citizen", "linked", "passport", "issued", "type", "target", "government",
                    "entity", "also", "known"}


def entity_links(entity: Entity) -> list[str]:
    """Names of parties this entity is linked to in its list remarks ("Linked To: X.")."""
    out = []
    for note in entity.get("notes"):
        for m in re.finditer(r"Linked To:\s*([^;.]+)", note, re.I):
            out.append(m.group(1).strip())
    return out


def context_words(text: str, cluster: Cluster, window: int = 80, before_words: int = 6) -> set[str]:
    """Words right before each full mention and in an appositive right after it (roles, titles)."""
    words: set[str] = set()
    for m in cluster.mentions:
        if m.source not in ("ner", "gazetteer"):
            continue
        before = text[max(0, m.start - window): m.start]
        before = re.split(r"[.;!?\n]", before)[-1]
        words |= set(re.findall(r"[a-z]+", before.lower())[-before_words:])
        after = text[m.end: m.end + window]
        am = re.match(r"\s*,\s*([^,.;]+)[,.;]", after)
        if am:
            words |= set(re.findall(r"[a-z]+", am.group(1).lower())[:6])
        words |= set(m.roles)
    return words


def graph_links(entity: Entity, graph: Any, linked: dict[str, str]) -> list[str]:
    """The relations the lists state between `entity` and entities already linked in the article
    (`linked`: id -> caption), in words: "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE (Linked To)"."""
    if graph is None or not entity.id:
        return []
    out = []
    for edge in graph.of(entity.id):
        other = edge.other(entity.id)
        if other in linked:
            out.append(f"{linked[other]} ({edge.label(entity.id)})")
    return list(dict.fromkeys(out))


def decide(
    cluster: Cluster,
    candidates: list[Candidate],
    text: str,
    article_countries: set[str],
    linked_names: set[str],
    acronym_ok: bool,
    graph: Any = None,
    linked_ids: dict[str, str] | None = None,
) -> Decision:
    """Link the cluster to its best candidate, or explain why not.

    `graph` (service.graph.Graph) and `linked_ids` (id -> caption of the entities already linked in the
    article): a person related on the lists to an organisation named in the same article is corroborated,
    as a listed role is; among near namesakes, the one with such a relation is preferred."""
    cands = sorted(candidates, key=lambda c: (-c.score, c.via != "gazetteer", c.entity.id or ""))
    if not cands:
        return Decision(cluster, None, [], [], "no list entry resembles the name")
    best = cands[0]
    related: list[str] = graph_links(best.entity, graph, linked_ids or {})
    if not related and graph is not None and linked_ids:
        # A namesake further down that the lists relate to a party of this article is the better reading.
        for other in cands[1:]:
            if other.score < PERSON_ROLE_LINK:
                break
            found = graph_links(other.entity, graph, linked_ids)
            if found and other.entity.schema.name == "Person":
                best, related = other, found
                break
    is_person = best.entity.schema.name == "Person" or cluster.label == "PERSON"
    evidence: list[str] = []
    if best.via == "gazetteer":
        evidence.append(f"exact list name {best.query!r}")
    elif best.via == "partial":
        evidence.append(best.explanation["partial_name"]["detail"])
    else:
        evidence.append(f"name score {format_score(best.score)} for {best.query!r}")
    near = [c for c in cands if c.score >= POSSIBLE]

    def not_linked(reason: str) -> Decision:
        return Decision(cluster, None, near[:3], evidence, reason)

    if not is_person:
        only_acronyms = all(m.acronym for m in cluster.mentions)
        if only_acronyms and not acronym_ok:
            return not_linked("acronym neither defined in the article nor unique on the lists")
        if best.score >= ORG_LINK:
            return with_other_lists(Decision(cluster, best, [], evidence, "organisation name matches a list entry"),
                                    cands, ORG_LINK)
        return not_linked(f"name score {format_score(best.score)} is below {ORG_LINK:.2f}, the least an organisation is linked at")

    full_names = [n for n in cluster.names if len(n.split()) >= 2]
    if not full_names:
        return not_linked("person named by one word only")
    ctx = context_words(text, cluster)
    # Bystander roles count only right next to the name ("student protesters X", "X, a journalist").
    bystander = sorted(context_words(text, cluster, before_words=3) & BYSTANDER_WORDS)
    roles = entity_roles(best.entity) & {w for w in ctx if len(w) >= 4}
    countries = entity_countries(best.entity) & article_countries
    links = [n for n in entity_links(best.entity) if n.lower() in linked_names]
    if related:  # the graph says it with the resolved entity (and covers member of, owned by, son of ...)
        links = related
    if countries:
        evidence.append(f"country {', '.join(sorted(countries))} in the article")
    if roles:
        evidence.append(f"role words near the mention match the listing: {', '.join(sorted(roles))}")
    if links and related:
        evidence.append(f"related on the lists to {', '.join(links)}, also named in this article")
    elif links:
        evidence.append(f"listed as linked to {', '.join(links)}, also named in the article")
    if bystander:
        return not_linked(f"named as {', '.join(bystander)} in the article (bystander role)")
    if best.score >= PERSON_LINK and (countries or roles or links):
        return with_other_lists(Decision(cluster, best, [], evidence, "full name matches and the context corroborates it"),
                                cands, PERSON_LINK)
    if best.score >= PERSON_ROLE_LINK and (roles or links):
        return with_other_lists(Decision(cluster, best, [], evidence, "name matches and a listed role or link is named nearby"),
                                cands, PERSON_ROLE_LINK)
    if best.score >= PERSON_LINK:
        return not_linked(f"the name matches ({format_score(best.score)}), but a person is linked only with corroboration "
                          f"and the article has none: {_missing_corroboration(best.entity, article_countries)}")
    if best.score >= PERSON_ROLE_LINK:
        return not_linked(f"name score {format_score(best.score)} is below {PERSON_LINK:.2f}, and below that a person is linked "
                          f"only with a listed role or linked party named nearby: neither is in the article")
    return not_linked(f"name score {format_score(best.score)} is below {PERSON_ROLE_LINK:.2f}, the least a person is linked at")


def _missing_corroboration(entity: Entity, article_countries: set[str]) -> str:
    """What linking looked for and did not find, in words (the "why not linked" of a full-name match)."""
    listed = sorted(entity_countries(entity))
    named = sorted(article_countries)
    countries = (f"the listing's countries ({', '.join(listed)}) are not named in it"
                 + (f" (it names {', '.join(named)})" if named else "")) if listed else "the listing gives no country"
    return f"{countries}; no listed role or title is named next to the name; no party it is listed as linked to is named"
