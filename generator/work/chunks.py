"""Per-item work shared over forked processes: `map_chunks`.

The pipeline's per-case work (reading, privacy scan, audit) and its page rendering go through
here; `work/stages.py` hands them out. The result is always exactly the serial one.
"""

from __future__ import annotations

import multiprocessing
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor

from metdocs.work.cpus import free_cpus


PARALLEL_MIN = 50
"""Per-file work (loading, auditing, rendering cases) is split over processes from this many items up."""

PIECES_PER_PROCESS = 16
"""How finely `map_chunks` cuts the work: small pieces let a faster process take more of them."""

_task: tuple | None = None
"""(function, pieces, next-piece counter) for the forked workers of `map_chunks`; inherited through
fork, never pickled."""


def map_chunks(fn, items, *, first=None) -> list:
    """`fn(items)` (a list in, a list out, one result per item and in order), split over processes.

    With many items on a machine with several idle CPUs (see `_free_cpus`), the items are
    cut into small contiguous pieces that this process and forked workers take in turn from
    a shared counter until none is left, so a process slowed by other work, or by pickling
    its results, simply takes fewer pieces (fixed halves left one CPU idle for a tenth of a
    second at 1,000 cases). Results are joined by piece number, so the output is exactly the
    serial one. `fn` and the items reach the workers through fork (no pickling); only the
    results come back pickled, piece by piece as they are done. Small inputs, a single CPU,
    no `fork` (Windows, macOS) or other threads running (`mkdocs serve`: forking a threaded
    process is unsafe) keep it in this process.

    `first()`, when given, is a job of this process's own (compiling templates, drawing the
    PDFs): it runs before this process takes any piece, while the workers already do, so it
    costs about half its time. Without workers it simply runs first.
    """
    global _task
    items = list(items)
    n = 1
    if (len(items) >= PARALLEL_MIN and _task is None and threading.active_count() == 1
            and "fork" in multiprocessing.get_all_start_methods()):
        n = min(_free_cpus(), len(items))
    if n < 2:
        if first is not None:
            first()
        return list(fn(items))
    context = multiprocessing.get_context("fork")
    count = min(len(items), n * PIECES_PER_PROCESS)
    pieces = [items[len(items) * k // count:len(items) * (k + 1) // count] for k in range(count)]
    _task = (fn, pieces, context.Value("i", 0))
    try:
        with ProcessPoolExecutor(max_workers=n - 1, mp_context=context) as pool:
            futures = [pool.submit(_take_pieces, True) for _ in range(n - 1)]
            if first is not None:
                first()
            done = _take_pieces(False)
            for f in futures:
                done.update((k, pickle.loads(blob)) for k, blob in f.result().items())
    finally:
        _task = None
    return [result for k in range(count) for result in done[k]]


def apart(fn, *args):
    """`fn(*args)` in a forked process of its own: its result (or its exception) is handed back
    pickled, and everything else it made goes when the process ends.

    The pipeline's model of a big course (catalog, cases, audits) takes far more memory than the
    pages made from it, and memory a Python process has used for many small objects is not given
    back for the big strings MkDocs makes next: a `build` generates apart, so MkDocs starts from a
    process that holds the pages alone. Without `fork`, or with other threads running (`serve`),
    it runs here."""
    if "fork" not in multiprocessing.get_all_start_methods() or threading.active_count() > 1 or _task is not None:
        return fn(*args)
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork")) as pool:
        return pool.submit(fn, *args).result()


def _take_pieces(in_worker: bool) -> dict:
    """Run `fn` on pieces not yet taken by another process; {piece number: results}.

    A worker pickles each piece's results as soon as they are made, so that cost is part of
    its share instead of a wait at the end."""
    fn, pieces, counter = _task
    out = {}
    while True:
        with counter.get_lock():
            k = counter.value
            counter.value = k + 1
        if k >= len(pieces):
            return out
        results = list(fn(pieces[k]))
        out[k] = pickle.dumps(results, pickle.HIGHEST_PROTOCOL) if in_worker else results


def _free_cpus() -> int:
    """CPUs this process could use now (see cpus.py: measured, not the load average).

    On a saturated machine a second process only adds fork and pickling costs (measured:
    slower than one process), so what other processes keep busy decides."""
    return free_cpus()
