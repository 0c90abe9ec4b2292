"""How many CPUs this process could use right now (for `work.chunks.map_chunks`' helper processes).

The 1-minute load average cannot answer that: it decays slowly, and it counts this very
process. Right after one build (or earlier work in the same run) it still showed a busy
machine, so a benchmark that followed another build ran without its helper. Instead, on
Linux, the CPU time the whole machine spent busy since the last look (/proc/stat) is
compared with the CPU time this process and its reaped helpers spent (os.times): the
difference is what other processes keep busy. Elsewhere the load average is the fallback.
"""

from __future__ import annotations

import os
import time

MIN_WINDOW = 0.05
"""Shortest look back (seconds); a shorter one is stretched by a sleep, since /proc/stat counts in 10 ms ticks."""

PROC_STAT = "/proc/stat"
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _machine() -> tuple[float, float] | None:
    """(busy CPU seconds, all CPU seconds) of the whole machine since boot, or None without /proc/stat."""
    try:
        with open(PROC_STAT, "rb") as f:
            first = f.readline().split()
    except OSError:
        return None
    if not first or first[0] != b"cpu":
        return None
    ticks = [int(v) for v in first[1:9]]  # user nice system idle iowait irq softirq steal
    idle = ticks[3] + ticks[4]
    return (sum(ticks) - idle) / _TICK, sum(ticks) / _TICK


def _own() -> float:
    """CPU seconds of this process and its finished helper processes."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _sample() -> tuple[float, tuple[float, float] | None, float]:
    return time.monotonic(), _machine(), _own()


_last = _sample()
"""The previous look: taken at import (early in every run), then at every decision."""


def _cpu_total() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def free_cpus() -> int:
    """CPUs this process could use now: its own plus those idle since the last look."""
    global _last
    cpus = _cpu_total()
    start, before, own_before = _last
    now = _sample()
    if now[0] - start < MIN_WINDOW:
        time.sleep(MIN_WINDOW - (now[0] - start))
        now = _sample()
    _last = now
    if before is None or now[1] is None:
        return _from_load_average(cpus)
    machine = os.cpu_count() or 1
    busy = (now[1][0] - before[0]) - max(0.0, now[2] - own_before)  # others' CPU seconds
    wall = (now[1][1] - before[1]) / machine  # seconds that passed, as /proc/stat counted them
    if wall <= 0:
        return _from_load_average(cpus)
    others = max(0.0, busy / wall)  # CPUs other processes kept busy, on average
    return max(1, min(cpus, int(machine - others + 0.5)))


def _from_load_average(cpus: int) -> int:
    try:
        busy = max(0.0, os.getloadavg()[0] - 1.0)  # the load average counts this process too
    except (AttributeError, OSError):  # pragma: no cover - no load average on this platform
        busy = 0.0
    return max(1, min(cpus, int(cpus - busy + 0.5)))
