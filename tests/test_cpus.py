"""cpus.free_cpus: the helper-process decision counts what OTHER processes keep busy, measured
over the time since the last look, so this process's own earlier work (or a build that just
finished, which the load average still remembers) does not keep the helper from forking."""

from __future__ import annotations

import pytest

from metdocs.work import cpus


@pytest.fixture
def machine(monkeypatch):
    """A fake 2-CPU machine: set `state` (monotonic seconds, machine busy/all CPU seconds, own CPU seconds)."""
    state = {"t": 100.0, "busy": 50.0, "all": 200.0, "own": 3.0, "slept": 0.0}
    monkeypatch.setattr(cpus.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(cpus, "_cpu_total", lambda: 2)
    monkeypatch.setattr(cpus.time, "monotonic", lambda: state["t"])
    monkeypatch.setattr(cpus, "_machine", lambda: (state["busy"], state["all"]))
    monkeypatch.setattr(cpus, "_own", lambda: state["own"])

    def sleep(s):
        state["slept"] += s
        advance(s, busy=0.0)

    def advance(seconds, *, busy, own=0.0):
        state["t"] += seconds
        state["all"] += 2 * seconds
        state["busy"] += busy
        state["own"] += own

    monkeypatch.setattr(cpus.time, "sleep", sleep)
    monkeypatch.setattr(cpus, "_last", cpus._sample())
    state["advance"] = advance
    return state


def test_own_earlier_work_does_not_count_as_busy(machine):
    machine["advance"](1.0, busy=1.0, own=1.0)  # this process kept one CPU busy for the whole second
    assert cpus.free_cpus() == 2


def test_another_process_keeping_a_cpu_busy_does(machine):
    machine["advance"](1.0, busy=1.0)
    assert cpus.free_cpus() == 1
    machine["advance"](1.0, busy=2.0, own=1.0)  # ours and someone else's
    assert cpus.free_cpus() == 1


def test_each_look_measures_only_the_time_since_the_last(machine):
    machine["advance"](1.0, busy=2.0)  # a build of another process, now finished
    assert cpus.free_cpus() == 1
    machine["advance"](0.5, busy=0.05)
    assert cpus.free_cpus() == 2  # the load average would still say busy


def test_a_very_short_window_is_stretched(machine):
    machine["advance"](0.01, busy=0.0)
    assert cpus.free_cpus() == 2
    assert machine["slept"] == pytest.approx(cpus.MIN_WINDOW - 0.01)


def test_without_proc_stat_the_load_average_decides(machine, monkeypatch):
    monkeypatch.setattr(cpus, "_machine", lambda: None)
    monkeypatch.setattr(cpus, "_last", cpus._sample())
    monkeypatch.setattr(cpus.os, "getloadavg", lambda: (3.0, 3.0, 3.0))
    machine["advance"](1.0, busy=0.0)
    assert cpus.free_cpus() == 1
    monkeypatch.setattr(cpus.os, "getloadavg", lambda: (1.0, 1.0, 1.0))  # just this process
    assert cpus.free_cpus() == 2


def test_the_real_proc_stat_is_read():
    sample = cpus._machine()
    if sample is None:
        pytest.skip("no /proc/stat on this system")
    busy, total = sample
    assert 0 < busy < total
    assert 1 <= cpus.free_cpus() <= cpus._cpu_total()
