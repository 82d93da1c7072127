"""Cross-list resolution: which records of OFAC, UN, UK and EU lists are one party.

Stages (docs/parties.md): the lists' own references (UK "UN Ref"), shared strong identifiers with
compatible names, then matcher-backed candidates above a strict threshold; ambiguous pairs go to an
audited review queue. Clusters become parties with stable ids, merged entities and `referents`.
"""
from .api import Parties, PartyMap, ResolveConflict, ResolveReport
from .merge import Listing, Party
from .review import ReviewError, ReviewItem

__all__ = ["Parties", "PartyMap", "ResolveReport", "ResolveConflict", "Party", "Listing", "ReviewItem",
           "ReviewError"]
