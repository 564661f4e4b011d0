"""Wall time and peak memory (RSS) of each step of a run, for benchmarks and progress lines."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["StepLog", "no_gc"]

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _peak_rss_mb() -> float | None:
    """This process's peak resident set size since the last reset (Linux), in MB."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _reset_peak() -> None:
    # Writing 5 to clear_refs resets the peak RSS, so each step reports its own peak.
    with suppress(OSError):
        _CLEAR_REFS.write_text("5")


@dataclass
class StepLog:
    """``with log.step("train"): …`` records seconds and peak RSS of that step."""

    progress: Callable[[str], None] | None = None
    steps: dict[str, dict[str, float | None]] = field(default_factory=dict)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        if self.progress:
            self.progress(f"{name}…")
        _reset_peak()
        started = time.perf_counter()
        yield
        seconds = time.perf_counter() - started
        peak = _peak_rss_mb()
        self.steps[name] = {
            "seconds": round(seconds, 2),
            "peak_rss_mb": round(peak, 1) if peak is not None else None,
        }
        if self.progress:
            memory = f", peak RSS {peak:.0f} MB" if peak is not None else ""
            self.progress(f"{name}: {seconds:.1f} s{memory}")

    @property
    def total_seconds(self) -> float:
        return round(sum(s["seconds"] or 0.0 for s in self.steps.values()), 2)

    @property
    def peak_rss_mb(self) -> float | None:
        peaks = [s["peak_rss_mb"] for s in self.steps.values() if s["peak_rss_mb"] is not None]
        return max(peaks) if peaks else None


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of small objects are made.

    Records, pairs and clusters hold no reference cycles; without this, each collection
    walks every object made so far and a million records take tens of seconds longer.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
