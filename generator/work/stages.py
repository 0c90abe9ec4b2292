"""How the pipeline's stages run: the one place for its timing, parallel and memory plumbing.

`site/pipeline.py` names the stages in order and hands each its work through a `Stages`:

* `with run.stage("load"):` times a block for `metdocs bench` (phases: load, icd, validate,
  render, forms; several blocks may add to one phase).
* `run.each(fn, items)` does per-item work (`fn` takes a list and returns one result per item,
  in order) shared over idle CPUs in small pieces (`chunks.map_chunks`); the result is exactly
  the serial one.
* `run.meanwhile(job, phase=...)` gives this process a job of its own (compiling templates,
  drawing PDFs) to do during the next `each`, while forked helpers already take pieces: so it
  costs about half its time. Its time counts for `phase`, not for the stage it ran inside.
* `with run.gc_paused():` turns the cyclic garbage collector off while the big model is built.

Timings are only kept when a dict is given (`metdocs bench`); otherwise a `Stages` only runs.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager

from metdocs.work.chunks import map_chunks


class Stages:
    """Runs and times the pipeline's stages (see the module docstring)."""

    def __init__(self, timings: dict[str, float] | None = None):
        self.timings = timings
        """Phase -> wall seconds, added to by every block; None when nobody measures."""
        self._phases: list[str] = []
        self._pending: list = []

    @contextmanager
    def stage(self, phase: str):
        """Time the block under `phase`."""
        start = time.perf_counter()
        self._phases.append(phase)
        try:
            yield
        finally:
            self._phases.pop()
            self._add(phase, time.perf_counter() - start)

    def meanwhile(self, job, *, phase: str) -> None:
        """Run `job()` in this process during the next `each`, its time counted for `phase`."""
        self._pending.append((job, phase))

    def each(self, fn, items) -> list:
        """`fn(items)` split over idle CPUs, with the jobs given to `meanwhile` done here meanwhile."""
        jobs, self._pending = self._pending, []
        first = (lambda: [self._timed(job, phase) for job, phase in jobs]) if jobs else None
        return map_chunks(fn, items, first=first)

    def _timed(self, job, phase: str) -> None:
        """Run a job inside the current stage, moving its time from that stage to `phase`."""
        start = time.perf_counter()
        try:
            job()
        finally:
            spent = time.perf_counter() - start
            self._add(phase, spent)
            if self._phases:
                self._add(self._phases[-1], -spent)

    def _add(self, phase: str, seconds: float) -> None:
        if self.timings is not None:
            self.timings[phase] = self.timings.get(phase, 0.0) + seconds

    @staticmethod
    @contextmanager
    def gc_paused():
        """Pause the cyclic garbage collector while building the big, acyclic model.

        Loading a thousand cases allocates millions of objects that all survive; every automatic
        collection walks them again, which cost about a quarter of our time. Nothing here relies
        on collecting cycles, and the previous state is restored (nested calls are fine).
        """
        was = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if was:
                gc.enable()
