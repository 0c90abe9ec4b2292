"""work.chunks.map_chunks: work shared over forked processes comes back complete and in order."""

from __future__ import annotations

import os
import time
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
    started = chunks.multiprocessing.get_context("fork").Event()  # reaches the worker through fork

    def square(xs):
        if os.getpid() == parent:
            # On a loaded machine a new process can wait a second or more for a CPU: let the
            # worker start (its first piece) before the parent, busy elsewhere, takes its own.
            assert started.wait(120), "the worker never took a piece"
            time.sleep(0.05)  # the parent is busy elsewhere: the worker should take most pieces
        else:
            started.set()
        return [(x * x, os.getpid()) for x in xs]

    out = chunks.map_chunks(square, range(400))
    assert [v for v, _ in out] == [x * x for x in range(400)]
    by_process = Counter(pid for _, pid in out)
    assert len(by_process) == 2
    worker = next(pid for pid in by_process if pid != parent)
    assert by_process[worker] > by_process[parent]


def test_small_inputs_stay_in_this_process(two_cpus):
    out = chunks.map_chunks(lambda xs: [os.getpid() for _ in xs], range(chunks.PARALLEL_MIN - 1))
    assert set(out) == {os.getpid()}


def test_an_error_in_a_worker_reaches_the_caller(two_cpus):
    parent = os.getpid()

    def fail_in_worker(xs):
        if os.getpid() != parent:
            raise ValueError("boom")
        time.sleep(0.002)
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
