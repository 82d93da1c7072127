"""Progress of a Spark job from Spark's status tracker: stage, tasks done, rows done, rows/s and ETA.

`Tracker` polls `SparkContext.statusTracker()` in a thread for the jobs of one job group and hands a
`Snapshot` to a callback (the CLI draws it with rich). Rows come from an accumulator the scoring tasks
add to as they finish; the ETA is the screening stage's remaining tasks at its rate so far.
"""
from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, Callable


@dataclass
class Snapshot:
    stage: int | None = None  # the active stage with the most tasks (the scoring stage, usually)
    stages_done: int = 0
    tasks_done: int = 0
    tasks_total: int = 0
    tasks_running: int = 0
    rows: int = 0
    elapsed: float = 0.0
    rows_per_second: float = 0.0
    eta: float | None = None  # seconds, None until a task has finished


class Tracker:
    """Polls the status tracker every `interval` seconds while the `with` block runs."""

    def __init__(self, spark: Any, callback: Callable[[Snapshot], None] | None, rows: Any = None,
                 interval: float = 0.5, description: str = "vigil"):
        self.sc = spark.sparkContext
        self.callback = callback
        self.rows = rows  # an accumulator of rows screened
        self.interval = interval
        self.group = f"vigil-{uuid.uuid4().hex[:8]}"
        self.description = description
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.started = 0.0
        self.last = Snapshot()

    def __enter__(self) -> "Tracker":
        self.sc.setJobGroup(self.group, self.description)
        self.started = time.perf_counter()
        if self.callback is not None:
            self._thread = threading.Thread(target=self._run, name="vigil-spark-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            self.poll(final=exc[0] is None)
        except Exception:
            pass
        self.sc.setLocalProperty("spark.jobGroup.id", None)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.poll()
            except Exception:  # the tracker must never break the job (e.g. the context is stopping)
                pass

    def poll(self, final: bool = False) -> Snapshot:
        tracker = self.sc.statusTracker()
        snap = Snapshot(elapsed=time.perf_counter() - self.started)
        stages = []
        for job in tracker.getJobIdsForGroup(self.group):
            info = tracker.getJobInfo(job)
            if info is None:
                continue
            for sid in info.stageIds:
                st = tracker.getStageInfo(sid)
                if st is not None:
                    stages.append(st)
        active = set(tracker.getActiveStageIds())
        running = [s for s in stages if s.stageId in active]
        snap.stages_done = sum(1 for s in stages if s.stageId not in active and s.numCompletedTasks >= s.numTasks > 0)
        main = max(running or stages, key=lambda s: s.numTasks, default=None)
        if main is not None:
            snap.stage = main.stageId
            snap.tasks_total = main.numTasks
            snap.tasks_done = main.numCompletedTasks
            snap.tasks_running = main.numActiveTasks
        if self.rows is not None:
            snap.rows = int(self.rows.value)
        if snap.elapsed > 0:
            snap.rows_per_second = snap.rows / snap.elapsed
        if snap.tasks_done and snap.tasks_total:
            snap.eta = snap.elapsed * (snap.tasks_total - snap.tasks_done) / snap.tasks_done
        if final:
            snap.eta = 0.0
        self.last = snap
        if self.callback is not None:
            self.callback(snap)
        return snap
