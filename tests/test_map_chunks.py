"""work.chunks.map_chunks: work shared over forked processes comes back complete and in order.

Scheduling is tested with the processes' order made explicit, never with sleeps: the parent
process waits on a semaphore the worker signals per piece, so "the parent was busy elsewhere"
is a fact of the test, not a bet on how fast the machine is.
"""

from __future__ import annotations

import os
from collections import Counter

import pytest

from metdocs.work import chunks


@pytest.fixture
def two_cpus(monkeypatch):
    if "fork" not in chunks.multiprocessing.get_all_start_methods():
        pytest.skip("map_chunks only forks where fork exists")
    monkeypatch.setattr(chunks, "_free_cpus", lambda: 2)
    monkeypatch.setattr(chunks.threading, "active_count", lambda: 1)


def test_a_slow_process_takes_fewer_pieces_and_the_order_holds(two_cpus):
    parent = os.getpid()
    pieces = 2 * chunks.PIECES_PER_PROCESS
    done = chunks.multiprocessing.get_context("fork").Semaphore(0)  # reaches the worker through fork
    slow = [True]

    def square(xs):
        if os.getpid() != parent:
            out = [(x * x, os.getpid()) for x in xs]
            done.release()  # one more piece done by the worker
            return out
        if slow[0]:
            # The parent is held in its first piece until the worker has done most of the rest,
            # as a process busy with other work would be: whatever the machine's load.
            slow[0] = False
            for _ in range(pieces * 3 // 4):
                assert done.acquire(timeout=300), "the worker stopped taking pieces"
        return [(x * x, os.getpid()) for x in xs]

    out = chunks.map_chunks(square, range(400))
    assert [v for v, _ in out] == [x * x for x in range(400)]
    by_process = Counter(pid for _, pid in out)
    assert len(by_process) == 2
    worker = next(pid for pid in by_process if pid != parent)
    assert by_process[worker] > 2 * by_process[parent]  # at least 24 of 32 pieces against at most 8


def test_small_inputs_stay_in_this_process(two_cpus):
    out = chunks.map_chunks(lambda xs: [os.getpid() for _ in xs], range(chunks.PARALLEL_MIN - 1))
    assert set(out) == {os.getpid()}


def test_an_error_in_a_worker_reaches_the_caller(two_cpus):
    parent = os.getpid()
    failed = chunks.multiprocessing.get_context("fork").Event()

    def fail_in_worker(xs):
        if os.getpid() != parent:
            failed.set()
            raise ValueError("boom")
        # The parent waits until the worker has taken a piece, which it could not if the parent
        # took them all first on a busy machine.
        assert failed.wait(300), "the worker never took a piece"
        return list(xs)

    with pytest.raises(ValueError, match="boom"):
        chunks.map_chunks(fail_in_worker, range(400))
    assert chunks._task is None  # ready for the next call


@pytest.mark.parametrize("n", [10, 400])  # stays in this process / shared with a worker
def test_first_runs_once_here_before_this_process_takes_a_piece(two_cpus, n):
    parent, log = os.getpid(), []

    def record(xs):
        if os.getpid() == parent:
            log.append("piece")
        return list(xs)

    assert chunks.map_chunks(record, range(n), first=lambda: log.append("first")) == list(range(n))
    assert log.count("first") == 1 and log[0] == "first"


def test_a_job_moved_between_phases_keeps_the_sum(monkeypatch):
    from metdocs.work import stages

    clock = iter([0.0, 1.0, 3.0, 10.0])  # span starts; job starts, ends; span ends
    monkeypatch.setattr(stages.time, "perf_counter", lambda: next(clock))
    monkeypatch.setattr(stages, "map_chunks", lambda fn, items, first=None: [first(), fn(items)][1])
    timings: dict = {}
    run = stages.Stages(timings)
    run.meanwhile(lambda: None, phase="render")
    with run.stage("load"):
        assert run.each(list, [1, 2]) == [1, 2]
    assert timings == {"load": 8.0, "render": 2.0}
