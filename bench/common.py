"""Measuring helpers the benchmarks share (databases and ports: tests/infra.py)."""

from __future__ import annotations

import os
import resource
from pathlib import Path


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a running process, from /proc."""
    fields = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _stat(pid: int | str) -> list[str]:
    with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
        return stat.read().rpartition(")")[2].split()


def process_cpu(pid: int) -> float:
    """CPU seconds (user + system) a running process has used so far, from /proc."""
    fields = _stat(pid)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> float:
    """CPU seconds of this machine's PostgreSQL: every running postgres process, plus what
    the ended backends left in their postmaster's children's account (0 where none is seen)."""
    ticks = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "comm").read_text().strip() != "postgres":
                continue
            fields = _stat(entry.name)
            ticks += int(fields[11]) + int(fields[12])
            parent = Path(f"/proc/{fields[1]}/comm")
            if not parent.exists() or parent.read_text().strip() != "postgres":
                ticks += int(fields[13]) + int(fields[14])  # the postmaster: reaped backends
        except (OSError, ValueError, IndexError):
            pass  # ended meanwhile
    return ticks / os.sysconf("SC_CLK_TCK")
