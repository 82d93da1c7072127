"""Shared state of one bench run: options, the loaded lists and the Matcher (built once, timed)."""
from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TypeVar

from rich.console import Console

from vigil.model import Entity

from . import anchors, engine
from .lists import LoadedLists, load_lists
from .report import COLUMNS, Report

T = TypeVar("T")


@dataclass
class BenchContext:
    mirror: Path
    quick: bool = False
    prefer_store: bool = True
    console: Console = field(default_factory=lambda: Console(stderr=True))
    seed: int = 20240503  # fixed: the same --quick subsample every run
    report: Report = field(default_factory=Report)
    _lists: LoadedLists | None = None
    _matcher: Any = None
    _party_map: Any = False  # False: not looked up yet; None: no parties (lists from the mirror, never resolved)
    build_seconds: float | None = None
    build_cpu_seconds: float | None = None

    @property
    def anchors_ok(self) -> bool:
        return anchors.available()

    def sample(self, items: Sequence[T], quick_n: int, full_n: int | None = None) -> list[T]:
        """All items (or full_n of them), or quick_n under --quick; a fixed-seed sample in file order."""
        n = quick_n if self.quick else full_n
        if n is None or n >= len(items):
            return list(items)
        keep = sorted(random.Random(self.seed).sample(range(len(items)), n))
        return [items[i] for i in keep]

    def lists(self) -> LoadedLists:
        if self._lists is None:
            self.console.print("  loading lists …", highlight=False)
            self._lists = load_lists(self.mirror, self.prefer_store)
            self.report.meta["lists"] = self._lists.describe()
            self.report.meta["lists_load_seconds"] = round(self._lists.seconds, 2)
            if self._lists.warnings:
                self.report.meta["lists_warnings"] = self._lists.warnings[:20]
            self.console.print(f"  {self._lists.describe()} in {self._lists.seconds:.1f}s", highlight=False)
        return self._lists

    def matcher(self) -> Any:
        """The Matcher over every loaded entity; its build time is the 'index build' figure."""
        if self._matcher is None:
            entities = self.lists().entities
            started, cpu_started = time.perf_counter(), time.process_time()
            self._matcher = engine.build_matcher(entities)
            self.build_seconds = time.perf_counter() - started
            self.build_cpu_seconds = time.process_time() - cpu_started
            self.report.meta["index_build_seconds"] = round(self.build_seconds, 2)
            self.report.meta["index_build_cpu_seconds"] = round(self.build_cpu_seconds, 2)
            self.console.print(f"  index built in {self.build_seconds:.1f}s", highlight=False)
        return self._matcher

    def party_map(self) -> Any:
        """The store's last cross-list resolution (`vigil.parties.PartyMap`), when the lists come from a
        store where parties were resolved; else None (every record its own party)."""
        if self._party_map is False:
            self._party_map = None
            if self.lists().origin.startswith("store"):
                from vigil.parties.api import Parties
                from vigil.store import Store

                found = Parties(Store()).refresh()
                self._party_map = found if len(found) else None
        return self._party_map

    def comparers(self) -> dict[str, Callable[[Entity, Entity], float]]:
        """vigil plus whichever nomenklatura anchors are installed."""
        out = {}
        if engine.available():
            out["vigil"] = engine.comparer("vigil")
        if self.anchors_ok:
            for name in anchors.ANCHORS:
                out[name] = anchors.comparer(name)
        return out

    def missing(self, present: Iterable[str]) -> dict[str, str]:
        """Cells for the columns that could not be computed, saying why."""
        out = {}
        for column in COLUMNS:
            if column not in present:
                out[column] = "vigil.matching missing" if column == "vigil" else anchors.NOT_INSTALLED
        return out
