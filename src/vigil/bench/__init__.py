"""`vigil bench`: accuracy and speed on the evaluation sets, vigil next to nomenklatura logic-v2/v1.

```python
from vigil.bench import run_bench
report = run_bench(mirror=Path("../shared/data"), only=["name_bench"], quick=True)
report.table()      # rich Table; report.to_dict() for JSON
```
One module per section; each adds `Row`s (and analysis details) to the report. See docs/bench.md.
"""
from __future__ import annotations

import importlib
import platform
import time
from pathlib import Path
from typing import Iterable

from rich.console import Console

from . import anchors
from .context import BenchContext
from .evalsets import EvalDataError, default_mirror
from .report import Report, Row

# Section name -> module, in run order. Speed runs first so peak RSS is read before nomenklatura is
# imported; ingest pins the process to one core, so it comes after speed.
SECTIONS: dict[str, str] = {
    "speed": "speed",
    "ingest": "ingest",
    "name_bench": "name_bench",
    "entity_bench": "entity_bench",
    "alias_holdout": "alias_holdout",
    "cross_list": "cross_list",
    "un_positives": "un_positives",
    "negatives": "negatives",
    "cross_script": "cross_script",
    "ar2en": "ar2en",
    "parties": "parties",
    "relations": "relations",
}


class BenchError(Exception):
    """Bad bench options (unknown section, missing data): exit code 2 in the CLI."""


def run_bench(mirror: Path | None = None, only: Iterable[str] | None = None, quick: bool = False,
              prefer_store: bool = True, console: Console | None = None) -> Report:
    from vigil import __version__
    from vigil.matching import native

    selected = list(dict.fromkeys(only or SECTIONS))
    unknown = [s for s in selected if s not in SECTIONS]
    if unknown:
        raise BenchError(f"unknown section(s) {', '.join(unknown)}; choose from: {', '.join(SECTIONS)}")
    mirror = Path(mirror) if mirror else default_mirror()
    if not (mirror / "matching_eval").is_dir():
        raise BenchError(f"no evaluation data at {mirror / 'matching_eval'} (use --mirror DIR or set VIGIL_SHARED_DATA)")
    ctx = BenchContext(mirror=mirror, quick=quick, prefer_store=prefer_store,
                       **({"console": console} if console else {}))
    ctx.report.meta.update({
        "vigil": __version__, "nomenklatura": anchors.version() or anchors.NOT_INSTALLED,
        "python": platform.python_version(), "quick": quick, "mirror": str(mirror),
        "matching_code": native.MODE + (f" ({native.REASON})" if native.REASON else ""),
        "sections": [s for s in SECTIONS if s in selected],
    })
    for name in SECTIONS:
        if name not in selected:
            continue
        module = importlib.import_module(f"vigil.bench.{SECTIONS[name]}")
        ctx.console.print(f"[bold]▸ {name}[/]")
        started = time.perf_counter()
        try:
            module.run(ctx)
        except EvalDataError:
            raise
        except Exception as exc:  # one broken section must not hide the others' figures
            ctx.report.errors[name] = f"{type(exc).__name__}: {exc}"
            ctx.console.print(f"  [red]failed: {type(exc).__name__}: {exc}[/]")
            continue
        ctx.report.meta.setdefault("section_seconds", {})[name] = round(time.perf_counter() - started, 1)
        ctx.console.print(f"  done in {time.perf_counter() - started:.1f}s", highlight=False)
    return ctx.report


__all__ = ["run_bench", "SECTIONS", "BenchError", "EvalDataError", "Report", "Row"]
