"""The case-work policy: which closing decisions need a second analyst's approval, and the SLA.

Stored in the database (`monitor_policy`), so every process (CLI, server workers) applies the same
rules; changing it is an audited event (`policy.changed`, with the values before and after). Over
HTTP only admin keys may change it; on the CLI whoever can open the database can (document who).

Defaults (documented in docs/monitoring.md):
* `review_false_positive = true`: a false positive whitelists the pair, i.e. suppresses future alerts;
* `review_true_match = true`: a confirmed match is what the bank reports and acts on;
* `sla_days = 5`: an open alert older than this is overdue in every queue view.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any, Mapping

from sqlalchemy import Engine, insert, select, update

from vigil.service import audit
from vigil.monitor import tables as t


class PolicyError(ValueError):
    """An unknown policy key or a bad value. Exit 2 / HTTP 400."""


@dataclass(frozen=True)
class Policy:
    review_false_positive: bool = True
    review_true_match: bool = True
    sla_days: float = 5.0

    def needs_review(self, status: str) -> bool:
        return {"false_positive": self.review_false_positive, "true_match": self.review_true_match}.get(status, False)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DEFAULT = Policy()
KEYS = tuple(f.name for f in fields(Policy))


def get_policy(engine: Engine) -> Policy:
    t.ensure_tables(engine)
    with engine.connect() as conn:
        rows = conn.execute(select(t.policy.c.key, t.policy.c.value)).all()
    stored = {r.key: json.loads(r.value) for r in rows if r.key in KEYS}
    return Policy(**{**DEFAULT.to_dict(), **stored})


def _check(changes: Mapping[str, Any]) -> dict[str, Any]:
    if not changes:
        raise PolicyError(f"nothing to change; policy keys: {', '.join(KEYS)}")
    out: dict[str, Any] = {}
    for key, value in changes.items():
        if key not in KEYS:
            raise PolicyError(f"unknown policy key {key!r}; choose from: {', '.join(KEYS)}")
        if key == "sla_days":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3650:
                raise PolicyError("sla_days must be a number of days between 0 and 3650")
            out[key] = float(value)
        else:
            if not isinstance(value, bool):
                raise PolicyError(f"{key} must be true or false")
            out[key] = value
    return out


def set_policy(engine: Engine, changes: Mapping[str, Any], by: str) -> Policy:
    """Change some policy keys; audited as `policy.changed` with the full policy before and after."""
    values = _check(changes)
    by = (by or "").strip()
    if not by:
        raise PolicyError("a policy change needs the acting user")
    before = get_policy(engine)
    stamp = t.now()
    with engine.begin() as conn:
        for key, value in values.items():
            row = dict(value=json.dumps(value), updated_by=by, updated_at=stamp)
            if not conn.execute(update(t.policy).where(t.policy.c.key == key).values(**row)).rowcount:
                conn.execute(insert(t.policy).values(key=key, **row))
        after = Policy(**{**before.to_dict(), **values})
        audit.append(by, "policy.changed", {"before": before.to_dict(), "after": after.to_dict(),
                                            "changed": sorted(values)}, conn=conn)
    return after


def parse_value(key: str, text: str) -> Any:
    """A CLI `key=value` value: booleans as true/false/yes/no/on/off/1/0, sla_days as a number."""
    if key == "sla_days":
        try:
            return float(text)
        except ValueError:
            raise PolicyError(f"sla_days must be a number, got {text!r}") from None
    low = text.strip().lower()
    if low in ("true", "yes", "on", "1"):
        return True
    if low in ("false", "no", "off", "0"):
        return False
    raise PolicyError(f"{key} must be true or false, got {text!r}")


__all__ = ["Policy", "PolicyError", "DEFAULT", "KEYS", "get_policy", "set_policy", "parse_value"]
